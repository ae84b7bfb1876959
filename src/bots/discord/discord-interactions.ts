/**
 * The HTTP transport: Discord's "Interactions Endpoint URL" as a route of Earworm's HTTP server, the alternative to
 * the gateway. Every request is checked against the application's Ed25519 public key (401 when the signature is
 * missing or wrong), and a request is applied at most once: timestamps older than five minutes are refused and an
 * interaction id already handled gets 409. PING is answered PONG; commands get a deferred response (type 5), button
 * presses a deferred update (type 6), autocomplete its choices (type 8), `/tastes` its modal (type 9), all within the
 * same HTTP response (a modal's submission is deferred like a command); the answer then follows through the
 * interaction webhook (edit original, follow-ups) over REST.
 */
import type { IncomingMessage } from 'node:http';
import { InteractionResponseType, InteractionType, MessageFlags, REST, Routes, type APIInteraction, type RawFile } from 'discord.js';
import type { Logger } from '../../logging/logger.ts';
import { silentLogger } from '../../logging/logger.ts';
import { BodyError, readRawBody } from '../../http/request-body.ts';
import { sendJson, type Route } from '../../http/http-server.ts';
import type { DiscordBot, HandleResult } from './discord-bot.ts';
import { interactionProblem, requestFromApi, type DiscordResponder, type OutgoingMessage } from './discord-request.ts';
import { discordPublicKey, verifyDiscordSignature } from './discord-signature.ts';

/** Where the route listens unless told otherwise. */
const DISCORD_INTERACTIONS_PATH = '/discord/interactions';

/** Options of the interactions route. */
interface DiscordInteractionsOptions {
  /** The application's public key (DISCORD_PUBLIC_KEY, 64 hex characters). */
  readonly publicKey: string;
  readonly bot: DiscordBot;
  /**
   * REST for the interaction webhook (edit original, follow-ups; these need no bot token): a discord.js `REST`, or
   * `{ api }` to build one against another base URL such as a local fake. Default: Discord's API.
   */
  readonly rest?: REST | { readonly api: string };
  /** Default: silent. */
  readonly logger?: Logger;
  /** Clock in ms (default Date.now). */
  readonly now?: () => number;
  /** Oldest (and furthest in the future) accepted signature timestamp, in seconds (default 300). */
  readonly maxAgeSeconds?: number;
  /** Default `/discord/interactions`. */
  readonly path?: string;
  /** Largest accepted body in bytes (default 1 MB). */
  readonly maxBodyBytes?: number;
}

