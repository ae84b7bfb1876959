/**
 * Requests as Slack sends them to `/slack/events`, signed with the signing secret: slash commands, Events API
 * callbacks (`app_home_opened`, …) and App Home button presses. Each carries a response_url on the fake Slack, so a
 * test can read what the app answered there.
 */
import { interactionBody, slackSignatureHeaders, slashCommandBody } from '../../../../src/bots/slack/signing.ts';
import type { FrontDesk } from '../../../../src/desk/front-desk.ts';
import { createSlackFrontEnd, type SlackFrontEnd } from '../../../../src/bots/slack/slack-app.ts';
import type { Db } from '../../../../src/db/db.ts';
import { silentLogger, type Logger } from '../../../../src/logging/logger.ts';
import { createHttpServer, listen, type RunningServer } from '../../../../src/http/http-server.ts';
import type { FakeSlack } from './fake-slack.ts';

/** What `/slack/events` answered. */
export interface EventsResponse {
  readonly status: number;
  readonly text: string;
}

/** A signed client of one app's `/slack/events`, for one team (`T1`). */
export interface SlackRequests {
  /** POSTs a raw body, signed at `timestampSec` (default now). */
  send(body: string, contentType: string, timestampSec?: number): Promise<EventsResponse>;
  /** `/earworm <text>` from `user` in `channel`; `rid` names its response_url. */
  command(user: string, text: string, channel?: string): Promise<{ rid: string; res: EventsResponse }>;
  /** An Events API callback with a fresh event_id. */
  event(ev: Record<string, unknown>): Promise<EventsResponse>;
  /** `user` opens the app's Home tab. */
  openHome(user: string): Promise<EventsResponse>;
  /** `user` presses a button with this action_id on their Home tab. */
  pressHome(user: string, actionId: string): Promise<EventsResponse>;
}

/** The client; `url` is the base URL of Earworm's HTTP server. */
export function slackRequests(url: string, fake: FakeSlack, secret: string): SlackRequests {
  let seq = 0;
  const send = async (body: string, contentType: string, timestampSec?: number) => {
    const res = await fetch(`${url}/slack/events`, { method: 'POST', headers: { 'content-type': contentType, ...slackSignatureHeaders(secret, body, timestampSec) }, body });
    return { status: res.status, text: await res.text() };
  };
  const event = (ev: Record<string, unknown>) =>
    send(
      JSON.stringify({ token: 'legacy', team_id: 'T1', api_app_id: 'A1', event: ev, type: 'event_callback', event_id: `Ev${Date.now()}x${++seq}`, event_time: Math.floor(Date.now() / 1000), authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }] }),
      'application/json',
    );
  return {
    send,
    event,
    async command(user, text, channel = 'C1') {
      const rid = `cmd-${++seq}`;
      const body = slashCommandBody({
        token: 'legacy', team_id: 'T1', team_domain: 'earworm-test', channel_id: channel, channel_name: 'general', user_id: user, user_name: user,
        command: '/earworm', text, api_app_id: 'A1', is_enterprise_install: 'false', response_url: fake.responseUrl(rid), trigger_id: `${seq}.1.abc`,
      });
      return { rid, res: await send(body, 'application/x-www-form-urlencoded') };
    },
    openHome: (user) => event({ type: 'app_home_opened', user, channel: `D${user}`, tab: 'home', event_ts: `${Date.now() / 1000}` }),
    pressHome(user, actionId) {
      const body = interactionBody({
        type: 'block_actions', team: { id: 'T1', domain: 'earworm-test' }, user: { id: user, username: user, team_id: 'T1' }, api_app_id: 'A1', token: 'legacy', trigger_id: `${++seq}.9.9`,
        container: { type: 'view', view_id: 'V1' }, view: { id: 'V1', type: 'home', blocks: [] }, response_url: fake.responseUrl(`home-${seq}`),
        actions: [{ type: 'button', action_id: actionId, block_id: 'home:spotify', value: actionId, action_ts: `${Date.now() / 1000}` }],
      });
      return send(body, 'application/x-www-form-urlencoded');
    },
  };
}

/** Earworm's Slack front end (the real Bolt app) served on loopback, with the Web API pointed at the fake Slack. */
export interface ServedSlackApp {
  readonly frontEnd: SlackFrontEnd;
  readonly server: RunningServer;
  /** Signed requests to its `/slack/events`. */
  readonly slack: SlackRequests;
  close(): Promise<void>;
}

/** Starts the Slack front end over `desk` and serves it on a free loopback port. */
export async function serveSlackApp(o: { readonly desk: FrontDesk; readonly db: Db; readonly fake: FakeSlack; readonly secret: string; readonly logger?: Logger }): Promise<ServedSlackApp> {
  const frontEnd = createSlackFrontEnd({
    desk: o.desk,
    db: o.db,
    slack: { botToken: 'xoxb-test-token', signingSecret: o.secret, appToken: undefined },
    publicUrl: 'https://earworm.example',
    logger: o.logger ?? silentLogger,
    clientOptions: { slackApiUrl: o.fake.apiUrl, retryConfig: { retries: 0 } },
  });
  await frontEnd.start();
  const server = await listen(createHttpServer(frontEnd.routes, silentLogger), 0);
  return {
    frontEnd,
    server,
    slack: slackRequests(server.url, o.fake, o.secret),
    close: async () => {
      await frontEnd.stop();
      await server.close();
    },
  };
}
