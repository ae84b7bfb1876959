/**
 * The front ends and background parts `earworm start` runs beside MCP and the terminal chat: Discord, Slack, the web
 * playground and dashboard, Spotify linking, and jobs. Each is on when its variables are set; each plugs in as a
 * `FrontEnd` (routes for the HTTP server and/or a start/stop handle). The SLOT comments mark where each one's factory
 * is called once its branch is merged; until then the slot reports what would turn it on.
 */
import type { Route } from './http-server.ts';
import type { ShutdownPhase } from './lifecycle.ts';
import type { Runtime } from './runtime.ts';

/** What a front end adds to the running service. */
export interface FrontEnd {
  /** Routes served by Earworm's HTTP server (Slack events, Discord interactions, /web/*, /spotify/callback). */
  readonly routes?: readonly Route[];
  /** Starts background parts after the HTTP server listens (a gateway connection, a queue worker). */
  start?(): Promise<void>;
  /** Stops them at shutdown, in `stopPhase` (default `intake`: stop taking new work first). */
  stop?(): Promise<void>;
  readonly stopPhase?: ShutdownPhase;
  /** How to reach it, for the start banner ("Slack events at https://…/slack/events"). */
  readonly summary: string;
}

/** One line of the start banner: a part that is on (with its front end) or off (with what turns it on). */
export type FrontEndSlot =
  | { readonly name: string; readonly on: true; readonly frontEnd: FrontEnd }
  | { readonly name: string; readonly on: false; readonly why: string };

/** The configured front ends, in banner order. */
export async function configuredFrontEnds(rt: Runtime): Promise<FrontEndSlot[]> {
  const { config } = rt;
  const slots: FrontEndSlot[] = [];

  // SLOT jobs (lead, after the jobs branch): the job queue (BullMQ with REDIS_URL, in-process otherwise), scheduled
  // retraining from EARWORM_RETRAIN_CRON, and the model watcher that hot-swaps new versions:
  //   const events = new JobEvents(); observeJobEvents(events, rt.metrics);
  //   const queue = await createJobQueue(config, { db: rt.db, processors: createJobProcessors({ db: rt.db, config, logger: rt.logger.child({ component: 'jobs' }) }), logger: rt.logger.child({ component: 'jobs' }), events, fallbackInProcess: false });
  //   const watcher = new ModelWatcher({ db: rt.db, onChange: () => rt.services.models!.reload(), logger: rt.logger });
  //   rt.modelStatus = () => rt.services.models!.<current TrackModel>;   // readiness follows the swap
  //   slots.push({ name: 'jobs', on: true, frontEnd: { start: () => watcher.start(), stop: async () => { watcher.stop(); await queue.close(); }, stopPhase: 'work',
  //     summary: config.redisUrl === undefined ? 'in-process (set REDIS_URL and run `earworm worker` to move them out)' : 'BullMQ on REDIS_URL; run `earworm worker` beside this process' } });
  slots.push({ name: 'jobs', on: false, why: 'not wired in this build' });

  // SLOT discord (lead, after the Discord branch): on with DISCORD_TOKEN and DISCORD_APPLICATION_ID. The factory takes
  // { config: config.discord, desk: rt.desk, services: rt.services, db: rt.db, logger: rt.logger.child({ component: 'discord' }) }
  // and returns routes (/discord/interactions when DISCORD_PUBLIC_KEY is set) and a gateway client to start/stop.
  slots.push(off('discord', config.discord.token === undefined ? 'set DISCORD_TOKEN and DISCORD_APPLICATION_ID' : 'not wired in this build'));

  // SLOT slack (lead, after the Slack branch): on with SLACK_BOT_TOKEN plus SLACK_SIGNING_SECRET (HTTP events at
  // /slack/events) or SLACK_APP_TOKEN (Socket Mode): createSlackFrontEnd({ config: config.slack, desk: rt.desk,
  // db: rt.db, publicUrl: config.publicUrl, logger: rt.logger.child({ component: 'slack' }) }) → routes + start/stop.
  slots.push(off('slack', config.slack.botToken === undefined ? 'set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN for Socket Mode)' : 'not wired in this build'));

  // SLOT web (lead, after the web branch): the playground is always on (webPlaygroundRoutes({ desk: rt.desk, db: rt.db, … })
  // under /web/*); the operator dashboard (dashboardRoutes({ db: rt.db, token: config.dashboardToken, … })) with DASHBOARD_TOKEN.
  slots.push(off('web', 'not wired in this build'));

  // SLOT spotify (lead, after the Spotify branch): on with SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET and EARWORM_SECRET;
  // adds /spotify/callback (redirect URI SPOTIFY_REDIRECT_URI) and the account-linking tools.
  slots.push(off('spotify', config.spotify === undefined ? 'set SPOTIFY_CLIENT_ID, SPOTIFY_CLIENT_SECRET and EARWORM_SECRET' : 'not wired in this build'));

  return slots;
}

function off(name: string, why: string): FrontEndSlot {
  return { name, on: false, why };
}
