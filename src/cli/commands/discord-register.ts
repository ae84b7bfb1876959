/**
 * `earworm discord:register [--guild <id> | --global] [--api <url>]`: registers Earworm's slash commands with
 * Discord. Guild commands (the default, DISCORD_GUILD_ID) appear at once in that server; global ones reach every
 * server and DM but Discord may take a while to show them. Running it again overwrites the same commands.
 */
import { parseArgs } from 'node:util';
import { REST } from 'discord.js';
import { registerCommands, type RegistrationTarget } from '../../bots/discord/discord-commands.ts';
import type { Config } from '../../config/config.ts';
import { UsageError } from '../usage-error.ts';

const USAGE = 'usage: earworm discord:register [--guild <server id> | --global] [--api <Discord API base URL>]';

/** Runs the command. */
export async function run(args: string[], config: Config): Promise<number> {
  let values: { guild?: string; global?: boolean; api?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: { guild: { type: 'string' }, global: { type: 'boolean' }, api: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n${USAGE}`);
  }
  if (values.help === true) {
    console.log(USAGE);
    return 0;
  }
  const { token, applicationId } = config.discord;
  if (token === undefined || applicationId === undefined) {
    throw new UsageError('set DISCORD_TOKEN and DISCORD_APPLICATION_ID (the bot token and the application id from the Discord developer portal)');
  }
  if (values.guild !== undefined && values.global === true) throw new UsageError(`choose --guild or --global, not both\n${USAGE}`);
  if (values.guild !== undefined && !/^\d{5,25}$/.test(values.guild)) throw new UsageError(`--guild takes a server id: the digits from "Copy Server ID" in Discord, got "${values.guild}"`);
  const guildId = values.guild ?? config.discord.guildId;
  if (values.global !== true && guildId === undefined) throw new UsageError(`pass --guild <server id> or --global, or set DISCORD_GUILD_ID\n${USAGE}`);
  let api: string | undefined;
  if (values.api !== undefined) {
    try {
      const u = new URL(values.api);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http');
      api = values.api.replace(/\/+$/, '');
    } catch {
      throw new UsageError(`--api must be an http(s) URL such as https://discord.com/api, got "${values.api}"`);
    }
  }
  const target: RegistrationTarget = values.global === true ? 'global' : { guildId: guildId! };
  const rest = new REST(api === undefined ? {} : { api }).setToken(token);
  const names = await registerCommands(rest, applicationId, target);
  const where = target === 'global' ? 'globally (Discord may take a while to show them everywhere)' : `in server ${target.guildId}`;
  console.log(`Registered ${names.length} commands ${where}: ${names.map((n) => `/${n}`).join(', ')}`);
  return 0;
}
