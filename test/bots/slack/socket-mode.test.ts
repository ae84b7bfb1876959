/**
 * Socket Mode (development): with an app-level token the same Bolt listeners run over a WebSocket. The real
 * SocketModeClient opens its connection through apps.connections.open on the local fake Web API and talks to a local
 * WebSocket endpoint that speaks Slack's envelope protocol.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.ts';
import { PgConversationStore } from '../../../src/desk/pg-conversation-store.ts';
import { FrontDesk } from '../../../src/desk/front-desk.ts';
import { createSlackFrontEnd, SLACK_EVENTS_PATH, type SlackFrontEnd } from '../../../src/bots/slack/slack-app.ts';
import { SLASH_COMMAND } from '../../../src/bots/slack/slack-listeners.ts';
import { silentLogger } from '../../../src/logging/logger.ts';
import { openHarness, type Harness } from '../../tools/support/tool-harness.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { startFakeSocketMode, type FakeSocketMode } from './support/fake-socket-mode.ts';

describe('Slack app in Socket Mode', () => {
  let h: Harness;
  let fake: FakeSlack;
  let ws: FakeSocketMode;
  let fe: SlackFrontEnd;
  beforeAll(async () => {
    h = await openHarness('pglite');
    fake = await startFakeSlack();
    ws = await startFakeSocketMode();
    fake.socketUrl = ws.url;
    const store = new PgConversationStore(h.db);
    const desk = new FrontDesk({ db: h.db, agent: new Agent({ services: h.services }), services: h.services, store, logger: silentLogger, ratePerMinute: 1000 });
    fe = createSlackFrontEnd({
      desk,
      db: h.db,
      slack: { botToken: 'xoxb-dev', signingSecret: undefined, appToken: 'xapp-dev' },
      publicUrl: 'http://127.0.0.1:8080',
      logger: silentLogger,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
  });
  afterAll(async () => {
    await fe?.stop();
    await ws?.close();
    await fake?.close();
    await h?.close();
  });

  it('connects with the app token and mounts no HTTP route', async () => {
    expect(fe.mode).toBe('socket');
    expect(fe.routes).toEqual([]);
    await fe.start();
    expect(fake.callsOf('apps.connections.open')[0]?.authorization).toBe('Bearer xapp-dev');
    expect(fake.callsOf('auth.test')[0]?.authorization).toBe('Bearer xoxb-dev');
    expect(ws.connections).toBe(1);
  });

  it('acks a slash command envelope and posts the answer', async () => {
    ws.send({
      envelope_id: 'env-cmd-1', type: 'slash_commands', accepts_response_payload: true,
      payload: { token: 'legacy', team_id: 'T1', channel_id: 'C1', user_id: 'U1', user_name: 'u1', command: SLASH_COMMAND, text: 'recommend something', api_app_id: 'A1', response_url: fake.responseUrl('sm1'), trigger_id: '1.2.3' },
    });
    const ack = await ws.waitForAck('env-cmd-1');
    expect(ack.payload).toMatchObject({ response_type: 'ephemeral' });
    const [posted] = await fake.waitFor('chat.postMessage', (a) => a.channel === 'C1');
    expect(JSON.stringify(posted!.args.blocks)).toMatch(/"action_id":"ew:[A-Za-z0-9_-]{12}"/);
  });

  it('handles a redelivered event envelope once', async () => {
    const body = { token: 'legacy', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: 'EvSock1', event_time: 1, event: { type: 'app_mention', user: 'U2', text: '<@UBOT> recommend something', ts: '1700001000.000100', channel: 'C9', event_ts: '1700001000.000100' } };
    ws.send({ envelope_id: 'env-ev-1', type: 'events_api', accepts_response_payload: false, retry_attempt: 0, retry_reason: '', payload: body });
    await ws.waitForAck('env-ev-1');
    await fake.waitFor('chat.postMessage', (a) => a.channel === 'C9');
    ws.send({ envelope_id: 'env-ev-2', type: 'events_api', accepts_response_payload: false, retry_attempt: 1, retry_reason: 'timeout', payload: body });
    await ws.waitForAck('env-ev-2');
    // A later, different event is answered; by then the redelivery (acked before it) has long been dropped.
    ws.send({ envelope_id: 'env-ev-3', type: 'events_api', accepts_response_payload: false, retry_attempt: 0, retry_reason: '', payload: { ...body, event_id: 'EvSock2', event: { ...body.event, channel: 'C10' } } });
    await fake.waitFor('chat.postMessage', (a) => a.channel === 'C10');
    expect(fake.callsOf('chat.postMessage', (a) => a.channel === 'C9')).toHaveLength(1);
  });

  it('stops cleanly', async () => {
    await fe.stop();
    await fe.stop();
  });
});

describe('slack-manifest.yaml', () => {
  it('names the command, events and endpoint the app serves', async () => {
    const manifest = await readFile(new URL('../../../slack-manifest.yaml', import.meta.url), 'utf8');
    expect(manifest).toContain(`command: ${SLASH_COMMAND}`);
    for (const e of ['app_mention', 'message.im', 'app_home_opened']) expect(manifest).toMatch(new RegExp(`^\\s+- ${e.replace('.', '\\.')}$`, 'm'));
    for (const s of ['commands', 'chat:write', 'app_mentions:read', 'im:history']) expect(manifest).toMatch(new RegExp(`^\\s+- ${s}\\b`, 'm'));
    expect(manifest.match(new RegExp(`https://earworm\\.example\\.com${SLACK_EVENTS_PATH}`, 'g'))).toHaveLength(3);
    expect(manifest).toMatch(/home_tab_enabled: true/);
    expect(manifest).toMatch(/is_enabled: true/);
  });
});
