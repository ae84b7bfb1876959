/**
 * Structured logging (pino): JSON lines to stderr, so stdout stays for a command's own output. Secrets never reach a
 * line: fields named like tokens, secrets and credentials are redacted (pino `redact`), errors go through a serializer
 * that keeps what explains them (type, message, stack, code, status, method, URL, cause) but drops request and
 * response bodies, and every string in a line has Discord webhook tokens (`/webhooks/<app id>/<token>`), bearer and
 * bot credentials and Slack tokens masked.
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** What replaces a secret in a log line. */
const REDACTED = '[redacted]';

/** Field paths pino censors wherever a log call puts them (one level of nesting through `*`). */
const REDACT_PATHS = [
  'token',
  '*.token',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'apiKey',
  '*.apiKey',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'access_token',
  '*.access_token',
  'refresh_token',
  '*.refresh_token',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'botToken',
  '*.botToken',
  'signingSecret',
  '*.signingSecret',
  'appToken',
  '*.appToken',
  'headers.authorization',
  'headers.cookie',
  'headers["set-cookie"]',
  'headers["x-slack-signature"]',
  'headers["x-signature-ed25519"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
];

/** Patterns of credentials inside free text (URLs, messages, stacks), each with its masked form. */
const TEXT_SECRETS: readonly (readonly [RegExp, string])[] = [
  // Discord interaction webhooks: /webhooks/<application id>/<interaction token>
  [/(\/webhooks\/\d+\/)[^/?#\s"']+/g, `$1${REDACTED}`],
  // Discord interaction callbacks: /interactions/<id>/<token>/callback
  [/(\/interactions\/\d+\/)[^/?#\s"']+/g, `$1${REDACTED}`],
  [/\b(Bearer|Bot)\s+[A-Za-z0-9._~+/=-]+/g, `$1 ${REDACTED}`],
  [/\bxox[abposer]-[A-Za-z0-9-]+/g, `xox-${REDACTED}`],
  [/\bxapp-[A-Za-z0-9-]+/g, `xapp-${REDACTED}`],
];

/** Masks credentials inside a string (webhook tokens in URLs, bearer/bot credentials, Slack tokens). */
function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of TEXT_SECRETS) out = out.replace(pattern, replacement);
  return out;
}

/** Error fields that carry request or response bodies (discord.js `requestBody`/`rawError`, axios `config`/`response`…). */
const BODY_FIELDS = new Set(['requestBody', 'rawError', 'response', 'request', 'config', 'body', 'headers', 'data', 'options']);

/** Error fields kept as they are (after scrubbing strings). */
const KEPT_FIELDS = ['code', 'status', 'statusCode', 'method', 'url', 'errno', 'syscall', 'address', 'port', 'name'];

/** Serializes an error for a log line: what explains it, never bodies or credentials (also `cause`, a few levels deep). */
function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return typeof err === 'string' ? scrubText(err) : err;
  const source = err as Error & Record<string, unknown>;
  const out: Record<string, unknown> = { type: err.constructor?.name ?? err.name, message: scrubText(err.message) };
  if (typeof err.stack === 'string') out.stack = scrubText(err.stack);
  for (const key of KEPT_FIELDS) {
    const v = source[key];
    if (v === undefined || key === 'name') continue;
    out[key] = typeof v === 'string' ? scrubText(v) : typeof v === 'number' || typeof v === 'boolean' ? v : undefined;
  }
  // Slack Web API errors: the error code of the response is what explains them; the rest of the body is not logged.
  const data = source.data as { error?: unknown } | undefined;
  if (data !== null && typeof data === 'object' && typeof data.error === 'string') out.slackError = data.error;
  for (const [key, v] of Object.entries(source)) {
    if (key in out || BODY_FIELDS.has(key) || KEPT_FIELDS.includes(key) || key === 'cause') continue;
    if (typeof v === 'string') out[key] = scrubText(v);
    else if (typeof v === 'number' || typeof v === 'boolean') out[key] = v;
  }
  if (err.cause !== undefined && depth < 4) out.cause = serializeError(err.cause, depth + 1);
  return out;
}

/** Options of a logger; the destination defaults to stderr. */
interface LoggerOptions {
  readonly logLevel: string;
  readonly name?: string;
  /** Where the JSON lines go [stderr]. */
  readonly destination?: DestinationStream;
}

/** A logger at the configured level writing redacted JSON lines to stderr (or `destination`). */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.logLevel,
      name: options.name ?? 'earworm',
      base: null,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: serializeError, error: serializeError, cause: serializeError },
      hooks: {
        // Messages (and their format arguments) are free text that may quote a URL or a header.
        logMethod(args, method) {
          method.apply(this, args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination(2),
  );
}

/** A logger that discards everything, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });

/** A child logger whose every line names the job it runs for (id, queue, name, attempt), for job processors. */
export function jobLogger(logger: Logger, job: { readonly id: string | number; readonly queue: string; readonly name: string; readonly attempt?: number }): Logger {
  return logger.child({ job: String(job.id), queue: job.queue, jobName: job.name, ...(job.attempt !== undefined ? { attempt: job.attempt } : {}) });
}
