/**
 * The Discord interactions endpoint at its edge (issue 21, findings 6 and 8): bodies that carry a valid signature but
 * are not interactions Earworm can use (`null`, arrays, missing `data`, `message`, `components` or `id`) are answered
 * with a 400 that says what is missing, never a 500; and when the interaction webhook fails, the logged error names the
 * failure without the interaction token or the reply it tried to send.
 */
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscordBot } from '../../../src/bots/discord/discord-bot.ts';
import { discordInteractionsRoute } from '../../../src/bots/discord/discord-interactions.ts';
import { createLogger, silentLogger } from '../../../src/logging/logger.ts';
import { createHttpServer, listen, type RunningServer } from '../../../src/http/http-server.ts';
import { DRIVERS } from '../../support/db.ts';
import { openDiscordHarness, type DiscordHarness } from './support/discord-harness.ts';
import { FakeDiscord, fakeUser } from './support/fake-discord.ts';

function keyPair(): { privateKey: KeyObject; publicHex: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const x = publicKey.export({ format: 'jwk' }).x!;
  return { privateKey, publicHex: Buffer.from(x, 'base64url').toString('hex') };
}

describe.each(DRIVERS)('Discord interactions edge on %s', (driver) => {
  const key = keyPair();
  let fake: FakeDiscord;
  let d: DiscordHarness;
  let server: RunningServer;
  const lines: string[] = [];
  beforeAll(async () => {
    fake = await FakeDiscord.start();
    d = await openDiscordHarness(driver);
    // The production logger (createLogger), writing to memory instead of stderr.
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString('utf8').split('\n')) if (l.trim() !== '') lines.push(l);
        done();
      },
    });
    const logger = createLogger({ logLevel: 'debug', destination });
    const bot = new DiscordBot({ desk: d.desk, db: d.h.db, logger });
    server = await listen(createHttpServer([discordInteractionsRoute({ publicKey: key.publicHex, bot, rest: { api: fake.api }, logger })], silentLogger), 0);
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
    await d?.close();
  });

  /** POSTs a raw body signed with Discord's key. */
  async function post(text: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const ts = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(ts + text), key.privateKey).toString('hex');
    const r = await fetch(`${server.url}/discord/interactions`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-signature-timestamp': ts, 'x-signature-ed25519': signature }, body: text });
    return { status: r.status, body: (await r.json()) as Record<string, unknown> };
  }

  it('answers signed bodies that are not usable interactions with a 400 naming what is wrong', async () => {
    const ana = fakeUser('ana');
    const cmd = fake.command(ana, 'recommend', { request: 'radiohead' });
    const { data: _data, ...noData } = cmd;
    const { id: _id, ...noId } = cmd;
    const modal = fake.modalSubmit(ana, 'tastes:form', { genres: ['rock'] });
    const { components: _components, ...modalDataWithoutComponents } = modal.data;
    const button = { ...fake.command(ana, 'x'), type: 3, data: { custom_id: 'ew:like:1', component_type: 2 } };
    const cases: [string, string, RegExp][] = [
      ['null', 'null', /must be a JSON object/],
      ['an array', '[]', /must be a JSON object/],
      ['a number', '42', /must be a JSON object/],
      ['a string', '"hello"', /must be a JSON object/],
      ['no type', JSON.stringify({ ...cmd, type: undefined }), /type/],
      ['no data', JSON.stringify(noData), /data/],
      ['data null', JSON.stringify({ ...cmd, data: null }), /data/],
      ['no id', JSON.stringify(noId), /\bid\b/],
      ['no token', JSON.stringify({ ...cmd, token: undefined }), /token/],
      ['no user', JSON.stringify({ ...cmd, member: undefined }), /user/],
      ['a button without its message', JSON.stringify(button), /message/],
      ['a button whose message has no id', JSON.stringify({ ...button, message: { embeds: [] } }), /message/],
      ['a button whose message components are not a list', JSON.stringify({ ...button, message: { id: '1', components: 'x' } }), /components/],
      ['a modal without components', JSON.stringify({ ...modal, data: modalDataWithoutComponents }), /components/],
      ['a command with options that are not a list', JSON.stringify({ ...cmd, data: { ...cmd.data, options: { a: 1 } } }), /options/],
    ];
    for (const [what, body, problem] of cases) {
      const r = await post(body);
      expect({ what, status: r.status }).toEqual({ what, status: 400 });
      expect(String(r.body.error)).toMatch(problem);
    }
    // Nothing reached Discord for any of them.
    expect(fake.calls.filter((c) => c.path.startsWith('/webhooks') || c.path.startsWith('/interactions'))).toEqual([]);
  });

  it('logs a failed webhook call without the interaction token or the reply body', async () => {
    const ben = fakeUser('ben');
    // Discord does not know this token (as when it expired): every webhook call is answered 404.
    const token = `aW50ZXJhY3Rpb246${'Q'.repeat(40)}SecretToken`;
    const cmd = { ...fake.command(ben, 'recommend', { request: 'radiohead' }), token };
    const r = await post(JSON.stringify(cmd));
    expect(r).toEqual({ status: 200, body: { type: 5 } });
    await fake.until(() => fake.calls.filter((c) => c.path.includes('/webhooks/') && c.status === 404).length >= 2 || undefined, 55_000, 'the failing webhook calls');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const failure = lines.map((l) => JSON.parse(l) as { msg: string; err?: { message?: string; url?: string; status?: number } }).find((l) => l.msg === 'Discord interaction failed');
    expect(failure?.err?.status).toBe(404);
    expect(failure?.err?.url).toMatch(new RegExp(`/webhooks/${fake.applicationId}/\\[redacted\\]/messages/(@|%40)original`));
    const text = lines.join('\n');
    expect(text).not.toContain(token);
    expect(text).not.toContain('SecretToken');
    // The reply it tried to send (the recommended tracks' embeds) is not in the log either.
    expect(text).not.toMatch(/"embeds"|requestBody|rawError/);
  });
});
