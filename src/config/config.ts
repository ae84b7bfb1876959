import path from 'node:path';
import { z } from 'zod';

/** Log levels pino understands, lowest to highest. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const optionalUrl = (protocols: readonly string[], example: string) =>
  optionalText.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL such as ${example}` },
  );

const port = (fallback: number) =>
  optionalText
    .transform((v) => (v === undefined ? fallback : Number(v)))
    .refine((v) => Number.isInteger(v) && v > 0 && v < 65536, { message: 'must be a port number from 1 to 65535' });

/** Every environment variable Earworm reads, with its default; docs/configuration.md documents the same list. */
const envSchema = z.object({
  EARWORM_HOME: optionalText,
  EARWORM_DATA_DIR: optionalText,
  DATABASE_URL: optionalUrl(['postgres:', 'postgresql:'], 'postgres://user:pass@127.0.0.1:5432/earworm'),
  REDIS_URL: optionalUrl(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
  LLM_BASE_URL: optionalUrl(['http:', 'https:'], 'http://127.0.0.1:8000/v1'),
  LLM_API_KEY: optionalText,
  LLM_MODEL: optionalText,
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText,
  DISCORD_PUBLIC_KEY: optionalText.refine((v) => v === undefined || /^[0-9a-fA-F]{64}$/.test(v), {
    message: 'must be the 64 hex characters shown as "Public Key" in the Discord developer portal',
  }),
  SLACK_BOT_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xoxb-'), {
    message: 'must be a bot token starting with xoxb-',
  }),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_API_URL: optionalUrl(['http:', 'https:'], 'https://slack.com/api/'),
  SLACK_APP_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith('xapp-'), {
    message: 'must be an app-level token starting with xapp- (Socket Mode)',
  }),
  SPOTIFY_CLIENT_ID: optionalText,
  SPOTIFY_CLIENT_SECRET: optionalText,
  SPOTIFY_REDIRECT_URI: optionalUrl(['http:', 'https:'], 'http://127.0.0.1:8080/spotify/callback'),
  EARWORM_SECRET: optionalText.refine((v) => v === undefined || v.length >= 32, {
    message: 'must be at least 32 characters (for example: openssl rand -hex 32)',
  }),
  MCP_TOKEN: optionalText,
  DASHBOARD_TOKEN: optionalText.refine((v) => v === undefined || v.length >= 16, {
    message: 'must be at least 16 characters (for example: openssl rand -hex 16)',
  }),
  EARWORM_PUBLIC_URL: optionalUrl(['http:', 'https:'], 'https://earworm.example.com'),
  DISCORD_GUILD_ID: optionalText.refine((v) => v === undefined || /^\d{5,25}$/.test(v), {
    message: 'must be a server (guild) id: the digits from "Copy Server ID" in Discord',
  }),
  EARWORM_RATE_LIMIT: optionalText
    .transform((v) => (v === undefined ? 20 : Number(v)))
    .refine((v) => Number.isInteger(v) && v > 0, { message: 'must be a whole number of requests per minute, such as 20' }),
  EARWORM_RETRAIN_CRON: optionalText,
  EARWORM_DRIFT_THRESHOLD: optionalText
    .transform((v) => (v === undefined ? 0.2 : Number(v)))
    .refine((v) => Number.isFinite(v) && v > 0, { message: 'must be a positive number (population stability index), such as 0.2' }),
  EARWORM_ONNX_PROVIDER: z.enum(['cpu', 'cuda']).optional(),
  EARWORM_DOWNLOADS: z.enum(['on', 'off']).optional(),
  PORT: port(8080),
  HOST: optionalText,
  LOG_LEVEL: optionalText.refine((v) => v === undefined || (LOG_LEVELS as readonly string[]).includes(v), {
    message: `must be one of ${LOG_LEVELS.join(', ')}`,
  }),
});

