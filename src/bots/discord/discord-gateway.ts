/**
 * The gateway transport: a discord.js client that receives interactions, mentions and DMs over Discord's WebSocket
 * gateway and hands them to the shared handler core. Intents are the least that works: Guilds (slash commands in
 * servers), GuildMessages (mentions in channels) and DirectMessages. MessageContent is not needed: Discord includes
 * the text of messages that mention the bot and of DMs without it. The Channel partial lets DMs from people whose
 * DM channel is not cached arrive at all.
 */
import { once } from 'node:events';
import {
  Client,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  type ActionRowData,
  type APIEmbed,
  type Interaction,
  type Message,
  type MessageActionRowComponentData,
} from 'discord.js';
import type { Logger } from '../../logging/logger.ts';
import { silentLogger } from '../../logging/logger.ts';
import type { DiscordBot } from './discord-bot.ts';
import { optionsFrom, type ActionRow, type DiscordRequest, type DiscordResponder, type OutgoingMessage } from './discord-request.ts';

/** Options of the gateway client. */
interface DiscordGatewayOptions {
  /** The bot token (DISCORD_TOKEN). */
  readonly token: string;
  readonly bot: DiscordBot;
  /** Default: silent. */
  readonly logger?: Logger;
  /** REST options passed to discord.js, e.g. `{ api: 'http://127.0.0.1:9000/api' }` for a local fake (default: Discord's API). */
  readonly rest?: { readonly api: string };
  /** How long to wait for the gateway's READY (default 60 s). */
  readonly readyTimeoutMs?: number;
}

/** A connected gateway client and how to stop it. */
export interface DiscordGateway {
  readonly client: Client<true>;
  /** The bot's own user id (from READY). */
  readonly botUserId: string;
  /** Disconnects from the gateway. */
  stop(): Promise<void>;
}

/** Intents the client asks for. */
const GATEWAY_INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages] as const;

/** Converts a discord.js interaction into the core's request; undefined for kinds Earworm does not handle. */
function requestFromDiscordJs(i: Interaction): DiscordRequest | undefined {
  const origin = {
    id: i.id,
    userId: i.user.id,
    userName: i.user.globalName ?? i.user.username,
    channelId: i.channelId ?? i.user.id,
    ...(i.guildId !== null ? { guildId: i.guildId } : {}),
  };
  if (i.isChatInputCommand()) return { ...origin, kind: 'command', command: i.commandName, options: optionsFrom(i.options.data).values };
  if (i.isAutocomplete()) {
    const o = optionsFrom(i.options.data);
    return { ...origin, kind: 'autocomplete', command: i.commandName, options: o.values, focused: o.focused ?? { name: '', value: '' } };
  }
  if (i.isModalSubmit()) {
    const fields: Record<string, string | readonly string[]> = {};
    for (const [id, f] of i.fields.fields) {
      if ('values' in f && Array.isArray(f.values)) fields[id] = f.values.filter((v): v is string => typeof v === 'string');
      else if ('value' in f && typeof f.value === 'string') fields[id] = f.value;
    }
    return { ...origin, kind: 'modal', customId: i.customId, fields };
  }
  if (i.isButton()) {
    return {
      ...origin,
      kind: 'button',
      customId: i.customId,
      message: {
        id: i.message.id,
        embeds: i.message.embeds.map((e) => e.toJSON()),
        components: i.message.components.map((c) => c.toJSON() as unknown as ActionRow),
      },
    };
  }
  return undefined;
}

/** A message in discord.js's option shape. */
function toDiscordJs(m: OutgoingMessage) {
  return {
    ...(m.content !== undefined ? { content: m.content } : {}),
    ...(m.embeds !== undefined ? { embeds: m.embeds as APIEmbed[] } : {}),
    ...(m.components !== undefined ? { components: m.components as unknown as ActionRowData<MessageActionRowComponentData>[] } : {}),
    ...(m.files !== undefined && m.files.length > 0 ? { files: m.files.map((f) => ({ attachment: f.data, name: f.name })) } : {}),
  };
}

