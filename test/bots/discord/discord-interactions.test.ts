/**
 * The HTTP interactions endpoint: requests signed with a local Ed25519 key are answered (PONG, deferred responses,
 * deferred updates, autocomplete choices) and followed up through the webhook REST endpoints of a local fake
 * Discord; forged, unsigned, stale and replayed requests are refused and never applied twice.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { FrontDesk, type DeskOutcome } from '../../../src/desk/front-desk.ts';
import { DiscordBot } from '../../../src/bots/discord/discord-bot.ts';
import { discordInteractionsRoute } from '../../../src/bots/discord/discord-interactions.ts';
import { Agent } from '../../../src/agent/agent.ts';
import { PgConversationStore } from '../../../src/desk/pg-conversation-store.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { createHttpServer, listen, type RunningServer } from '../../../src/http/http-server.ts';
import { DRIVERS } from '../../support/db.ts';
import { buttonIds, openDiscordHarness, type DiscordHarness } from './support/discord-harness.ts';
import { FakeDiscord, fakeUser } from './support/fake-discord.ts';

function keyPair(): { privateKey: KeyObject; publicHex: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  return { privateKey, publicHex: Buffer.from(x, 'base64url').toString('hex') };
}

describe.each(DRIVERS)('Discord HTTP interactions on %s', (driver) => {
  const discordKey = keyPair();
  const otherKey = keyPair();
  let fake: FakeDiscord;
  let d: DiscordHarness;
  let server: RunningServer;
  const logged: Record<string, unknown>[] = [];
  beforeAll(async () => {
    fake = await FakeDiscord.start();
    d = await openDiscordHarness(driver);
    const store = new PgConversationStore(d.h.db);
    // A second desk over the same database that allows one request a minute, and whose chart renderer fails.
    const strict = new FrontDesk({ db: d.h.db, agent: new Agent({ services: d.h.services }), services: d.h.services, store, logger: silentLogger, ratePerMinute: 1 });
    const strictBot = new DiscordBot({ desk: strict, db: d.h.db, chartPng: () => Promise.reject(new Error('renderer down')) });
    // A desk whose comparison fails inside Earworm (a system error), with a logger that keeps what it logs.
    class BrokenDesk extends FrontDesk {
      override compare(): Promise<DeskOutcome> {
        return Promise.reject(new Error('preference store unavailable'));
      }
    }
    const broken = new BrokenDesk({ db: d.h.db, agent: new Agent({ services: d.h.services }), services: d.h.services, store, logger: silentLogger });
    const brokenBot = new DiscordBot({ desk: broken, db: d.h.db, logger: pino({ level: 'error' }, { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) }) });
    server = await listen(
      createHttpServer(
        [
          discordInteractionsRoute({ publicKey: discordKey.publicHex, bot: d.bot, rest: { api: fake.api } }),
          discordInteractionsRoute({ publicKey: discordKey.publicHex, bot: strictBot, rest: { api: fake.api }, path: '/discord/strict' }),
          discordInteractionsRoute({ publicKey: discordKey.publicHex, bot: brokenBot, rest: { api: fake.api }, path: '/discord/broken' }),
        ],
        silentLogger,
      ),
      0,
    );
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
    await d?.close();
  });

  /** POSTs a body signed as Discord signs it (or as told). */
  async function post(body: unknown, opts: { key?: KeyObject; timestamp?: number; signature?: string | null; path?: string; tamper?: boolean } = {}) {
    const text = JSON.stringify(body);
    const ts = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = opts.signature === undefined ? sign(null, Buffer.from(ts + text), opts.key ?? discordKey.privateKey).toString('hex') : opts.signature;
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-signature-timestamp': ts };
    if (signature !== null) headers['x-signature-ed25519'] = signature;
    const sent = opts.tamper === true ? text.replace('"type":', '"type": ') : text;
    const r = await fetch(server.url + (opts.path ?? '/discord/interactions'), { method: 'POST', headers, body: sent });
    const answer = (await r.json()) as Record<string, unknown>;
    if (r.status === 200) fake.acknowledge(body as { token: string }, answer);
    return { status: r.status, body: answer };
  }

  it('answers a signed PING with PONG and refuses unsigned, forged and tampered requests with 401', async () => {
    const ping = { id: '1', application_id: fake.applicationId, type: 1, token: 't', version: 1 };
    expect(await post(ping)).toEqual({ status: 200, body: { type: 1 } });
    expect((await post(ping, { signature: null })).status).toBe(401);
    expect((await post(ping, { key: otherKey.privateKey })).status).toBe(401);
    expect((await post(ping, { signature: 'zz' })).status).toBe(401);
    expect((await post(ping, { tamper: true })).status).toBe(401);
  });

  it('defers a command (type 5), then edits the original through the webhook; a replay is not applied again', async () => {
    const ana = fakeUser('ana');
    const cmd = fake.command(ana, 'recommend', { request: 'radiohead', count: 2 });
    const r = await post(cmd);
    expect(r).toEqual({ status: 200, body: { type: 5 } });
    const edit = await fake.waitCall((c) => c.method === 'PATCH' && c.path === `/webhooks/${fake.applicationId}/${cmd.token}/messages/@original`);
    expect(edit.authorization).toBeUndefined();
    expect(edit.body.embeds).toHaveLength(2);
    expect(buttonIds(edit.body)).toHaveLength(6);
    // The same interaction again (freshly signed): refused, nothing sent twice.
    expect((await post(cmd)).status).toBe(409);
    // A request signed more than five minutes ago: refused before it is looked at.
    const stale = fake.command(ana, 'recommend', { request: 'nirvana' });
    expect((await post(stale, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(fake.callsFor(cmd).filter((c) => c.method === 'PATCH')).toHaveLength(1);
    expect(fake.callsFor(stale)).toHaveLength(0);
  });

  it('answers autocomplete in the HTTP response (type 8)', async () => {
    const r = await post(fake.autocomplete(fakeUser('ben'), 'similar', 'track', 'daft punk'));
    expect(r.status).toBe(200);
    expect(r.body.type).toBe(8);
    const names = ((r.body.data as { choices: { name: string }[] }).choices ?? []).map((c) => c.name);
    expect(names.length).toBeGreaterThan(1);
    expect(names.every((n) => n.includes('Daft Punk'))).toBe(true);
  });

  it('takes a vote once (type 6), marks the pair through the webhook and follows up with the next pair', async () => {
    const cy = fakeUser('cy');
    const cmd = fake.command(cy, 'compare');
    expect((await post(cmd)).body).toEqual({ type: 5 });
    const edit = await fake.waitCall((c) => c.method === 'PATCH' && c.path.includes(cmd.token));
    const [a, b] = buttonIds(edit.body);
    const resolved = await d.desk.buttons.resolve(b!);
    if (resolved.status !== 'ok' || resolved.action.type !== 'vote') throw new Error('expected a vote button');
    const press = fake.button(cy, b!, edit.result!.id);
    expect(await post(press)).toEqual({ status: 200, body: { type: 6 } });
    expect((await post(press)).status).toBe(409);
    const marked = await fake.waitCall((c) => c.method === 'PATCH' && c.path.includes(press.token));
    const next = await fake.waitCall((c) => c.method === 'POST' && c.path === `/webhooks/${fake.applicationId}/${press.token}`);
    expect((marked.body.embeds as { title: string }[])[1]!.title).toMatch(/^✅ B ·/);
    expect(next.body.content).toMatch(/^Voted for B\./);
    expect(buttonIds(next.body)).toHaveLength(5);
    expect(await d.votes(resolved.action.comparisonId)).toBe(1);
    expect(a).not.toBe(b);
  });

  it('tells a person who goes too fast, privately, and removes the public placeholder', async () => {
    const dee = fakeUser('dee');
    const first = fake.command(dee, 'recommend', { request: 'metallica', count: 1 });
    expect((await post(first, { path: '/discord/strict' })).status).toBe(200);
    await fake.waitCall((c) => c.method === 'PATCH' && c.path.includes(first.token));
    const second = fake.command(dee, 'recommend', { request: 'metallica', count: 1 });
    expect((await post(second, { path: '/discord/strict' })).body).toEqual({ type: 5 });
    const note = await fake.waitCall((c) => c.method === 'POST' && c.path === `/webhooks/${fake.applicationId}/${second.token}`);
    expect(note.body.flags).toBe(64);
    expect(note.body.content).toMatch(/going a bit fast.*Try again in \d+ seconds?/);
    await fake.waitCall((c) => c.method === 'DELETE' && c.path.includes(second.token));
  });

  it('sends the profile without a chart when the renderer fails', async () => {
    const eve = fakeUser('eve');
    const cmd = fake.command(eve, 'profile');
    expect((await post(cmd, { path: '/discord/strict' })).body).toEqual({ type: 5, data: { flags: 64 } });
    const edit = await fake.waitCall((c) => c.method === 'PATCH' && c.path.includes(cmd.token));
    expect(edit.files).toHaveLength(0);
    const embed = (edit.body.embeds as { title: string; image?: unknown }[])[0]!;
    expect(embed.title).toBe('Your taste profile');
    expect(embed.image).toBeUndefined();
  });

  it('logs a system error and shows the person a short generic message, privately', async () => {
    const fay = fakeUser('fay');
    const cmd = fake.command(fay, 'compare');
    expect((await post(cmd, { path: '/discord/broken' })).body).toEqual({ type: 5 });
    const note = await fake.waitCall((c) => c.method === 'POST' && c.path === `/webhooks/${fake.applicationId}/${cmd.token}`);
    expect(note.body).toMatchObject({ flags: 64, content: 'Something went wrong inside Earworm. Please try again in a moment.' });
    await fake.waitCall((c) => c.method === 'DELETE' && c.path.includes(cmd.token));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ msg: 'Discord interaction failed', interaction: cmd.id, err: { message: 'preference store unavailable' } });
  });

  it('made no REST call that Discord would have refused', () => {
    expect(fake.calls.filter((c) => (c.status ?? 500) >= 300).map((c) => `${c.method} ${c.path} → ${String(c.status)}`)).toEqual([]);
  });
});
