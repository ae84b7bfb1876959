/**
 * System errors in the Slack front end: the real Bolt app on loopback, driven by signed requests, over a real
 * database with one table taken away (the fault is Postgres's own error, nothing is stubbed). Whether a tool fails
 * inside (behind the agent or a button) or the handler itself fails, the person gets a short generic message that
 * only they see, nothing is posted to the channel, and the failure is logged with its cause.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent } from '../../../src/agent/agent.ts';
import { PgConversationStore } from '../../../src/desk/pg-conversation-store.ts';
import { FrontDesk } from '../../../src/desk/front-desk.ts';
import { interactionBody } from '../../../src/bots/slack/signing.ts';
import type { Db } from '../../../src/db/db.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';
import { GENERIC_FAILURE } from '../../../src/tools/errors.ts';
import { createToolServices } from '../../../src/tools/tool-context.ts';
import { DRIVERS, freshDb } from '../../support/db.ts';
import { buildFixture } from '../../tools/support/catalogue-fixture.ts';
import { startFakeSlack, type FakeSlack } from './support/fake-slack.ts';
import { serveSlackApp, type ServedSlackApp, type SlackRequests } from './support/slack-requests.ts';

const SECRET = 'test-signing-secret-0123456789abcdef';

/** What the Slack front end says when its own handler fails. */
const HANDLER_FAILURE = 'Something went wrong on my side. Please try again in a moment.';

type LogLine = Record<string, unknown> & { level: number; msg: string; err?: { type?: string; message?: string; stack?: string } };

/** A real pino logger whose JSON lines the test can read. */
function capturingLogger() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) if (l.trim() !== '') lines.push(JSON.parse(l) as LogLine);
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

