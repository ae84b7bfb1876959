/**
 * Earworm's slash commands: their definitions (registered with Discord by `earworm discord:register`) and the
 * registration itself, a bulk overwrite so that running it again is harmless.
 */
import { InteractionContextType, Routes, SlashCommandBuilder, type REST, type RESTPostAPIChatInputApplicationCommandsJSONBody } from 'discord.js';

/** Most tracks one command shows (two messages of five cards). */
export const MAX_COUNT = 10;

const contexts = [InteractionContextType.Guild, InteractionContextType.BotDM] as const;

/** The command definitions as Discord's API takes them. */
export function discordCommands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  return [
    new SlashCommandBuilder()
      .setName('recommend')
      .setDescription('Recommend tracks for you, shaped by your likes and A/B votes')
      .setContexts(...contexts)
      .addStringOption((o) => o.setName('request').setDescription('What you would like, e.g. "something like daft punk, calmer"').setMaxLength(300))
      .addStringOption((o) => o.setName('genre').setDescription('Only this genre').setAutocomplete(true).setMaxLength(60))
      .addStringOption((o) => o.setName('mood').setDescription('Only this mood').setAutocomplete(true).setMaxLength(60))
      .addIntegerOption((o) => o.setName('count').setDescription(`How many tracks (1–${MAX_COUNT}, default 5)`).setMinValue(1).setMaxValue(MAX_COUNT)),
    new SlashCommandBuilder()
      .setName('similar')
      .setDescription('Tracks like one you name')
      .setContexts(...contexts)
      .addStringOption((o) => o.setName('track').setDescription('Start typing a title or artist').setRequired(true).setAutocomplete(true).setMaxLength(200))
      .addIntegerOption((o) => o.setName('count').setDescription(`How many tracks (1–${MAX_COUNT}, default 5)`).setMinValue(1).setMaxValue(MAX_COUNT)),
    new SlashCommandBuilder()
      .setName('vibe')
      .setDescription('Music for a mood or an activity')
      .setContexts(...contexts)
      .addStringOption((o) => o.setName('vibe').setDescription('A mood (calm, happy…) or an activity (focus, running, party…)').setRequired(true).setAutocomplete(true).setMaxLength(100)),
    new SlashCommandBuilder().setName('compare').setDescription('Teach Earworm your taste: pick the better of two tracks').setContexts(...contexts),
    new SlashCommandBuilder().setName('profile').setDescription('What Earworm has learnt about your taste').setContexts(...contexts),
    new SlashCommandBuilder().setName('tastes').setDescription('Tell Earworm the genres, moods, artists and energy you like (opens a form)').setContexts(...contexts),
    new SlashCommandBuilder().setName('listeners').setDescription('People with taste like yours: how many, what they like and play (only you see it)').setContexts(...contexts),
    new SlashCommandBuilder().setName('connect').setDescription('Connect your Spotify account').setContexts(...contexts),
    new SlashCommandBuilder()
      .setName('export')
      .setDescription('Save your latest recommendations as a Spotify playlist')
      .setContexts(...contexts)
      .addStringOption((o) => o.setName('name').setDescription('Playlist name').setMaxLength(100)),
    new SlashCommandBuilder().setName('help').setDescription('What Earworm can do').setContexts(...contexts),
  ].map((b) => b.toJSON());
}

/** Where to register: one server (updates at once; good for testing) or every server and DM (global). */
export type RegistrationTarget = { readonly guildId: string } | 'global';

/** Registers (overwrites) the commands; returns the names Discord stored. */
export async function registerCommands(rest: REST, applicationId: string, target: RegistrationTarget): Promise<string[]> {
  const route = target === 'global' ? Routes.applicationCommands(applicationId) : Routes.applicationGuildCommands(applicationId, target.guildId);
  const stored = (await rest.put(route, { body: discordCommands() })) as { name: string }[];
  return stored.map((c) => c.name);
}
