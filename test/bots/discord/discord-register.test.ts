/** `earworm discord:register`: the command definitions, and the CLI overwriting them in a guild or globally over REST. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discordCommands } from '../../../src/bots/discord/discord-commands.ts';
import { FakeDiscord } from './support/fake-discord.ts';

const BIN = fileURLToPath(new URL('../../../bin/earworm.mjs', import.meta.url));

describe('discord:register', () => {
  let fake: FakeDiscord;
  let home: string;
  beforeAll(async () => {
    fake = await FakeDiscord.start();
    home = await mkdtemp(path.join(os.tmpdir(), 'earworm-discord-'));
  });
  afterAll(async () => {
    await fake?.close();
    await rm(home, { recursive: true, force: true });
  });

  function earworm(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', EARWORM_HOME: home, EARWORM_DOWNLOADS: 'off', ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
        resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr });
      });
    });
  }

  it('defines the ten commands with autocomplete where the catalogue helps', () => {
    const cmds = discordCommands();
    expect(cmds.map((c) => c.name)).toEqual(['recommend', 'similar', 'vibe', 'compare', 'profile', 'tastes', 'listeners', 'connect', 'export', 'help']);
    // /tastes opens a form and /listeners takes nothing: neither has options.
    for (const name of ['tastes', 'listeners']) expect(cmds.find((c) => c.name === name)!.options ?? []).toEqual([]);
    const option = (cmd: string, name: string) => cmds.find((c) => c.name === cmd)!.options!.find((o) => o.name === name) as { autocomplete?: boolean; required?: boolean };
    expect(option('similar', 'track')).toMatchObject({ autocomplete: true, required: true });
    expect(option('recommend', 'genre').autocomplete).toBe(true);
    expect(option('recommend', 'mood').autocomplete).toBe(true);
    expect(option('vibe', 'vibe').autocomplete).toBe(true);
    for (const c of cmds) expect(c.description.length).toBeLessThanOrEqual(100);
  });

  it('overwrites the commands in the default guild, or globally, with the bot token', async () => {
    const env = { DISCORD_TOKEN: 'tok-register', DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_GUILD_ID: fake.guildId };
    const guild = await earworm(['discord:register', '--api', fake.api], env);
    expect(guild.stderr).toBe('');
    expect(guild.code).toBe(0);
    expect(guild.stdout).toMatch(new RegExp(`Registered 10 commands in server ${fake.guildId}: /recommend, /similar`));
    const put = fake.calls.find((c) => c.method === 'PUT')!;
    expect(put.path).toBe(`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`);
    expect(put.authorization).toBe('Bot tok-register');
    expect(put.body).toEqual(JSON.parse(JSON.stringify(discordCommands())));
    const global = await earworm(['discord:register', '--global', '--api', fake.api], env);
    expect(global.code).toBe(0);
    expect(fake.calls.filter((c) => c.method === 'PUT').map((c) => c.path)).toEqual([`/applications/${fake.applicationId}/guilds/${fake.guildId}/commands`, `/applications/${fake.applicationId}/commands`]);
  });

  it('says what is missing instead of calling Discord', async () => {
    const before = fake.calls.length;
    const noToken = await earworm(['discord:register', '--api', fake.api], {});
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/set DISCORD_TOKEN and DISCORD_APPLICATION_ID/);
    const noGuild = await earworm(['discord:register', '--api', fake.api], { DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: fake.applicationId });
    expect(noGuild.code).toBe(2);
    expect(noGuild.stderr).toMatch(/pass --guild <server id> or --global, or set DISCORD_GUILD_ID/);
    const badGuild = await earworm(['discord:register', '--guild', 'my-server'], { DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: fake.applicationId });
    expect(badGuild.stderr).toMatch(/--guild takes a server id/);
    expect(fake.calls.length).toBe(before);
  });
});
