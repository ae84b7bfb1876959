/**
 * What the Discord handler core sees, whichever transport delivered it: an interaction reduced to the fields Earworm
 * uses, and the responder through which the core answers it. The gateway (discord.js objects) and the HTTP
 * interactions endpoint (raw JSON) each convert to these, so one core serves both.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ComponentType,
  InteractionType,
  type APIActionRowComponent,
  type APIApplicationCommandInteractionDataOption,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIInteraction,
  type APIModalInteractionResponseCallbackData,
  type APIModalSubmissionComponent,
  type APIUser,
} from 'discord.js';

/** A message component row as Discord sends and accepts it. */
export type ActionRow = APIActionRowComponent<APIComponentInMessageActionRow>;

/** Who pressed or typed, where. */
interface InteractionOrigin {
  /** The interaction id (a snowflake): the key of exactly-once handling. */
  readonly id: string;
  readonly userId: string;
  readonly userName: string;
  readonly channelId: string;
  readonly guildId?: string;
}

/** A command option value (strings, numbers and booleans are all Earworm's commands use). */
export type OptionValue = string | number | boolean;

/** What a modal submission carries per field custom id: a text input's text, or a select's chosen values. */
export type ModalFields = Readonly<Record<string, string | readonly string[]>>;

/** A modal as Discord's API takes it (the data of interaction response type 9). */
export type ModalData = APIModalInteractionResponseCallbackData;

/** One interaction, transport-neutral. */
export type DiscordRequest = InteractionOrigin &
  (
    | { readonly kind: 'command'; readonly command: string; readonly options: Readonly<Record<string, OptionValue>> }
    | {
        readonly kind: 'autocomplete';
        readonly command: string;
        readonly options: Readonly<Record<string, OptionValue>>;
        readonly focused: { readonly name: string; readonly value: string };
      }
    | {
        readonly kind: 'button';
        readonly customId: string;
        /** The message the button is on, as Discord sent it (edited in place after a vote). */
        readonly message: { readonly id: string; readonly embeds: readonly APIEmbed[]; readonly components: readonly ActionRow[] };
      }
    | { readonly kind: 'modal'; readonly customId: string; readonly fields: ModalFields }
  );

/** A file attached to a reply. */
export interface OutgoingFile {
  readonly name: string;
  readonly data: Buffer;
}

/** A message Earworm sends. */
export interface OutgoingMessage {
  readonly content?: string;
  readonly embeds?: readonly APIEmbed[];
  readonly components?: readonly ActionRow[];
  readonly files?: readonly OutgoingFile[];
  /** Only the person sees it (follow-ups; a deferred reply takes its visibility from the defer). */
  readonly ephemeral?: boolean;
}

/** An autocomplete choice (name shown, value sent back; both at most 100 characters). */
export interface Choice {
  readonly name: string;
  readonly value: string;
}

/**
 * How the core answers one interaction. Exactly one of `deferReply`, `deferUpdate` or `autocomplete` is the
 * initial response (Discord drops interactions not acknowledged within 3 s); the others follow it.
 */
export interface DiscordResponder {
  /** Acknowledges a command: "Earworm is thinking…" (type 5). */
  deferReply(ephemeral: boolean): Promise<void>;
  /** Acknowledges a button press without changing its message yet (type 6). */
  deferUpdate(): Promise<void>;
  /** Answers an autocomplete request (type 8). */
  autocomplete(choices: readonly Choice[]): Promise<void>;
  /** Replaces the deferred reply, or the message the pressed button is on. */
  editOriginal(message: OutgoingMessage): Promise<void>;
  /** Sends another message in the same conversation (ephemeral if asked). */
  followUp(message: OutgoingMessage): Promise<void>;
  /** Removes the deferred reply (used when the answer turned out to be for the person only). */
  deleteOriginal(): Promise<void>;
  /** Opens a modal: the initial response to a command or a button press (type 9); its submission arrives as a `modal` request. */
  showModal(modal: ModalData): Promise<void>;
}

/** Options of a command interaction's data as name → value (subcommands are not used by Earworm). */
export function optionsFrom(options: readonly { name: string; type: number; value?: unknown; focused?: boolean }[] | undefined): {
  values: Record<string, OptionValue>;
  focused?: { name: string; value: string };
} {
  const values: Record<string, OptionValue> = {};
  let focused: { name: string; value: string } | undefined;
  for (const o of options ?? []) {
    if (o.type === ApplicationCommandOptionType.Subcommand || o.type === ApplicationCommandOptionType.SubcommandGroup) continue;
    const v = o.value;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') values[o.name] = v;
    if (o.focused === true) focused = { name: o.name, value: String(v ?? '') };
  }
  return focused === undefined ? { values } : { values, focused };
}

/** The fields of a raw modal submission (labels around selects and text inputs, or legacy rows of text inputs). */
function modalFieldsFromApi(components: readonly APIModalSubmissionComponent[]): ModalFields {
  const fields: Record<string, string | readonly string[]> = {};
  const take = (c: { custom_id?: string; value?: unknown; values?: unknown }) => {
    if (typeof c.custom_id !== 'string') return;
    if (Array.isArray(c.values)) fields[c.custom_id] = c.values.filter((v): v is string => typeof v === 'string');
    else if (typeof c.value === 'string') fields[c.custom_id] = c.value;
  };
  for (const c of components) {
    if (c.type === ComponentType.Label) take(c.component as { custom_id?: string; value?: unknown; values?: unknown });
    else if (c.type === ComponentType.ActionRow) for (const inner of c.components) take(inner);
  }
  return fields;
}