describe.each(DRIVERS)('Slack system errors on %s', (driver) => {
  let db: Db;
  let home: string;
  let fake: FakeSlack;
  let app: ServedSlackApp;
  let slack: SlackRequests;
  const logs = capturingLogger();
  beforeAll(async () => {
    db = await freshDb(driver);
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-slack-errors-'));
    await buildFixture(db, home);
    let seed = 1;
    const services = await createToolServices({ db, home, logger: logs.logger, random: () => new SeededRandom(seed++) });
    fake = await startFakeSlack();
    const store = new PgConversationStore(db);
    const agent = new Agent({ services, logger: logs.logger.child({ component: 'agent' }) });
    const desk = new FrontDesk({ db, agent, services, store, logger: logs.logger, ratePerMinute: 1000 });
    app = await serveSlackApp({ desk, db: db, fake, secret: SECRET, logger: logs.logger });
    slack = app.slack;
  });
  afterAll(async () => {
    await app?.close();
    await fake?.close();
    await db?.close();
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  });

  /** Runs `body` with a table renamed away, so every statement that touches it fails inside Postgres. */
  async function without(table: string, body: () => Promise<void>): Promise<void> {
    await db.orm.execute(sql.raw(`alter table ${table} rename to ${table}_offline`));
    try {
      await body();
    } finally {
      await db.orm.execute(sql.raw(`alter table ${table}_offline rename to ${table}`));
    }
  }

  /** Waits for a log line. */
  async function logLine(match: (l: LogLine) => boolean): Promise<LogLine> {
    const end = Date.now() + 55_000;
    for (;;) {
      const found = logs.lines.find(match);
      if (found !== undefined) return found;
      if (Date.now() > end) throw new Error(`no such log line; saw:\n${logs.lines.map((l) => `${l.level} ${l.msg}`).join('\n')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Posts by the app in a channel that mention a user's request. */
  const postsFor = (user: string) => fake.callsOf('chat.postMessage', (a) => String(JSON.stringify(a.blocks)).includes(`<@${user}>`));

  it('a tool failing behind a /earworm request is told to the person privately, posted nowhere, and logged', async () => {
    await without('preference_models', async () => {
      const { rid, res } = await slack.command('UA', 'recommend something for me');
      expect(res.status).toBe(200);
      // The ack ("Looking for …") in the HTTP response, then the failure through response_url: both ephemeral.
      expect(JSON.parse(res.text)).toMatchObject({ response_type: 'ephemeral' });
      const [said] = await fake.waitForResponse(rid);
      expect(said!.body).toMatchObject({ response_type: 'ephemeral', text: GENERIC_FAILURE });
      expect(postsFor('UA')).toHaveLength(0);
      const line = await logLine((l) => l.msg === 'tool failed' && l.tool === 'recommend');
      expect(line.level).toBe(50);
      // The typed system error, with Postgres's own error as its cause.
      expect(line.err?.type).toBe('ToolSystemError');
      expect(line.err?.message).toMatch(/^The recommend tool failed unexpectedly: [^]*relation "preference_models" does not exist/);
    });
    // With the table back, the same request is answered in the channel as usual.
    const { res } = await slack.command('UA', 'recommend something for me');
    expect(res.status).toBe(200);
    const [posted] = await fake.waitFor('chat.postMessage', (a) => String(JSON.stringify(a.blocks)).includes('<@UA>'));
    expect(JSON.stringify(posted!.args.blocks)).toContain('ew:');
  });

  it('a tool failing behind a vote button is told to the person privately and logged', async () => {
    const { res } = await slack.command('UB', 'compare');
    expect(res.status).toBe(200);
    const [pair] = await fake.waitFor('chat.postMessage', (a) => String(JSON.stringify(a.blocks)).includes('<@UB> is comparing'));
    const a = ((pair!.args.blocks as { type: string; elements?: { action_id: string }[] }[]).find((b) => b.type === 'actions')!.elements ?? [])[0]!.action_id;
    const updates = fake.callsOf('chat.update').length;
    await without('votes', async () => {
      const body = interactionBody({
        type: 'block_actions', team: { id: 'T1', domain: 'earworm-test' }, user: { id: 'UB', username: 'ub', team_id: 'T1' }, api_app_id: 'A1', token: 'legacy',
        container: { type: 'message', message_ts: pair!.response.ts, channel_id: 'C1', is_ephemeral: false }, trigger_id: '1.2.3',
        channel: { id: 'C1', name: 'general' }, message: { type: 'message', ts: pair!.response.ts, text: '…', user: 'UBOT', bot_id: 'BBOT' },
        response_url: fake.responseUrl('vote-ub'),
        actions: [{ type: 'button', action_id: a, block_id: 'vote', value: a, action_ts: `${Date.now() / 1000}` }],
      });
      expect((await slack.send(body, 'application/x-www-form-urlencoded')).status).toBe(200);
      const [eph] = await fake.waitFor('chat.postEphemeral', (x) => x.user === 'UB');
      expect(eph!.args).toMatchObject({ channel: 'C1', user: 'UB', text: GENERIC_FAILURE });
      const line = await logLine((l) => l.msg === 'tool failed' && l.tool === 'record_preference');
      expect(line.level).toBe(50);
      expect(line.err?.type).toBe('ToolSystemError');
      expect(line.err?.message).toMatch(/^The record_preference tool failed unexpectedly: [^]*relation "votes" does not exist/);
    });
    // The pair was not marked as voted.
    expect(fake.callsOf('chat.update')).toHaveLength(updates);
  });

  it('a failure of the handler itself is told to the person privately and logged with its cause', async () => {
    await without('conversation_states', async () => {
      const { rid, res } = await slack.command('UC', 'something like radiohead');
      expect(res.status).toBe(200);
      const [said] = await fake.waitForResponse(rid);
      expect(said!.body).toMatchObject({ response_type: 'ephemeral', text: HANDLER_FAILURE });
      const line = await logLine((l) => l.msg === 'Slack handler failed' && l.what === 'command');
      expect(line.level).toBe(50);
      expect(line.err?.message).toMatch(/relation "conversation_states" does not exist/);

      // A mention in a channel: the answer is an ephemeral message in that thread.
      expect((await slack.event({ type: 'app_mention', user: 'UC', text: '<@UBOT> something like radiohead', ts: '1700001000.000100', channel: 'C9', event_ts: '1700001000.000100', team: 'T1' })).status).toBe(200);
      const [eph] = await fake.waitFor('chat.postEphemeral', (x) => x.user === 'UC');
      expect(eph!.args).toMatchObject({ channel: 'C9', user: 'UC', thread_ts: '1700001000.000100', text: HANDLER_FAILURE });
      await logLine((l) => l.msg === 'Slack handler failed' && l.what === 'app_mention');
    });
    expect(postsFor('UC')).toHaveLength(0);
    expect(fake.callsOf('chat.postMessage', (a) => a.channel === 'C9')).toHaveLength(0);
  });
});