/** Earworm's configuration, parsed once from the environment and frozen. */
export interface Config {
  /** State folder: embedded database, model files, downloads. Never the dataset folder. */
  readonly home: string;
  /** Where the public datasets are read from (input only). */
  readonly dataDir: string;
  /** Postgres connection string; undefined means embedded PGlite under `home`. */
  readonly databaseUrl: string | undefined;
  /** Redis connection string; undefined means jobs run in-process. */
  readonly redisUrl: string | undefined;
  readonly llm: { readonly baseUrl: string; readonly apiKey: string; readonly model: string } | undefined;
  readonly discord: {
    readonly token: string | undefined;
    readonly applicationId: string | undefined;
    readonly publicKey: string | undefined;
    /** Default guild for `earworm discord:register` (guild commands update at once; global ones take up to an hour). */
    readonly guildId: string | undefined;
  };
  readonly slack: {
    readonly botToken: string | undefined;
    readonly signingSecret: string | undefined;
    readonly appToken: string | undefined;
    /** Slack's Web API base URL (SLACK_API_URL; default https://slack.com/api/). */
    readonly apiUrl: string | undefined;
  };
  readonly spotify:
    | { readonly clientId: string; readonly clientSecret: string; readonly redirectUri: string }
    | undefined;
  /** Secret for encrypting stored tokens; undefined disables account linking. */
  readonly secret: string | undefined;
  readonly mcpToken: string | undefined;
  /** Bearer token of the operator dashboard (`/dashboard`); undefined leaves the dashboard off. */
  readonly dashboardToken: string | undefined;
  /** The URL people reach this server at (links in chat, OAuth redirects, chart images); default http://HOST:PORT. */
  readonly publicUrl: string;
  /** Requests per person per minute across the chat front ends (EARWORM_RATE_LIMIT, default 20). */
  readonly rateLimitPerMinute: number;
  /** Cron pattern of scheduled retraining (EARWORM_RETRAIN_CRON, default `0 4 * * *`); undefined when `off`. */
  readonly retrainCron: string | undefined;
  /** Population stability index past which drift triggers retraining (EARWORM_DRIFT_THRESHOLD, default 0.2). */
  readonly driftThreshold: number;
  /** Whether a missing dataset is downloaded from its public source (EARWORM_DOWNLOADS, default on). */
  readonly downloads: boolean;
  /** onnxruntime execution provider: `cpu` (default) or `cuda` on a GPU host. */
  readonly onnxProvider: 'cpu' | 'cuda';
  readonly port: number;
  /** Address the HTTP server binds: 127.0.0.1 by default, 0.0.0.0 in a container. */
  readonly host: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
}

/** Thrown when the environment does not describe a valid configuration; the message names each variable. */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment (process.env by default) into a frozen Config, or throws ConfigError naming what is wrong. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const bothOrNeither = (a: keyof typeof e, b: keyof typeof e) => {
    if ((e[a] === undefined) !== (e[b] === undefined)) problems.push(`${a} and ${b} must be set together`);
  };
  bothOrNeither('SPOTIFY_CLIENT_ID', 'SPOTIFY_CLIENT_SECRET');
  if (e.SPOTIFY_CLIENT_ID !== undefined && e.EARWORM_SECRET === undefined) {
    problems.push('EARWORM_SECRET: required when Spotify is configured (it encrypts stored tokens)');
  }
  if (e.SLACK_BOT_TOKEN !== undefined && e.SLACK_SIGNING_SECRET === undefined && e.SLACK_APP_TOKEN === undefined) {
    problems.push('SLACK_SIGNING_SECRET: required with SLACK_BOT_TOKEN (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const home = path.resolve(cwd, e.EARWORM_HOME ?? '.earworm');
  const config: Config = {
    home,
    dataDir: path.resolve(cwd, e.EARWORM_DATA_DIR ?? '../shared/datasets'),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    llm:
      e.LLM_BASE_URL === undefined
        ? undefined
        : { baseUrl: e.LLM_BASE_URL, apiKey: e.LLM_API_KEY ?? 'EMPTY', model: e.LLM_MODEL ?? 'openai/gpt-oss-20b' },
    discord: { token: e.DISCORD_TOKEN, applicationId: e.DISCORD_APPLICATION_ID, publicKey: e.DISCORD_PUBLIC_KEY, guildId: e.DISCORD_GUILD_ID },
    slack: { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl: e.SLACK_API_URL === undefined ? undefined : e.SLACK_API_URL.replace(/\/*$/, '/') },
    spotify:
      e.SPOTIFY_CLIENT_ID === undefined || e.SPOTIFY_CLIENT_SECRET === undefined
        ? undefined
        : {
            clientId: e.SPOTIFY_CLIENT_ID,
            clientSecret: e.SPOTIFY_CLIENT_SECRET,
            redirectUri: e.SPOTIFY_REDIRECT_URI ?? `http://127.0.0.1:${e.PORT}/spotify/callback`,
          },
    secret: e.EARWORM_SECRET,
    mcpToken: e.MCP_TOKEN,
    dashboardToken: e.DASHBOARD_TOKEN,
    publicUrl: (e.EARWORM_PUBLIC_URL ?? `http://${e.HOST ?? '127.0.0.1'}:${e.PORT}`).replace(/\/+$/, ''),
    rateLimitPerMinute: e.EARWORM_RATE_LIMIT,
    retrainCron: e.EARWORM_RETRAIN_CRON === 'off' ? undefined : (e.EARWORM_RETRAIN_CRON ?? '0 4 * * *'),
    driftThreshold: e.EARWORM_DRIFT_THRESHOLD,
    onnxProvider: e.EARWORM_ONNX_PROVIDER ?? 'cpu',
    downloads: e.EARWORM_DOWNLOADS !== 'off',
    port: e.PORT,
    host: e.HOST ?? '127.0.0.1',
    logLevel: (e.LOG_LEVEL ?? 'info') as Config['logLevel'],
  };
  return deepFreeze(config);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