/** The responder over a discord.js interaction. */
function discordJsResponder(i: Interaction): DiscordResponder {
  const replyable = () => {
    if (!i.isRepliable()) throw new Error(`interaction ${i.id} cannot be replied to`);
    return i;
  };
  return {
    async deferReply(ephemeral) {
      await replyable().deferReply(ephemeral ? { flags: MessageFlags.Ephemeral } : {});
    },
    async deferUpdate() {
      const r = replyable();
      if (!r.isMessageComponent()) throw new Error(`interaction ${i.id} is not on a message`);
      await r.deferUpdate();
    },
    async autocomplete(choices) {
      if (!i.isAutocomplete()) throw new Error(`interaction ${i.id} is not an autocomplete request`);
      await i.respond(choices.map((c) => ({ name: c.name, value: c.value })));
    },
    async editOriginal(m) {
      await replyable().editReply(toDiscordJs(m));
    },
    async followUp(m) {
      await replyable().followUp({ ...toDiscordJs(m), ...(m.ephemeral === true ? { flags: MessageFlags.Ephemeral } : {}) });
    },
    async deleteOriginal() {
      await replyable().deleteReply();
    },
    async showModal(modal) {
      if (!i.isChatInputCommand() && !i.isMessageComponent()) throw new Error(`interaction ${i.id} cannot open a modal`);
      await i.showModal(modal);
    },
  };
}

/** Logs in, waits for READY and starts handling interactions, mentions and DMs. */
export async function startDiscordGateway(options: DiscordGatewayOptions): Promise<DiscordGateway> {
  const logger = options.logger ?? silentLogger;
  const client = new Client({
    intents: [...GATEWAY_INTENTS],
    partials: [Partials.Channel],
    ...(options.rest !== undefined ? { rest: { api: options.rest.api } } : {}),
  });
  client.on(Events.Error, (err) => logger.error({ err }, 'Discord client error'));
  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    const req = requestFromDiscordJs(interaction);
    if (req === undefined) {
      logger.debug({ interaction: interaction.id, type: interaction.type }, 'unsupported Discord interaction');
      return;
    }
    void options.bot.handleInteraction(req, discordJsResponder(interaction));
  });
  client.on(Events.MessageCreate, (message: Message) => {
    void onMessage(client, options.bot, message).catch((err: unknown) => logger.error({ err, message: message.id }, 'Discord message reply failed'));
  });
  const ready = once(client, Events.ClientReady);
  const timeoutMs = options.readyTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DiscordGatewayError(`no READY from the Discord gateway within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([client.login(options.token).then(() => ready), timeout]);
  } catch (err) {
    await client.destroy();
    throw err instanceof DiscordGatewayError ? err : new DiscordGatewayError('could not connect to the Discord gateway (check DISCORD_TOKEN)', { cause: err });
  } finally {
    clearTimeout(timer);
  }
  const ok = client as Client<true>;
  logger.info({ user: ok.user.tag }, 'Discord gateway connected');
  return {
    client: ok,
    botUserId: ok.user.id,
    stop: () => client.destroy(),
  };
}

/** Answers a DM or a message that mentions the bot. */
async function onMessage(client: Client, bot: DiscordBot, message: Message): Promise<void> {
  const me = client.user;
  if (me === null || message.author.bot || message.author.id === me.id) return;
  const dm = message.guildId === null;
  if (!dm && !message.mentions.users.has(me.id)) return;
  const text = message.content.replace(new RegExp(`<@!?${me.id}>`, 'g'), ' ').trim();
  if (message.channel.isSendable()) await message.channel.sendTyping().catch(() => undefined);
  const replies = await bot.handleMessage({ id: message.id, userId: message.author.id, userName: message.author.globalName ?? message.author.username, channelId: message.channelId, text });
  for (const [i, m] of replies.entries()) {
    if (i === 0) await message.reply({ ...toDiscordJs(m), allowedMentions: { repliedUser: false } });
    else if (message.channel.isSendable()) await message.channel.send(toDiscordJs(m));
  }
}

/** The gateway could not be reached or refused the token. */
class DiscordGatewayError extends Error {
  readonly code = 'DISCORD_GATEWAY';
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'DiscordGatewayError';
  }
}