function displayName(u: APIUser): string {
  return u.global_name ?? u.username;
}

/** Converts a raw interaction (HTTP body or gateway INTERACTION_CREATE) into a request; undefined for kinds Earworm does not handle. */
export function requestFromApi(i: APIInteraction): DiscordRequest | undefined {
  const user = i.member?.user ?? i.user;
  const channelId = i.channel?.id ?? i.channel_id;
  if (user === undefined || channelId === undefined) return undefined;
  const origin: InteractionOrigin = {
    id: i.id,
    userId: user.id,
    userName: displayName(user),
    channelId,
    ...(i.guild_id !== undefined ? { guildId: i.guild_id } : {}),
  };
  switch (i.type) {
    case InteractionType.ApplicationCommand: {
      if (i.data.type !== ApplicationCommandType.ChatInput) return undefined;
      const opts = optionsFrom(i.data.options as APIApplicationCommandInteractionDataOption[] | undefined);
      return { ...origin, kind: 'command', command: i.data.name, options: opts.values };
    }
    case InteractionType.ApplicationCommandAutocomplete: {
      const opts = optionsFrom(i.data.options as APIApplicationCommandInteractionDataOption[] | undefined);
      return { ...origin, kind: 'autocomplete', command: i.data.name, options: opts.values, focused: opts.focused ?? { name: '', value: '' } };
    }
    case InteractionType.ModalSubmit:
      return { ...origin, kind: 'modal', customId: i.data.custom_id, fields: modalFieldsFromApi(i.data.components) };
    case InteractionType.MessageComponent: {
      if (i.data.component_type !== ComponentType.Button) return undefined;
      return {
        ...origin,
        kind: 'button',
        customId: i.data.custom_id,
        message: { id: i.message.id, embeds: i.message.embeds ?? [], components: (i.message.components ?? []) as ActionRow[] },
      };
    }
    default:
      return undefined;
  }
}

type Fields = Record<string, unknown>;

function isObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isText(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}

/** What is wrong with a modal submission's components, if anything. */
function modalComponentsProblem(components: unknown): string | undefined {
  if (!Array.isArray(components)) return '"data.components" of a modal submission must be a list';
  for (const c of components as unknown[]) {
    if (!isObject(c) || typeof c.type !== 'number') return 'each entry of "data.components" must be an object with a numeric "type"';
    if (c.type === ComponentType.ActionRow && !(Array.isArray(c.components) && (c.components as unknown[]).every(isObject))) return 'an action row in "data.components" must hold a list of components';
    if (c.type === ComponentType.Label && !isObject(c.component)) return 'a label in "data.components" must hold a "component" object';
  }
  return undefined;
}

/**
 * What makes a raw interaction (an HTTP body) unusable, as a sentence for a 400 answer; undefined when `requestFromApi`
 * can read it. Checked after the signature, so a signed but malformed body gets a clear 4xx instead of a 500.
 */
export function interactionProblem(raw: unknown): string | undefined {
  if (!isObject(raw)) return `the request body must be a JSON object (a Discord interaction), not ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`;
  if (typeof raw.type !== 'number' || !Number.isInteger(raw.type)) return 'the interaction has no numeric "type"';
  if (raw.type === InteractionType.Ping) return undefined;
  if (!isText(raw.id)) return 'the interaction has no "id"';
  if (!isText(raw.application_id)) return 'the interaction has no "application_id"';
  if (!isText(raw.token)) return 'the interaction has no "token"';
  const member = raw.member;
  const user = isObject(member) ? member.user : raw.user;
  if (!isObject(user) || !isText(user.id) || typeof user.username !== 'string') return 'the interaction names no user ("member.user" or "user" with "id" and "username")';
  const channel = raw.channel;
  if (!(isObject(channel) && isText(channel.id)) && !isText(raw.channel_id)) return 'the interaction names no channel ("channel.id" or "channel_id")';
  const data = raw.data;
  if (!isObject(data)) return 'the interaction has no "data" object';
  switch (raw.type) {
    case InteractionType.ApplicationCommand:
    case InteractionType.ApplicationCommandAutocomplete: {
      if (!isText(data.name)) return '"data.name" (the command) is missing';
      if (raw.type === InteractionType.ApplicationCommand && typeof data.type !== 'number') return '"data.type" (the command type) is missing';
      const options = data.options;
      if (options !== undefined && !(Array.isArray(options) && (options as unknown[]).every((o) => isObject(o) && typeof o.name === 'string' && typeof o.type === 'number'))) {
        return '"data.options" must be a list of options, each with a "name" and a numeric "type"';
      }
      return undefined;
    }
    case InteractionType.MessageComponent: {
      if (!isText(data.custom_id)) return '"data.custom_id" is missing';
      if (typeof data.component_type !== 'number') return '"data.component_type" is missing';
      const message = raw.message;
      if (!isObject(message) || !isText(message.id)) return 'a component interaction must carry the "message" (with its "id") the component is on';
      if (message.embeds !== undefined && message.embeds !== null && !Array.isArray(message.embeds)) return '"message.embeds" must be a list';
      if (message.components !== undefined && message.components !== null && !Array.isArray(message.components)) return '"message.components" must be a list';
      return undefined;
    }
    case InteractionType.ModalSubmit:
      if (!isText(data.custom_id)) return '"data.custom_id" is missing';
      return modalComponentsProblem(data.components);
    default:
      return undefined;
  }
}
