/**
 * The Slack front end end to end: the real Bolt app (HTTPReceiver mounted on Earworm's HTTP server) on loopback,
 * driven by requests signed with the signing secret, answering through the real @slack/web-api client pointed at a
 * local fake Slack Web API that records every call.
 */
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.ts';
import { PgConversationStore } from '../../../src/desk/pg-conversation-store.ts';
import { FrontDesk } from '../../../src/desk/front-desk.ts';
import { interactionBody, slackSignatureHeaders, slashCommandBody } from '../../../src/bots/slack/signing.ts';
import { createSlackFrontEnd, SlackConfigError, type SlackFrontEnd } from '../../../src/bots/slack/slack-app.ts';
import { parseCommand } from '../../../src/bots/slack/slack-listeners.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { createHttpServer, listen, type RunningServer } from '../../../src/http/http-server.ts';
import { DRIVERS } from '../../support/db.ts';
import { openHarness, type Harness } from '../../tools/support/tool-harness.ts';
import { startFakeSlack, type ApiCall, type FakeSlack } from './support/fake-slack.ts';

const SECRET = 'test-signing-secret-0123456789abcdef';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

interface Blocky {
  type: string;
  elements?: { type: string; action_id?: string; url?: string; text?: { text?: string } }[];
  text?: { text?: string };
  image_url?: string;
}

const blocksOf = (c: ApiCall | { body: Record<string, unknown> }): Blocky[] => (('args' in c ? c.args.blocks : c.body.blocks) ?? []) as Blocky[];
const buttonIds = (blocks: Blocky[]) => blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []).map((e) => e.action_id ?? '') : []));
const elementText = (e: { text?: unknown }) => (typeof e.text === 'string' ? e.text : ((e.text as { text?: string } | undefined)?.text ?? ''));
const allText = (blocks: Blocky[]) => blocks.map((b) => [b.text?.text ?? '', ...(b.elements ?? []).map(elementText)].join(' ')).join('\n');

