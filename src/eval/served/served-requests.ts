/** Calling `recommend` as a front end does, for the served benchmark's parts. */
import { resolvePerson } from '../../serving/state/people.ts';
import type { Db } from '../../db/db.ts';
import { callTool } from '../../tools/registry.ts';
import { contextFor, type ToolServices } from '../../tools/tool-context.ts';

/** One answer of `recommend`: the tracks (id and credited artists), how it was chosen, or the failure's code. */
interface ServedAnswer {
  readonly ok: boolean;
  readonly code?: string;
  readonly strategy?: string;
  readonly tracks: readonly { readonly id: number; readonly artists: readonly string[] }[];
  readonly notes: readonly string[];
}

/** Calls `recommend` with `args` for the benchmark's own person (a neutral list: `for: anyone`). */
export async function recommendAs(db: Db, services: ToolServices, args: Record<string, unknown>): Promise<ServedAnswer> {
  const personId = await resolvePerson(db, 'bench', 'served-benchmark', 'served benchmark');
  const out = await callTool('recommend', { for: 'anyone', ...args }, contextFor(services, personId, { platform: 'bench' }));
  if (out.kind !== 'ok') return { ok: false, code: out.code, tracks: [], notes: [] };
  const v = out.value as { strategy?: string; notes?: string[]; recommendations?: { track: { id: number; artists: string[] } }[] };
  return {
    ok: true,
    ...(v.strategy !== undefined ? { strategy: v.strategy } : {}),
    tracks: (v.recommendations ?? []).map((r) => ({ id: r.track.id, artists: r.track.artists })),
    notes: v.notes ?? [],
  };
}
