/**
 * Earworm wired as `earworm start` wires it (createRuntime, configuredFrontEnds, serveFrontEnds) with every HTTP
 * surface on: Slack events, Discord HTTP interactions, MCP over HTTP, the web playground, the dashboard and the Spotify
 * callback, each platform a local fake (fake Slack Web API, fake Discord REST, fake Spotify accounts and API) on
 * 127.0.0.1. No LLM (the rule planner answers) and no Redis: the suite is about the edges, not the planner.
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { loadConfig } from '../../../src/config/config.ts';
import { silentLogger, type Logger } from '../../../src/logging/logger.ts';
import { SeededRandom } from '../../../src/recsys/rng.ts';
import { configuredFrontEnds, serveFrontEnds, type FrontEndSlot } from '../../../src/server/front-ends.ts';
import type { RunningServer } from '../../../src/http/http-server.ts';
import { createRuntime, type Runtime } from '../../../src/server/runtime.ts';
import { FakeDiscord } from '../../bots/discord/support/fake-discord.ts';
import { startFakeSlack, type FakeSlack } from '../../bots/slack/support/fake-slack.ts';
import { freePort } from '../../support/local-servers.ts';
import { FakeSpotify } from '../../spotify/support/fake-spotify.ts';
import { openHarness, type Harness } from '../../tools/support/tool-harness.ts';

export const MCP_TOKEN = 'hostile-mcp-token-0123456789';
export const DASHBOARD_TOKEN = 'hostile-dashboard-token-0123456789';
export const SLACK_SECRET = 'hostile-slack-signing-secret';
export const EARWORM_SECRET = 'hostile-earworm-secret-0123456789abcdef';

/** The running service and the fakes behind it. */
export interface HostileService {
  readonly h: Harness;
  readonly rt: Runtime;
  readonly slots: readonly FrontEndSlot[];
  readonly server: RunningServer;
  readonly url: string;
  readonly slackApi: FakeSlack;
  readonly discordApi: FakeDiscord;
  readonly spotify: FakeSpotify;
  /** Discord's signing key (the service has its public half). */
  readonly discordKey: KeyObject;
  close(): Promise<void>;
}

/** Starts the service on PGlite with the fixture catalogue and model. */
export async function openHostileService(logger: Logger = silentLogger): Promise<HostileService> {
  const h = await openHarness('pglite');
  const slackApi = await startFakeSlack();
  const discordApi = await FakeDiscord.start();
  const spotify = new FakeSpotify();
  await spotify.start();
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicHex = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url').toString('hex');
  const port = await freePort();
  const redirectUri = `http://127.0.0.1:${port}/spotify/callback`;
  spotify.redirectUris.add(redirectUri);
  const config = loadConfig({
    EARWORM_HOME: h.home,
    LOG_LEVEL: 'silent',
    PORT: String(port),
    HOST: '127.0.0.1',
    MCP_TOKEN,
    DASHBOARD_TOKEN,
    DISCORD_PUBLIC_KEY: publicHex,
    SLACK_BOT_TOKEN: 'xoxb-hostile-token',
    SLACK_SIGNING_SECRET: SLACK_SECRET,
    SPOTIFY_CLIENT_ID: spotify.clientId,
    SPOTIFY_CLIENT_SECRET: spotify.clientSecret,
    SPOTIFY_REDIRECT_URI: redirectUri,
    EARWORM_SECRET,
  });
  let seed = 1;
  const rt = await createRuntime({
    config,
    db: h.db,
    logger,
    random: () => new SeededRandom(seed++),
    drainMs: 1000,
    spotify: { accountsUrl: spotify.accountsUrl, apiUrl: spotify.apiUrl, timeoutMs: 5000 },
  });
  const slots = await configuredFrontEnds(rt, { slack: { slackApiUrl: slackApi.apiUrl, retryConfig: { retries: 0 } }, discordApi: discordApi.api });
  const server = await serveFrontEnds(rt, slots, { port, host: '127.0.0.1' });
  return {
    h,
    rt,
    slots,
    server,
    url: server.url,
    slackApi,
    discordApi,
    spotify,
    discordKey: privateKey,
    async close() {
      await rt.shutdown('hostile suite end');
      await slackApi.close();
      await discordApi.close();
      await spotify.stop();
      await h.close();
    },
  };
}
