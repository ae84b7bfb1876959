/** The Discord handler core over the tool harness's fixture catalogue, with a real Agent and FrontDesk. */
import { sql } from 'drizzle-orm';
import { Agent } from '../../../../src/agent/agent.ts';
import { PgConversationStore } from '../../../../src/desk/pg-conversation-store.ts';
import { FrontDesk } from '../../../../src/desk/front-desk.ts';
import { DiscordBot } from '../../../../src/bots/discord/discord-bot.ts';
import { startDiscordGateway, type DiscordGateway } from '../../../../src/bots/discord/discord-gateway.ts';
import { silentLogger } from '../../../../src/logging/logger.ts';
import type { Driver } from '../../../support/db.ts';
import { openHarness, type Harness } from '../../../tools/support/tool-harness.ts';
import { FakeDiscord, type RecordedCall } from './fake-discord.ts';

/** A real 1×1 PNG (what the injected chart renderer returns in tests). */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

/** The harness plus the Discord core. */
export interface DiscordHarness {
  readonly h: Harness;
  readonly desk: FrontDesk;
  readonly bot: DiscordBot;
  /** Person ids the chart renderer was asked for. */
  readonly charted: number[];
  /** Votes stored for a comparison. */
  votes(comparisonId: number): Promise<number>;
  close(): Promise<void>;
}

/** Opens the fixture database and builds the core; `ratePerMinute` defaults to plenty. */
export async function openDiscordHarness(driver: Driver, ratePerMinute = 1000): Promise<DiscordHarness> {
  const h = await openHarness(driver);
  const store = new PgConversationStore(h.db);
  const desk = new FrontDesk({ db: h.db, agent: new Agent({ services: h.services }), services: h.services, store, logger: silentLogger, ratePerMinute });
  const charted: number[] = [];
  const bot = new DiscordBot({
    desk,
    db: h.db,
    logger: silentLogger,
    chartPng: async (personId) => {
      charted.push(personId);
      return TINY_PNG;
    },
  });
  return {
    h,
    desk,
    bot,
    charted,
    async votes(comparisonId) {
      const [r] = await h.db.rows<{ n: number }>(sql`select count(*)::int as n from votes where comparison_id = ${comparisonId}`);
      return r?.n ?? -1;
    },
    close: () => h.close(),
  };
}

/** Custom ids of every button in a message's components. */
export function buttonIds(message: { components?: unknown }): string[] {
  const rows = (message.components ?? []) as { components: { custom_id?: string }[] }[];
  return rows.flatMap((r) => r.components.map((c) => c.custom_id ?? ''));
}

/** The Discord core connected through the real discord.js gateway client to a fresh local fake Discord. */
export interface GatewayRig {
  readonly fake: FakeDiscord;
  readonly d: DiscordHarness;
  readonly gateway: DiscordGateway;
  /** The interaction's callback (the acknowledgement), once Discord got it. */
  callbackOf(i: { id: string; token: string }): Promise<RecordedCall>;
  /** The first successful edit of the interaction's original reply. */
  editOf(i: { id: string; token: string }): Promise<RecordedCall>;
  close(): Promise<void>;
}

/** Starts a fake Discord, the harness and the gateway bot against it. */
export async function openGatewayRig(driver: Driver): Promise<GatewayRig> {
  const fake = await FakeDiscord.start();
  const d = await openDiscordHarness(driver);
  const gateway = await startDiscordGateway({ token: 'fake-bot-token', bot: d.bot, rest: { api: fake.api }, readyTimeoutMs: 55_000 });
  return {
    fake,
    d,
    gateway,
    callbackOf: (i) => fake.waitCall((c) => c.path === `/interactions/${i.id}/${i.token}/callback`),
    editOf: (i) => fake.until(() => fake.callsFor(i).find((c) => c.method === 'PATCH' && c.status !== undefined && c.status < 300), 55_000, 'the edited reply'),
    close: async () => {
      await gateway.stop();
      await fake.close();
      await d.close();
    },
  };
}