/** The route factory: add the result to the routes given to `createHttpServer`. */
export function discordInteractionsRoute(options: DiscordInteractionsOptions): Route {
  const key = discordPublicKey(options.publicKey);
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? Date.now;
  const maxAge = options.maxAgeSeconds ?? 300;
  const rest = options.rest instanceof REST ? options.rest : new REST(options.rest === undefined ? {} : { api: options.rest.api });
  return {
    path: options.path ?? DISCORD_INTERACTIONS_PATH,
    methods: ['POST'],
    async handler(req, res) {
      let body: Buffer;
      try {
        body = await readRawBody(req, options.maxBodyBytes ?? 1_000_000);
      } catch (err) {
        if (err instanceof BodyError) return sendJson(res, err.status, { error: err.message });
        throw err;
      }
      const signature = header(req, 'x-signature-ed25519');
      const timestamp = header(req, 'x-signature-timestamp');
      if (signature === undefined || timestamp === undefined) return sendJson(res, 401, { error: 'missing X-Signature-Ed25519 or X-Signature-Timestamp' });
      if (!verifyDiscordSignature(key, signature, timestamp, body)) return sendJson(res, 401, { error: 'invalid request signature' });
      const seconds = Number(timestamp);
      if (!Number.isInteger(seconds) || Math.abs(now() / 1000 - seconds) > maxAge) {
        return sendJson(res, 401, { error: `signature timestamp is more than ${maxAge} seconds away from now (a replayed or delayed request)` });
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(res, 400, { error: 'request body is not valid JSON' });
      }
      // Signed is not the same as well-formed: a body Earworm cannot read is refused here, before any handler sees it.
      const problem = interactionProblem(parsed);
      if (problem !== undefined) return sendJson(res, 400, { error: `${problem}; nothing was done` });
      const interaction = parsed as APIInteraction;
      if (interaction.type === InteractionType.Ping) return sendJson(res, 200, { type: InteractionResponseType.Pong });
      const request = requestFromApi(interaction);
      if (request === undefined) return sendJson(res, 400, { error: `interaction type ${String(interaction.type)} is not handled by Earworm` });
      const responder = webhookResponder(rest, interaction.application_id, interaction.token);
      const handled: Promise<{ done: HandleResult }> = options.bot.handleInteraction(request, responder).then((done) => ({ done }));
      const first = await Promise.race([responder.initial.then((response) => ({ response })), handled]);
      if ('response' in first) {
        res.once('close', responder.markSent);
        sendJson(res, 200, first.response);
        return;
      }
      responder.markSent();
      if (first.done === 'duplicate') return sendJson(res, 409, { error: `interaction ${interaction.id} was already handled` });
      logger.warn({ interaction: interaction.id }, 'Discord interaction finished without a response');
      return sendJson(res, 500, { error: 'no response' });
    },
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

/** A webhook request body (JSON, or multipart with files). */
function webhookRequest(m: OutgoingMessage, flags?: number): { body: Record<string, unknown>; files?: RawFile[]; auth: false } {
  const files = m.files ?? [];
  const body: Record<string, unknown> = {
    ...(m.content !== undefined ? { content: m.content } : {}),
    ...(m.embeds !== undefined ? { embeds: m.embeds } : {}),
    ...(m.components !== undefined ? { components: m.components } : {}),
    ...(flags !== undefined ? { flags } : {}),
    ...(files.length > 0 ? { attachments: files.map((f, i) => ({ id: i, filename: f.name })) } : {}),
  };
  return files.length > 0 ? { body, files: files.map((f) => ({ name: f.name, data: f.data })), auth: false } : { body, auth: false };
}

/** The responder of one HTTP interaction: the first answer becomes the HTTP response, the rest go over REST after it. */
function webhookResponder(rest: REST, applicationId: string, token: string): DiscordResponder & { initial: Promise<object>; markSent: () => void } {
  let answer!: (response: object) => void;
  const initial = new Promise<object>((resolve) => (answer = resolve));
  let markSent!: () => void;
  // Webhook calls must wait until Discord has our initial response, or the interaction is not acknowledged yet.
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const original = Routes.webhookMessage(applicationId, token, '@original');
  return {
    initial,
    markSent: () => markSent(),
    async deferReply(ephemeral) {
      answer({ type: InteractionResponseType.DeferredChannelMessageWithSource, ...(ephemeral ? { data: { flags: MessageFlags.Ephemeral } } : {}) });
      await sent;
    },
    async deferUpdate() {
      answer({ type: InteractionResponseType.DeferredMessageUpdate });
      await sent;
    },
    async autocomplete(choices) {
      answer({ type: InteractionResponseType.ApplicationCommandAutocompleteResult, data: { choices } });
      await sent;
    },
    async editOriginal(m) {
      await sent;
      await rest.patch(original, webhookRequest(m));
    },
    async followUp(m) {
      await sent;
      await rest.post(Routes.webhook(applicationId, token), webhookRequest(m, m.ephemeral === true ? MessageFlags.Ephemeral : undefined));
    },
    async deleteOriginal() {
      await sent;
      await rest.delete(original, { auth: false });
    },
    async showModal(modal) {
      answer({ type: InteractionResponseType.Modal, data: modal });
      await sent;
    },
  };
}
