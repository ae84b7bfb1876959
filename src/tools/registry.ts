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

/** Every tool, in the order front ends list them. */
export const TOOLS: readonly Tool[] = [
  searchCatalog,
  recommend,
  similarTracks,
  classifyTrack,
  explainRecommendation,
  nextComparison,
  recordPreference,
  rateTrack,
  getTasteProfile,
  listGenresAndMoods,
  getExperimentStats,
  setTastes,
  similarListeners,
  shareMyListening,
  spotifyConnectLink,
  spotifyImport,
  spotifyExportPlaylist,
  spotifyDisconnect,
] as unknown as readonly Tool[];

/** The tool with this name, if any. */
export function findTool(name: string): Tool | undefined {
  return TOOLS.find((t) => t.name === name);
}

/** The outcome of one call, for a front end to render. */
export type ToolCallOutcome =
  | { readonly kind: 'ok'; readonly value: Record<string, unknown> }
  /** The caller (a model) can fix the call: the message says how. */
  | { readonly kind: 'retry'; readonly code: string; readonly message: string; readonly candidates?: readonly Candidate[] }
  /** Meant for the person. */
  | { readonly kind: 'user'; readonly code: string; readonly message: string }
  /** Earworm failed; the message is generic and the error was logged. */
  | { readonly kind: 'system'; readonly code: string; readonly message: string };

/** "path: problem" for each zod issue. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const where = i.path.length === 0 ? 'arguments' : i.path.map((p) => (typeof p === 'number' ? `[${p}]` : String(p))).join('.').replace(/\.\[/g, '[');
      return `${where}: ${i.message}`;
    })
    .join('; ');
}

/** Validates and runs one tool call; never throws. The context's observer (metrics) hears of each call. */
export async function callTool(name: string, args: unknown, ctx: ToolContext): Promise<ToolCallOutcome> {
  const started = performance.now();
  const outcome = await runTool(name, args, ctx);
  ctx.observer?.toolCall(name, outcome, (performance.now() - started) / 1000);
  return outcome;
}

async function runTool(name: string, args: unknown, ctx: ToolContext): Promise<ToolCallOutcome> {
  const tool = findTool(name);
  if (tool === undefined) {
    return { kind: 'retry', code: 'unknown_tool', message: `There is no tool called "${name}". Available tools: ${TOOLS.map((t) => t.name).join(', ')}.` };
  }
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
    return { kind: 'ok', value: result.value as Record<string, unknown> };
  } catch (err) {
    if (err instanceof UserError) return { kind: 'user', code: err.code, message: err.message };
    const failure = new ToolSystemError(name, { cause: err });
    ctx.logger.error({ err: failure, cause: err, tool: name }, 'tool failed');
    return { kind: 'system', code: failure.code, message: GENERIC_FAILURE };
  }
}