/** Log lines (JSON) captured from a real pino logger. */
function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe.each(DRIVERS)('Slack app on %s', (driver) => {
  let h: Harness;
  let fake: FakeSlack;
  let fe: SlackFrontEnd;
  let server: RunningServer;
  const charted: number[] = [];
  const logs = capturingLogger();
  let seq = 0;

  /** POSTs a body to /slack/events, signed like Slack signs it (or with the given header overrides). */
  async function send(body: string, contentType: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${server.url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...slackSignatureHeaders(SECRET, body), ...headers }, body });
    const text = await res.text();
    return { status: res.status, text, json: () => JSON.parse(text) as Record<string, unknown> };
  }
  function command(user: string, text: string, channel = 'C1') {
    const rid = `cmd-${++seq}`;
    const body = slashCommandBody({
      token: 'legacy', team_id: 'T1', team_domain: 'earworm-test', channel_id: channel, channel_name: 'general', user_id: user, user_name: user,
      command: '/earworm', text, api_app_id: 'A1', is_enterprise_install: 'false', response_url: fake.responseUrl(rid), trigger_id: `${seq}.1.abc`,
    });
    return { rid, send: () => send(body, 'application/x-www-form-urlencoded') };
  }
  function press(user: string, actionId: string, message: { channel: string; ts: string }) {
    const rid = `act-${++seq}`;
    const body = interactionBody({
      type: 'block_actions', team: { id: 'T1', domain: 'earworm-test' }, user: { id: user, username: user, team_id: 'T1' }, api_app_id: 'A1', token: 'legacy',
      container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false }, trigger_id: `${seq}.2.def`,
      channel: { id: message.channel, name: 'general' }, message: { type: 'message', ts: message.ts, text: '…', user: 'UBOT', bot_id: 'BBOT' },
      response_url: fake.responseUrl(rid),
      actions: [{ type: 'button', action_id: actionId, block_id: 'b', value: actionId, text: { type: 'plain_text', text: 'x' }, action_ts: `${Date.now() / 1000}` }],
    });
    return { rid, send: () => send(body, 'application/x-www-form-urlencoded') };
  }
  function event(eventId: string, ev: Record<string, unknown>) {
    return JSON.stringify({ token: 'legacy', team_id: 'T1', api_app_id: 'A1', event: ev, type: 'event_callback', event_id: eventId, event_time: Math.floor(Date.now() / 1000), authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }] });
  }

  beforeAll(async () => {
    h = await openHarness(driver);
    fake = await startFakeSlack();
    const store = new PgConversationStore(h.db);
    const desk = new FrontDesk({ db: h.db, agent: new Agent({ services: h.services }), services: h.services, store, logger: silentLogger, ratePerMinute: 1000 });
    fe = createSlackFrontEnd({
      desk,
      db: h.db,
      slack: { botToken: 'xoxb-test-token', signingSecret: SECRET, appToken: undefined },
      publicUrl: 'https://earworm.example',
      logger: logs.logger,
      chartPng: async (personId) => {
        charted.push(personId);
        return PNG;
      },
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    await fe.start();
    server = await listen(createHttpServer(fe.routes, silentLogger), 0);
  });
  afterAll(async () => {
    await fe?.stop();
    await server?.close();
    await fake?.close();
    await h?.close();
  });

  it('verifies the bot token with auth.test when it starts', () => {
    const auth = fake.callsOf('auth.test');
    expect(auth.length).toBeGreaterThanOrEqual(1);
    expect(auth[0]!.authorization).toBe('Bearer xoxb-test-token');
  });

  it('acks a slash command at once, then posts track sections with like / dislike / more buttons', async () => {
    const c = command('U1', 'recommend something for me');
    const res = await c.send();
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ response_type: 'ephemeral' });
    const [posted] = await fake.waitFor('chat.postMessage', (a) => a.channel === 'C1' && String(JSON.stringify(a.blocks)).includes('recommend something for me'));
    const blocks = blocksOf(posted!);
    const ids = buttonIds(blocks);
    expect(ids.length).toBeGreaterThanOrEqual(3);
    expect(ids.length % 3).toBe(0);
    for (const id of ids) expect(id).toMatch(/^ew:[A-Za-z0-9_-]{12}$/);
    expect(allText(blocks)).toContain('Like');
    expect(allText(blocks)).toContain('More like this');
    expect(posted!.authorization).toBe('Bearer xoxb-test-token');
  });

  it('answers through response_url where the bot is not in the channel', async () => {
    fake.notInChannel.add('CNOTIN');
    const c = command('U1', 'recommend something', 'CNOTIN');
    expect((await c.send()).status).toBe(200);
    const [r] = await fake.waitForResponse(c.rid);
    expect(r!.body.response_type).toBe('in_channel');
    expect(buttonIds(blocksOf(r!)).length).toBeGreaterThan(0);
  });

  it('records a vote once though the button is delivered twice, and updates the A/B message in place', async () => {
    const c = command('U2', 'compare');
    expect((await c.send()).status).toBe(200);
    const [posted] = await fake.waitFor('chat.postMessage', (a) => a.channel === 'C1' && String(JSON.stringify(a.blocks)).includes('fits better'));
    const ids = buttonIds(blocksOf(posted!));
    expect(ids).toHaveLength(5); // A, B, both, neither, skip
    const msg = { channel: 'C1', ts: String(posted!.response.ts) };
    const updatesBefore = fake.callsOf('chat.update').length;
    const p1 = press('U2', ids[0]!, msg);
    const p2 = press('U2', ids[0]!, msg);
    const [r1, r2] = await Promise.all([p1.send(), p2.send()]);
    expect([r1.status, r2.status]).toEqual([200, 200]);
    const [update] = await fake.waitFor('chat.update', (a) => a.ts === msg.ts);
    await fake.waitFor('chat.postEphemeral', (a) => a.user === 'U2' && String(a.text).includes('Already counted'));
    expect(fake.callsOf('chat.update').length).toBe(updatesBefore + 1);
    const votes = await h.db.rows<{ n: number }>(sql`select count(*)::int as n from votes v join people p on p.id = v.person_id join identities i on i.person_id = p.id where i.external_id = 'T1:U2'`);
    expect(votes[0]!.n).toBe(1);
    const ublocks = blocksOf(update!);
    expect(update!.args.channel).toBe('C1');
    expect(allText(ublocks)).toMatch(/You chose A: \*.+\*/);
    const next = buttonIds(ublocks);
    expect(next).toHaveLength(5);
    for (const id of next) expect(ids).not.toContain(id);
  });

  it('takes "Both fit" and "Neither" once each (delivered twice), stores them as such and the taste model learns from each once', async () => {
    const isPair = (a: Record<string, unknown>) => a.channel === 'C1' && String(JSON.stringify(a.blocks)).includes('fits better');
    const pairsBefore = fake.callsOf('chat.postMessage', isPair).length;
    const c = command('U8', 'compare');
    expect((await c.send()).status).toBe(200);
    const posted = (await fake.waitFor('chat.postMessage', isPair, pairsBefore + 1)).at(-1);
    expect(allText(blocksOf(posted!))).toMatch(/Both fit.*Neither.*Skip this pair/s);
    let ids = buttonIds(blocksOf(posted!));
    const msg = { channel: 'C1', ts: String(posted!.response.ts) };
    const person = `select p.id from people p join identities i on i.person_id = p.id where i.external_id = 'T1:U8'`;
    for (const [button, choice, line] of [
      [2, 'both', /You said both fit: \*.+\* and \*.+\*/],
      [3, 'neither', /You said neither fits: \*.+\* nor \*.+\*/],
    ] as const) {
      const before = fake.callsOf('chat.update', (a) => a.ts === msg.ts).length;
      const [r1, r2] = await Promise.all([press('U8', ids[button]!, msg).send(), press('U8', ids[button]!, msg).send()]);
      expect([r1.status, r2.status]).toEqual([200, 200]);
      const update = (await fake.waitFor('chat.update', (a) => a.ts === msg.ts, before + 1)).at(-1)!;
      // The repeated delivery is answered privately, not applied.
      await fake.waitFor('chat.postEphemeral', (a) => a.user === 'U8' && String(a.text).includes('Already counted'), button - 1);
      expect(fake.callsOf('chat.update', (a) => a.ts === msg.ts)).toHaveLength(before + 1);
      expect(allText(blocksOf(update))).toMatch(line);
      const stored = await h.db.rows<{ choice: string }>(sql.raw(`select v.choice from votes v where v.person_id = (${person}) order by v.id`));
      expect(stored.map((r) => r.choice).at(-1)).toBe(choice);
      ids = buttonIds(blocksOf(update));
      expect(ids, allText(blocksOf(update))).toHaveLength(5);
    }
    const stored = await h.db.rows<{ n: number }>(sql.raw(`select count(*)::int as n from votes where person_id = (${person})`));
    expect(stored[0]!.n).toBe(2);
    const model = await h.db.rows<{ votes: number }>(sql.raw(`select votes from preference_models where person_id = (${person})`));
    expect(model[0]?.votes ?? 0).toBe(2);
  });

  it('likes a card and tells the person privately', async () => {
    const c = command('U3', 'recommend something');
    await c.send();
    const [posted] = await fake.waitFor('chat.postMessage', (a) => String(JSON.stringify(a.blocks)).includes('<@U3> asked'));
    const like = buttonIds(blocksOf(posted!))[0]!;
    await press('U3', like, { channel: 'C1', ts: '1.1' }).send();
    const [eph] = await fake.waitFor('chat.postEphemeral', (a) => a.user === 'U3' && String(a.text).startsWith('Liked'));
    expect(eph!.args.channel).toBe('C1');
  });

  it('answers "more like this" with similar tracks in the thread of the card', async () => {
    const c = command('U7', 'recommend something');
    await c.send();
    const [posted] = await fake.waitFor('chat.postMessage', (a) => String(JSON.stringify(a.blocks)).includes('<@U7> asked'));
    const more = buttonIds(blocksOf(posted!))[2]!;
    const ts = String(posted!.response.ts);
    await press('U7', more, { channel: 'C1', ts }).send();
    const [threaded] = await fake.waitFor('chat.postMessage', (a) => a.thread_ts === ts);
    expect(allText(blocksOf(threaded!))).toMatch(/More like|Nothing close/);
  });

  it('answers an unknown button with an ephemeral explanation', async () => {
    await press('U3', 'ew:AAAAAAAAAAAA', { channel: 'C1', ts: '1.1' }).send();
    await fake.waitFor('chat.postEphemeral', (a) => a.user === 'U3' && String(a.text).includes("don't recognise that button"));
  });

  it('handles a retried event (same event_id, X-Slack-Retry-Num: 1) once', async () => {
    const body = event('EvRetry1', { type: 'app_mention', user: 'U4', text: '<@UBOT> recommend something', ts: '1700000500.000100', channel: 'C2', event_ts: '1700000500.000100', team: 'T1' });
    expect((await send(body, 'application/json')).status).toBe(200);
    await fake.waitFor('chat.postMessage', (a) => a.channel === 'C2' && a.thread_ts === '1700000500.000100');
    const retry = await send(body, 'application/json', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(retry.status).toBe(200);
    const end = Date.now() + 55_000;
    while (!logs.lines.some((l) => l.eventId === 'EvRetry1' && String(l.msg).includes('repeated'))) {
      if (Date.now() > end) throw new Error('the retry was not seen');
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(logs.lines.find((l) => l.eventId === 'EvRetry1' && String(l.msg).includes('repeated'))).toMatchObject({ retryNum: 1, retryReason: 'http_timeout' });
    expect(fake.callsOf('chat.postMessage', (a) => a.channel === 'C2' && a.thread_ts === '1700000500.000100')).toHaveLength(1);
  });

  it('answers a direct message in the DM', async () => {
    const body = event('EvDm1', { type: 'message', channel_type: 'im', channel: 'D5', user: 'U5', text: 'recommend something', ts: '1700000600.000100', event_ts: '1700000600.000100', team: 'T1' });
    expect((await send(body, 'application/json')).status).toBe(200);
    const [posted] = await fake.waitFor('chat.postMessage', (a) => a.channel === 'D5');
    expect(buttonIds(blocksOf(posted!)).length).toBeGreaterThan(0);
    // The bot's own message echoed back as a message.im event is ignored.
    const echo = event('EvDm2', { type: 'message', channel_type: 'im', channel: 'D5', user: 'UBOT', bot_id: 'BBOT', text: 'echo', ts: '1700000601.000100', event_ts: '1700000601.000100' });
    expect((await send(echo, 'application/json')).status).toBe(200);
  });

  it('publishes the App Home with the taste profile, recent votes and a chart served under an opaque key', async () => {
    const body = event('EvHome1', { type: 'app_home_opened', user: 'U2', channel: 'D2', tab: 'home', event_ts: '1700000700.000100' });
    expect((await send(body, 'application/json')).status).toBe(200);
    const [pub] = await fake.waitFor('views.publish', (a) => a.user_id === 'U2');
    const view = pub!.args.view as { type: string; blocks: Blocky[] };
    expect(view.type).toBe('home');
    const text = allText(view.blocks);
    expect(text).toContain('Confidence:');
    expect(text).toContain('Top genres:');
    expect(text).toContain('Recent votes:');
    const image = view.blocks.find((b) => b.type === 'image');
    expect(image?.image_url).toMatch(/^https:\/\/earworm\.example\/slack\/charts\/[A-Za-z0-9_-]{12}\.png$/);
    const person = await h.db.rows<{ id: number }>(sql`select person_id as id from identities where external_id = 'T1:U2'`);
    const personId = person[0]!.id;
    const path = new URL(image!.image_url!).pathname;
    // The key is a random server-side token bound to the person, not anything derived from the person id.
    const key = path.slice('/slack/charts/'.length, -'.png'.length);
    const stored = await h.db.rows<{ person_id: number; action: { type: string; name: string } }>(sql`select person_id, action from button_actions where key = ${key}`);
    expect(stored).toEqual([{ person_id: personId, action: { type: 'custom', name: 'slack_taste_chart' } }]);
    const res = await fetch(`${server.url}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    expect(charted).toContain(personId);
    expect((await fetch(`${server.url}/slack/charts/AAAAAAAAAAAA.png`)).status).toBe(404);
    expect((await fetch(`${server.url}/slack/charts/..%2f..%2fetc.png`)).status).toBe(404);
  });

  it('publishes the Home without the chart when Slack cannot fetch the image', async () => {
    fake.rejectImages = true;
    try {
      const body = event('EvHome2', { type: 'app_home_opened', user: 'U2', channel: 'D2', tab: 'home', event_ts: '1700000800.000100' });
      await send(body, 'application/json');
      const pubs = await fake.waitFor('views.publish', (a) => a.user_id === 'U2' && !(a.view as { blocks: Blocky[] }).blocks.some((b) => b.type === 'image'));
      expect(pubs.length).toBeGreaterThanOrEqual(1);
    } finally {
      fake.rejectImages = false;
    }
  });

  it("says Spotify isn't set up while the Spotify tools are missing (command and Home button)", async () => {
    const c = command('U6', 'spotify connect');
    await c.send();
    const [r] = await fake.waitForResponse(c.rid);
    expect(r!.body).toMatchObject({ response_type: 'ephemeral', text: "Spotify isn't set up on this server." });
    const rid = `home-${++seq}`;
    const body = interactionBody({
      type: 'block_actions', team: { id: 'T1', domain: 'x' }, user: { id: 'U6', username: 'u6', team_id: 'T1' }, api_app_id: 'A1', token: 'legacy', trigger_id: '9.9.9',
      container: { type: 'view', view_id: 'V1' }, view: { id: 'V1', type: 'home', blocks: [] }, response_url: fake.responseUrl(rid),
      actions: [{ type: 'button', action_id: 'slack:spotify_disconnect', block_id: 'home:spotify', value: 'slack:spotify_disconnect', action_ts: '1.2' }],
    });
    expect((await send(body, 'application/x-www-form-urlencoded')).status).toBe(200);
    const [pub] = await fake.waitFor('views.publish', (a) => a.user_id === 'U6');
    expect(allText((pub!.args.view as { blocks: Blocky[] }).blocks)).toContain("Spotify isn't set up on this server.");
  });

  it('handles concurrent slash commands from many people', async () => {
    const n = 20;
    const before = fake.callsOf('chat.postMessage').length;
    const results = await Promise.all(Array.from({ length: n }, (_, i) => command(`UC${i}`, `recommend something ${i}`, 'CLOAD').send()));
    expect(results.every((r) => r.status === 200)).toBe(true);
    const posts = await fake.waitFor('chat.postMessage', (a) => a.channel === 'CLOAD', n, 30_000);
    expect(new Set(posts.map((p) => String(JSON.stringify(p.args.blocks)).match(/<@(UC\d+)>/)?.[1])).size).toBe(n);
    expect(fake.callsOf('chat.postMessage').length - before).toBe(n);
  });

  it('answers url_verification with the challenge', async () => {
    const res = await send(JSON.stringify({ token: 'legacy', challenge: 'abc123', type: 'url_verification' }), 'application/json');
    expect(res.status).toBe(200);
    expect(res.text).toContain('abc123');
  });

  it('rejects forged signatures and stale timestamps with 401, doing nothing', async () => {
    const callsBefore = fake.calls.length;
    const body = slashCommandBody({ team_id: 'T1', channel_id: 'C1', user_id: 'U9', command: '/earworm', text: 'compare', response_url: fake.responseUrl('forged') });
    const forged = await send(body, 'application/x-www-form-urlencoded', slackSignatureHeaders('not-the-secret', body));
    expect(forged.status).toBe(401);
    const tampered = await send(body.replace('compare', 'help'), 'application/x-www-form-urlencoded', slackSignatureHeaders(SECRET, body));
    expect(tampered.status).toBe(401);
    const old = Math.floor(Date.now() / 1000) - 6 * 60;
    const stale = await send(body, 'application/x-www-form-urlencoded', slackSignatureHeaders(SECRET, body, old));
    expect(stale.status).toBe(401);
    const unsigned = await fetch(`${server.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(unsigned.status).toBe(401);
    expect(fake.calls.length).toBe(callsBefore);
    expect(fake.responses.filter((r) => r.id === 'forged')).toHaveLength(0);
  });
});

describe('Slack app limits and configuration', () => {
  let h: Harness;
  let fake: FakeSlack;
  let fe: SlackFrontEnd;
  let server: RunningServer;
  beforeAll(async () => {
    h = await openHarness('pglite');
    fake = await startFakeSlack();
    const store = new PgConversationStore(h.db);
    const desk = new FrontDesk({ db: h.db, agent: new Agent({ services: h.services }), services: h.services, store, logger: silentLogger, ratePerMinute: 1 });
    fe = createSlackFrontEnd({ desk, db: h.db, slack: { botToken: 'xoxb-x', signingSecret: SECRET, appToken: undefined }, publicUrl: 'http://127.0.0.1:8080', logger: silentLogger, clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } } });
    await fe.start();
    server = await listen(createHttpServer(fe.routes, silentLogger), 0);
  });
  afterAll(async () => {
    await server?.close();
    await fake?.close();
    await h?.close();
  });

  it('rate-limits a person and says so privately through response_url', async () => {
    const post = async (rid: string) => {
      const body = slashCommandBody({ team_id: 'T1', channel_id: 'C1', user_id: 'U1', command: '/earworm', text: 'recommend something', response_url: fake.responseUrl(rid) });
      const res = await fetch(`${server.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...slackSignatureHeaders(SECRET, body) }, body });
      expect(res.status).toBe(200);
    };
    await post('r1');
    await fake.waitFor('chat.postMessage');
    await post('r2');
    const [r] = await fake.waitForResponse('r2');
    expect(r!.body).toMatchObject({ response_type: 'ephemeral' });
    expect(String(r!.body.text)).toContain('going a bit fast');
  });

  it('serves no chart route without a renderer, and mounts only /slack/events', () => {
    expect(fe.routes.map((r) => r.path)).toEqual(['/slack/events']);
  });

  it('explains missing settings', () => {
    const base = { desk: {} as FrontDesk, db: h.db, publicUrl: 'http://x', logger: silentLogger };
    expect(() => createSlackFrontEnd({ ...base, slack: { botToken: undefined, signingSecret: 'x', appToken: undefined } })).toThrow(SlackConfigError);
    expect(() => createSlackFrontEnd({ ...base, slack: { botToken: 'xoxb-1', signingSecret: undefined, appToken: undefined } })).toThrow(/SLACK_SIGNING_SECRET/);
  });

  it('parses the slash command text', () => {
    expect(parseCommand('')).toEqual({ kind: 'help' });
    expect(parseCommand(' Compare ')).toEqual({ kind: 'compare' });
    expect(parseCommand('spotify  disconnect')).toEqual({ kind: 'spotify', which: 'disconnect' });
    expect(parseCommand('calm piano')).toEqual({ kind: 'say', text: 'calm piano' });
  });
});
