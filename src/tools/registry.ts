/**
 * The one registry of tools, and `callTool`: validates raw arguments against a tool's schema, runs it, and sorts
 * every failure into one of three kinds — retry (the caller can fix it), user (for the person), system (logged,
 * shown generically). Front ends (MCP, the agent, bots) call tools only through here.
 */
import type { z } from 'zod';
import { findControlChar } from './control-chars.ts';
import { classifyTrack } from './classify-track.ts';
import { GENERIC_FAILURE, ToolSystemError, UserError } from './errors.ts';
import { explainRecommendation } from './explain-recommendation.ts';
import { getExperimentStats } from './get-experiment-stats.ts';
import { getTasteProfile } from './get-taste-profile.ts';
import { listGenresAndMoods } from './list-genres-and-moods.ts';
import { nextComparison } from './next-comparison.ts';
import { rateTrack } from './rate-track.ts';
import { recommend } from './recommend.ts';
import { recordPreference } from './record-preference.ts';
import { searchCatalog } from './search-catalog.ts';
import { setTastes } from './set-tastes.ts';
import { shareMyListening } from './share-my-listening.ts';
import { similarListeners } from './similar-listeners.ts';
import { similarTracks } from './similar-tracks.ts';
import { spotifyConnectLink } from './spotify-connect-link.ts';
import { spotifyDisconnect } from './spotify-disconnect.ts';
import { spotifyExportPlaylist } from './spotify-export-playlist.ts';
import { spotifyImport } from './spotify-import.ts';
import type { Candidate, Tool } from './tool.ts';
import type { ToolContext } from './tool-context.ts';

/** Every tool by its name, in the order front ends list them; the key is the tool's `name` (a test checks). */
export const TOOL_MAP = {
  search_catalog: searchCatalog,
  recommend,
  similar_tracks: similarTracks,
  classify_track: classifyTrack,
  explain_recommendation: explainRecommendation,
  next_comparison: nextComparison,
  record_preference: recordPreference,
  rate_track: rateTrack,
  get_taste_profile: getTasteProfile,
  list_genres_and_moods: listGenresAndMoods,
  get_experiment_stats: getExperimentStats,
  set_tastes: setTastes,
  similar_listeners: similarListeners,
  share_my_listening: shareMyListening,
  spotify_connect_link: spotifyConnectLink,
  spotify_import: spotifyImport,
  spotify_export_playlist: spotifyExportPlaylist,
  spotify_disconnect: spotifyDisconnect,
} as const;

/** The name of a registered tool. */
export type ToolName = keyof typeof TOOL_MAP;

/** What a tool accepts before parsing (`z.input` of its input schema). */
export type ToolArgs<N extends ToolName> = z.input<(typeof TOOL_MAP)[N]['input']>;

/** What a tool returns on success (`z.output` of its output schema). */
export type ToolOutput<N extends ToolName> = z.output<(typeof TOOL_MAP)[N]['output']>;

/** Every tool, in the order front ends list them. */
export const TOOLS: readonly Tool[] = Object.values(TOOL_MAP) as unknown as readonly Tool[];

/** The tool with this name, if any. */
export function findTool(name: string): Tool | undefined {
  return TOOLS.find((t) => t.name === name);
}

/** Whether `name` is a registered tool's name. */
export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(TOOL_MAP, name);
}

/** A call that did not succeed. */
export type ToolFailure =
  /** The caller (a model) can fix the call: the message says how. */
  | { readonly kind: 'retry'; readonly code: string; readonly message: string; readonly candidates?: readonly Candidate[] }
  /** Meant for the person. */
  | { readonly kind: 'user'; readonly code: string; readonly message: string }
  /** Earworm failed; the message is generic and the error was logged. */
  | { readonly kind: 'system'; readonly code: string; readonly message: string };

/** A successful call of tool `N`: `tool` names it, so a union of these narrows by `tool`. */
export type ToolSuccess<N extends ToolName = ToolName> = { readonly [K in N]: { readonly kind: 'ok'; readonly tool: K; readonly value: ToolOutput<K> } }[N];

/** The outcome of one call, for a front end to render; the success value is typed by the tool called. */
export type ToolCallOutcome<N extends ToolName = ToolName> = ToolSuccess<N> | ToolFailure;

/** "path: problem" for each zod issue. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const where = i.path.length === 0 ? 'arguments' : i.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
      return `${where}: ${i.message}`;
    })
    .join('; ');
}

/**
 * Validates and runs one tool call; never throws. The context's observer (metrics) hears of each call. With a
 * literal tool name the arguments are checked against the tool's schema at compile time and the success value is
 * that tool's output; with a name only known at run time (a model's call, MCP) the outcome narrows by `tool`.
 */
export function callTool<N extends ToolName>(name: N, args: ToolArgs<N>, ctx: ToolContext): Promise<ToolCallOutcome<N>>;
export function callTool(name: string, args: unknown, ctx: ToolContext): Promise<ToolCallOutcome>;
export async function callTool(name: string, args: unknown, ctx: ToolContext): Promise<ToolCallOutcome> {
  const started = performance.now();
  const outcome = await runTool(name, args, ctx);
  ctx.observer?.toolCall(name, outcome, (performance.now() - started) / 1000);
  return outcome;
}

async function runTool(name: string, args: unknown, ctx: ToolContext): Promise<ToolCallOutcome> {
  if (!isToolName(name)) {
    return { kind: 'retry', code: 'unknown_tool', message: `There is no tool called "${name}". Available tools: ${TOOLS.map((t) => t.name).join(', ')}.` };
  }
  // Each entry's execute takes its own input type; through `Tool` it takes what its own schema parsed below.
  const tool = TOOL_MAP[name] as unknown as Tool;
  const control = findControlChar(args);
  if (control !== undefined) {
    return {
      kind: 'retry',
      code: 'control_characters',
      message: `Invalid arguments for ${name}: ${control.path} contains the control character ${control.codePoint} at position ${control.index}. Remove control characters from the text and call ${name} again.`,
    };
  }
  const parsed = tool.input.safeParse(args ?? {});
  if (!parsed.success) {
    return { kind: 'retry', code: 'invalid_arguments', message: `Invalid arguments for ${name}: ${describeIssues(parsed.error)}. Fix these and call ${name} again.` };
  }
  try {
    const result = await tool.execute(parsed.data, ctx);
    if (!result.ok) {
      return result.candidates === undefined
        ? { kind: 'retry', code: result.code, message: result.message }
        : { kind: 'retry', code: result.code, message: result.message, candidates: result.candidates };
    }
    // `execute` of the tool registered under `name` produced this value, so it is that tool's output.
    return { kind: 'ok', tool: name, value: result.value } as ToolSuccess;
  } catch (err) {
    if (err instanceof UserError) return { kind: 'user', code: err.code, message: err.message };
    const failure = new ToolSystemError(name, { cause: err });
    ctx.logger.error({ err: failure, cause: err, tool: name }, 'tool failed');
    return { kind: 'system', code: failure.code, message: GENERIC_FAILURE };
  }
}
