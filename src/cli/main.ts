/**
 * The `earworm` command line: one entry point, one module per command, loaded on demand so that
 * `earworm stats` never pays for loading the recommendation core.
 */
import { ConfigError, loadConfig } from '../config/config.ts';
import { UsageError } from './usage-error.ts';

type CommandModule = { run(args: string[], config: ReturnType<typeof loadConfig>): Promise<number | void> };

/** Each command: what it does (for `earworm help`) and how to load it. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<CommandModule> }> = {
  start: { summary: 'run Earworm: first run imports and trains, then chats in the terminal (and serves MCP over HTTP with MCP_TOKEN)', load: () => import('./commands/start.ts') },
  import: { summary: 'import datasets into the catalogue: --source <lastfm|yes|tidy|spotify-tracks|mpd|all>', load: () => import('./commands/import.ts') },
  stats: { summary: 'counts per table and per source', load: () => import('./commands/stats.ts') },
  migrate: { summary: 'apply database migrations', load: () => import('./commands/migrate.ts') },
  eval: { summary: 'evaluate recommenders on the shared protocol (../shared/EVAL.md)', load: () => import('./commands/eval.ts') },
  train: { summary: 'train a recommender on the stored interactions and publish a model version', load: () => import('./commands/train.ts') },
  bench: { summary: 'speed and memory benchmarks', load: () => import('./commands/bench.ts') },
  chat: { summary: 'chat with Earworm in the terminal (LLM planner when LLM_BASE_URL is set, rule planner otherwise)', load: () => import('./commands/chat.ts') },
  mcp: { summary: 'serve the tools to MCP clients: stdio, or --http at /mcp (client tokens from mcp-token, or MCP_TOKEN)', load: () => import('./commands/mcp.ts') },
  'mcp-token': { summary: 'per-client MCP bearer tokens, one person each: create --name NAME | list | revoke --name NAME', load: () => import('./commands/mcp-token.ts') },
  worker: { summary: 'run background jobs (import, train, index, Spotify sync) from the Redis at REDIS_URL', load: () => import('./commands/worker.ts') },
  jobs: { summary: 'recent background jobs with status and progress', load: () => import('./commands/jobs.ts') },
  'jobs:enqueue': { summary: 'queue a job: <import|train|index|spotify-sync> (runs here when REDIS_URL is unset)', load: () => import('./commands/jobs-enqueue.ts') },
  models: { summary: 'model versions per kind with metrics, and which is active', load: () => import('./commands/models.ts') },
  'models:rollback': { summary: 'activate the previous (or --to a named) model version: --kind <kind>', load: () => import('./commands/models-rollback.ts') },
  'discord:register': { summary: 'register the Discord slash commands: --guild <id> (default DISCORD_GUILD_ID) or --global', load: () => import('./commands/discord-register.ts') },
};

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((k) => k.length));
  return [
    'usage: earworm <command> [options]',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Configuration comes from the environment; see docs/configuration.md.',
  ].join('\n');
}

/** Runs one command and returns the process exit code. */
async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(help());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(`earworm: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  try {
    const config = loadConfig();
    const mod = await command.load();
    return (await mod.run(args, config)) ?? 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) {
      console.error(`earworm ${name}: ${err.message}`);
      return 2;
    }
    if (err instanceof Error && 'code' in err && typeof err.code === 'string' && err.name !== 'Error') {
      // Typed errors carry a message written for the person running the command.
      console.error(`earworm ${name}: ${err.message}`);
      return 1;
    }
    console.error(err);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
// The command is done: whatever still holds the event loop (an abandoned retry, a socket nobody closed) gets a few
// seconds, then the process exits anyway, so a stopped `earworm start` never lingers.
setTimeout(() => process.exit(), 3000).unref();
