/**
 * The served request panel (test/fixtures/served-requests.json): everyday requests, each with the hard constraints
 * the person stated, and `runPanel`, which asks the chat agent each request in a fresh conversation and keeps the
 * track ids it showed. Only the agent is needed, so the same runner replays the panel against any release.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Conversation } from '../../desk/conversation.ts';

/** The panel shipped with the repository. */
export const PANEL_FILE = fileURLToPath(new URL('../../../test/fixtures/served-requests.json', import.meta.url));

/** An inclusive numeric range; either end may be open. */
export interface PanelRange {
  readonly min?: number;
  readonly max?: number;
}

/** The hard constraints a request states; every shown track must meet each of them. */
interface PanelConstraints {
  /** Any of these genres (vocabulary names). */
  readonly genres?: readonly string[];
  readonly moods?: readonly string[];
  readonly exclude_genres?: readonly string[];
  readonly exclude_moods?: readonly string[];
  readonly year?: PanelRange;
  readonly energy?: PanelRange;
  readonly danceability?: PanelRange;
  readonly tempo?: PanelRange;
  readonly valence?: PanelRange;
  /** No vocals: instrumentalness of at least EVIDENCE.instrumentalMin and no vocal tag (the vocabulary's `vocals: "instrumental"`). */
  readonly instrumental?: boolean;
  /** The vocabulary's `vocals`. */
  readonly vocals?: 'instrumental' | 'vocal';
  /** "clean": only tracks a source marks clean. */
  readonly explicit?: 'clean' | 'any';
  readonly exclude_artists?: readonly string[];
}

/** One request of the panel. */
export interface PanelRequest {
  readonly id: string;
  /** genre, mood, exclusion, years, activity, instrumental, artist_seed or track_seed. */
  readonly category: string;
  readonly text: string;
  readonly constraints: PanelConstraints;
}

/** What the agent showed for one request. */
export interface PanelAnswer {
  readonly id: string;
  readonly trackIds: readonly number[];
  readonly text: string;
}

/** Reads a panel file. */
export async function loadPanel(file = PANEL_FILE): Promise<PanelRequest[]> {
  const doc = JSON.parse(await readFile(file, 'utf8')) as { requests: PanelRequest[] };
  return doc.requests;
}

/** Asks `agent` every request, each in its own conversation (`personFor` gives the person to ask as). */
export async function runPanel(agent: Conversation, panel: readonly PanelRequest[], personFor: (r: PanelRequest) => Promise<number>): Promise<PanelAnswer[]> {
  const out: PanelAnswer[] = [];
  for (const r of panel) {
    const personId = await personFor(r);
    const reply = await agent.handle({ personId, platform: 'eval', channelId: `panel-${r.id}`, text: r.text });
    out.push({ id: r.id, trackIds: reply.cards.map((c) => c.id), text: reply.text });
  }
  return out;
}
