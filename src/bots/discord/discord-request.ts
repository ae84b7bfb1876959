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
export interface InteractionOrigin {
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
export function modalFieldsFromApi(components: readonly APIModalSubmissionComponent[]): ModalFields {
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
