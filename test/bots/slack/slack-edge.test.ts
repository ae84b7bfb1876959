/**
 * `/slack/events` at its edge (issue 21, findings 1, 8 and 10), on the real Bolt app served on loopback: signed bodies
 * Bolt cannot handle (JSON `null`, `payload=null`, a `block_actions` without `user`…) get a clear 400 and the process
 * keeps serving; signed timestamps more than five minutes away in either direction get 401; a signed slash command or
 * button press replayed as it was is run once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.ts';
import { PgConversationStore } from '../../../src/desk/pg-conversation-store.ts';
import { FrontDesk } from '../../../src/desk/front-desk.ts';
import { interactionBody, slackSignatureHeaders, slashCommandBody } from '../../../src/bots/slack/signing.ts';
import { createSlackFrontEnd, SlackStartError } from '../../../src/bots/slack/slack-app.ts';
import { createHttpServer, listen } from '../../../src/http/http-server.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { DRIVERS } from '../../support/db.ts';
import { openHarness, type Harness } from '../../tools/support/tool-harness.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { serveSlackApp, type ServedSlackApp } from './support/slack-requests.ts';

const SECRET = 'edge-signing-secret-0123456789abcdef';
const FORM = 'application/x-www-form-urlencoded';

describe.each(DRIVERS)('Slack events edge on %s', (driver) => {
  let h: Harness;
  let fake: FakeSlack;
  let app: ServedSlackApp;
  let seq = 0;
  beforeAll(async () => {
    h = await openHarness(driver);
    fake = await startFakeSlack();
    const store = new PgConversationStore(h.db);
    const desk = new FrontDesk({ db: h.db, agent: new Agent({ services: h.services }), services: h.services, store, logger: silentLogger, ratePerMinute: 1000 });
    app = await serveSlackApp({ desk, db: h.db, fake, secret: SECRET });
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
    await h?.close();
  });

  /** POSTs a body signed with the secret at `timestamp` (default now). */
  async function send(body: string, contentType: string, timestamp?: number): Promise<{ status: number; text: string }> {
    const res = await fetch(`${app.server.url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...slackSignatureHeaders(SECRET, body, timestamp) }, body });
    return { status: res.status, text: await res.text() };
  }

  function commandBody(text: string, rid: string): string {
    return slashCommandBody({
      token: 'legacy', team_id: 'T1', team_domain: 'earworm-test', channel_id: 'C1', channel_name: 'general', user_id: 'UEDGE', user_name: 'edge',
      command: '/earworm', text, api_app_id: 'A1', is_enterprise_install: 'false', response_url: fake.responseUrl(rid), trigger_id: `${++seq}.7.edge`,
    });
  }

  /** The service still answers a real command end to end. */
  async function stillServes(): Promise<void> {
    const rid = `alive-${++seq}`;
    expect((await send(commandBody('help', rid), FORM)).status).toBe(200);
  }

  it('answers signed bodies Bolt cannot handle with a 400 that says what is wrong, and keeps serving', async () => {
    const press = (payload: Record<string, unknown>) => interactionBody(payload);
    const noUser = press({ type: 'block_actions', team: { id: 'T1' }, api_app_id: 'A1', trigger_id: '1.2.3', container: { type: 'message' }, actions: [{ type: 'button', action_id: 'ew:like:1', block_id: 'b', action_ts: '1.2' }] });
    const cases: [string, string, string, RegExp][] = [
      ['JSON null', 'null', 'application/json', /must be a JSON object.*not null/],
      ['form payload=null', 'payload=null', FORM, /"payload" field must be a JSON object.*not null/],
      ['JSON array', '[1,2]', 'application/json', /must be a JSON object.*not an array/],
      ['JSON number', '7', 'application/json', /must be a JSON object/],
      ['JSON string', '"x"', 'application/json', /must be a JSON object/],
      ['payload array', 'payload=%5B%5D', FORM, /must be a JSON object/],
      ['payload not JSON', 'payload=%7Bnope', FORM, /"payload" is not valid JSON/],
      ['body not JSON', '{nope', 'application/json', /not valid JSON/],
      ['block_actions without user', noUser, FORM, /block_actions interaction names no "user"/],
      ['block_actions with user null', press({ type: 'block_actions', user: null, actions: [] }), FORM, /names no "user"/],
      ['block_actions without actions', press({ type: 'block_actions', user: { id: 'U1' } }), FORM, /"actions"/],
      ['view_submission without view', press({ type: 'view_submission', user: { id: 'U1' } }), FORM, /"view"/],
      ['interaction without type', press({ user: { id: 'U1' } }), FORM, /no "type"/],
      ['event_callback without event', JSON.stringify({ type: 'event_callback', event_id: 'Ev1', team_id: 'T1' }), 'application/json', /"event" object/],
      ['event_callback with event null', JSON.stringify({ type: 'event_callback', event_id: 'Ev2', event: null }), 'application/json', /"event" object/],
      // Found by the hostile suite: Bolt answered these with a 500 (its listeners read user/channel as strings).
      ['message with a numeric user and channel', JSON.stringify({ type: 'event_callback', team_id: 'T1', event_id: 'Ev3', event: { type: 'message', user: 9007199254740992, channel: -0.5, text: 'play something' } }), 'application/json', /"user" must be a string, not number/],
      ['app_home_opened with user null', JSON.stringify({ type: 'event_callback', team_id: 'T1', event_id: 'Ev4', event: { type: 'app_home_opened', user: null, channel: {} } }), 'application/json', /"user" must be a string, not null/],
      ['app_mention with an object channel', JSON.stringify({ type: 'event_callback', team_id: 'T1', event_id: 'Ev5', event: { type: 'app_mention', user: 'U1', channel: {}, text: 'hi' } }), 'application/json', /"channel" must be a string, not object/],
      ['slash command without user_id', slashCommandBody({ command: '/earworm', text: 'hi', channel_id: 'C1', team_id: 'T1' }), FORM, /no "user_id"/],
      ['slash command without text', slashCommandBody({ command: '/earworm', user_id: 'U1', channel_id: 'C1' }), FORM, /no "text"/],
    ];
    for (const [what, body, type, problem] of cases) {
      const r = await send(body, type);
      expect({ what, status: r.status }).toEqual({ what, status: 400 });
      expect((JSON.parse(r.text) as { error: string }).error).toMatch(problem);
    }
    // An event type no listener handles is acknowledged and ignored, whatever its fields hold (Bolt answered 500).
    const odd = JSON.stringify({ type: 'event_callback', team_id: 'T1', event_id: 'Ev6', event: { type: '', user: 1e308, channel: true, text: 'x' } });
    expect((await send(odd, 'application/json')).status).toBe(200);
    const other = JSON.stringify({ type: 'event_callback', team_id: 'T1', event_id: 'Ev7', event: { type: 'channel_created', channel: { id: 'C9', name: 'new' } } });
    expect((await send(other, 'application/json')).status).toBe(200);
    await stillServes();
    expect(fake.callsOf('chat.postMessage')).toHaveLength(0);
  });

  it('refuses signed timestamps more than five minutes away, in the future as in the past', async () => {
    const now = Math.floor(Date.now() / 1000);
    for (const [what, ts] of [
      ['6 minutes ahead', now + 6 * 60],
      ['6 minutes behind', now - 6 * 60],
      ['a day ahead', now + 86_400],
    ] as const) {
      const rid = `skew-${++seq}`;
      const r = await send(commandBody('recommend something calm', rid), FORM, ts);
      expect({ what, status: r.status }).toEqual({ what, status: 401 });
      expect(r.text).toMatch(/more than 300 seconds away from now/);
    }
    // Within the window both ways: accepted.
    expect((await send(commandBody('help', `skew-${++seq}`), FORM, now + 60)).status).toBe(200);
    expect((await send(commandBody('help', `skew-${++seq}`), FORM, now - 60)).status).toBe(200);
  });

  it('runs a replayed slash command once: the copy gets 409 and nothing is done twice', async () => {
    const rid = `replay-${++seq}`;
    const body = commandBody('recommend something like daft punk', rid);
    const ts = Math.floor(Date.now() / 1000);
    expect((await send(body, FORM, ts)).status).toBe(200);
    await fake.waitFor('chat.postMessage', (a) => a.channel === 'C1');
    const replay = await send(body, FORM, ts);
    expect(replay.status).toBe(409);
    expect(replay.text).toMatch(/already handled/);
    // The same command freshly signed (a new timestamp: Slack's own second delivery would be) is a new request.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.callsOf('chat.postMessage', (a) => a.channel === 'C1')).toHaveLength(1);
  });

  it('runs a replayed button press once', async () => {
    const rid = `press-${++seq}`;
    const body = interactionBody({
      type: 'block_actions', team: { id: 'T1', domain: 'earworm-test' }, user: { id: 'UPRESS', username: 'p', team_id: 'T1' }, api_app_id: 'A1', token: 'legacy', trigger_id: `${seq}.9.9`,
      container: { type: 'view', view_id: 'V1' }, view: { id: 'V1', type: 'home', blocks: [] }, response_url: fake.responseUrl(rid),
      actions: [{ type: 'button', action_id: 'slack:refresh_home', block_id: 'home', value: 'x', action_ts: '1.2' }],
    });
    const ts = Math.floor(Date.now() / 1000);
    expect((await send(body, FORM, ts)).status).toBe(200);
    await fake.waitFor('views.publish', (a) => a.user_id === 'UPRESS');
    expect((await send(body, FORM, ts)).status).toBe(409);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fake.callsOf('views.publish', (a) => a.user_id === 'UPRESS')).toHaveLength(1);
  });
});

describe('Slack start-up against a Slack that refuses the token', () => {
  it('fails start() with what to fix, and /slack/events says why (503) instead of dropping requests', async () => {
    const h = await openHarness('pglite');
    const fake = await startFakeSlack();
    fake.authError = 'invalid_auth';
    const store = new PgConversationStore(h.db);
    const desk = new FrontDesk({ db: h.db, agent: new Agent({ services: h.services }), services: h.services, store, logger: silentLogger });
    const fe = createSlackFrontEnd({ desk, db: h.db, slack: { botToken: 'xoxb-revoked', signingSecret: SECRET, appToken: undefined }, publicUrl: 'https://earworm.example', logger: silentLogger, clientOptions: { slackApiUrl: fake.apiUrl } });
    const server = await listen(createHttpServer(fe.routes, silentLogger), 0);
    try {
      const before = await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}' });
      expect(before.status).toBe(503);
      expect(await before.text()).toMatch(/still starting/);
      const failure = await fe.start().then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(failure).toBeInstanceOf(SlackStartError);
      expect((failure as Error).message).toMatch(/^Slack refused SLACK_BOT_TOKEN \(invalid_auth\): copy the "Bot User OAuth Token"/);
      expect(fe.problem).toMatch(/invalid_auth/);
      const after = await fetch(`${server.url}/slack/events`, { method: 'POST', body: '{}' });
      expect(after.status).toBe(503);
      expect(await after.text()).toMatch(/the Slack front end failed to start: Slack refused SLACK_BOT_TOKEN/);
      // A platform error is not retried: one auth.test call.
      expect(fake.callsOf('auth.test')).toHaveLength(1);
    } finally {
      await server.close();
      await fake.close();
      await h.close();
    }
  });
});
