/**
 * Artists a person names in passing ("Bruno Mars, Justin Timberlake, Marshmello", "can you add some Ciara", "more
 * like LMFAO and Daft Punk"), found with the recommender's artist lookup, and the recommend plan they lead to when
 * the rule planner caught no seed of its own.
 */
import type { ResolvedArtistName } from '../serving/ports/track-recommender.ts';
import { DEFAULT_COUNT, queryCall, type Plan } from './rule-planner.ts';

/** Words that are never taken as an artist's name on their own, however an artist is called. */
const COMMON = new Set(
  ('a i me my you your it its is am are be do go so no yes ok okay hi hey hello thanks thank please more less some any few song songs music ' +
    'track tracks list playlist playlists like love happy sad party dance rock pop jazz country chill calm summer night day time good great nice ' +
    'cool new old best top fun perfect awesome wonderful amazing also add adding maybe just really very much too something anything the and or ' +
    'but with for from this that these those them they what which who how about can could would will want need make create let lets us we our ' +
    'get got give some more other others another mix artist artists band bands singer singers genre genres style workout road trip')
    .split(' '),
);

/** Named artists in `text`, in the order named (longest names first where they overlap); at most `limit`. */
export function namedArtists(text: string, resolve: (name: string) => ResolvedArtistName | undefined, limit = 5): string[] {
  const found: string[] = [];
  // Clauses: names never run across punctuation or "and"/"or".
  for (const clause of text.replace(/['’]s\b/g, '').split(/[,;.!?()"“”:]|\s(?:and|or|&)\s/i)) {
    const words = clause.split(/\s+/).filter((w) => w !== '');
    for (let i = 0; i < words.length && found.length < limit; i++) {
      for (let len = Math.min(4, words.length - i); len >= 1; len--) {
        const span = words.slice(i, i + len);
        const lower = span.map((w) => w.toLowerCase());
        if (COMMON.has(lower[0]!) || COMMON.has(lower[len - 1]!)) continue;
        // A single word counts only when it is capitalised as a name and is not a common word.
        if (len === 1 && (!/^\p{Lu}/u.test(span[0]!) || span[0]!.length < 3)) continue;
        const r = resolve(span.join(' '));
        if (r === undefined || (r.match === 'near' && (len === 1 || !/^\p{Lu}/u.test(span[0]!)))) continue;
        if (!found.includes(r.name)) found.push(r.name);
        i += len - 1;
        break;
      }
    }
  }
  return found;
}

/**
 * When the rule planner found no seed (an unclear turn, a bare "add some music", a refinement) but the text names
 * artists, recommend from those artists instead, keeping the turn's constraints and count.
 */
export function withNamedArtists(plan: Plan, text: string, resolve: (name: string) => ResolvedArtistName | undefined): Plan {
  const seeds = plan.query?.kind === 'recommend' ? plan.query.seeds : undefined;
  const seeded = seeds?.text !== undefined || (seeds?.artists?.length ?? 0) > 0 || (seeds?.tracks?.length ?? 0) > 0;
  const generic = plan.intent === 'unclear' || plan.intent === 'refine' || (plan.intent === 'recommend' && (plan.query?.kind !== 'recommend' || !seeded));
  if (!generic) return plan;
  const artists = namedArtists(text, resolve);
  if (artists.length === 0) return plan;
  const query = { kind: 'recommend' as const, seeds: { artists }, for: 'me' as const };
  const count = plan.count ?? DEFAULT_COUNT;
  return { ...plan, intent: 'recommend', query, count, calls: [queryCall(query, plan.constraints, count)] };
}
