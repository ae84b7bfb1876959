/**
 * Artist linking across sources: one artist credit ("The Weeknd feat. Daft Punk", "Kanye West, Beyoncé & Charlie
 * Wilson", "AC/DC") becomes the keys of the artists it names. Keys are folded (case, accents), drop a leading "the"
 * and treat "&", "+" and "and" alike. Guests after "feat." / "ft." / "featuring" get their own keys. A list ("&",
 * "and", ",", "/", "with", "vs", ...) is split only on evidence: when every part is an artist the catalogue knows at
 * least as well as the whole credit. A duo or band named like a list ("AC/DC", "Simon & Garfunkel", "Earth, Wind &
 * Fire", "Artists for Peace and Justice") stays one artist, while a one-off collaboration of two known artists links
 * to both.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { foldAscii } from './normalize.ts';

const BRACKETED = /\([^()]*\)|\[[^[\]]*\]|\{[^{}]*\}/g;
/** Where a guest list starts: "feat.", "ft.", "featuring" as a whole word (a collaboration whatever the names). */
const FEATURING = /(?:^|\s|\()(?:feat\.?|ft\.?|featuring)(?=[\s.]|$)/;
/** A bracketed remark that names guests ("(feat. Rihanna)", "(w/ C. Stone)"): kept as part of the credit. */
const GUEST_REMARK = /(?:^|\s)(?:feat\.?|ft\.?|featuring|with|w\/)(?=[\s.]|$)/;
/** Separators of a list of artists inside a credit; each also occurs inside one artist's name ("Earth, Wind & Fire"). */
const LIST = /\s*(?:,|;|&|\+|\/|\||\sand\s|\sx\s|\svs\.?\s|\se\s|\sy\s|\swith\s|\sw\/\s)\s*/;

/**
 * How well the catalogue knows each artist key (tracks credited plus Last.fm listeners; a key it never saw is 0):
 * the evidence that decides whether a list-like credit names several artists.
 */
export type ArtistKeyEvidence = ReadonlyMap<string, number>;

/** Letters and digits of any script; everything else one space. */
function squash(text: string): string {
  return text.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** One artist's key: folded, "&"/"+" read as "and", punctuation squashed, a leading "the" dropped. */
export function artistKey(name: string): string {
  const folded = foldAscii(name).replace(/[&+]/g, ' and ');
  const squashed = squash(folded);
  const key = squashed.replace(/^the\s+(?=\S)/, '');
  return key !== '' ? key : name.trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * The artists a list-like text names, or none when it is one artist's name. A split needs every part to be known at
 * least as well as the whole text (and, for a main credit, known at all): "Kanye West & Jay-Z" splits, "AC/DC"
 * ("ac", "dc" barely known), "Earth, Wind & Fire" ("wind" unknown) and "She & Him" do not.
 */
function listedArtists(text: string, evidence: ArtistKeyEvidence, floor: number): string[] {
  const parts = text.split(LIST).filter((p) => squash(p) !== '');
  if (parts.length < 2) return [];
  const whole = Math.max(floor, evidence.get(artistKey(text)) ?? 0);
  return parts.every((p) => (evidence.get(artistKey(p)) ?? 0) >= whole) ? parts : [];
}

/** The main credit's key, guests and bracketed remarks left out (the node a credit is filed under), or undefined when blank. */
export function mainCreditKey(credit: string): string | undefined {
  return artistLinkKeys(credit, NO_EVIDENCE)[0];
}

const NO_EVIDENCE: ArtistKeyEvidence = new Map();

/**
 * The keys an artist credit links to: the whole main credit first ("kanye west and jay z"), then each listed artist
 * the evidence supports ("kanye west", "jay z") and each guest ("daft punk"). Guests after "feat." always get their
 * own keys; a guest list the catalogue does not know as one artist is split too. Empty for a blank credit.
 */
export function artistLinkKeys(credit: string, evidence: ArtistKeyEvidence): string[] {
  let text = foldAscii(credit).replace(BRACKETED, (m) => (GUEST_REMARK.test(` ${m.slice(1, -1)}`) ? ` ${m.slice(1, -1)} ` : ' '));
  text = text.replace(/\s+/g, ' ').trim();
  if (text === '') return [];
  const found = FEATURING.exec(text);
  // A credit that starts with the word has no main artist before it: it is a name.
  const at = found !== null && squash(text.slice(0, found.index)) !== '' ? found : null;
  const main = at === null ? text : text.slice(0, at.index).trim();
  const guests = at === null ? '' : text.slice(at.index + at[0].length).trim();
  const keys: string[] = [];
  const add = (name: string): void => {
    if (name.trim() === '') return;
    const k = artistKey(name);
    if (k !== '' && !keys.includes(k)) keys.push(k);
  };
  add(main);
  for (const p of listedArtists(main, evidence, 1)) add(p);
  const guestList = listedArtists(guests, evidence, 0);
  if (guestList.length > 0) for (const g of guestList) add(g);
  else add(guests);
  return keys;
}

/** Adds up the evidence of catalogue artist rows by key (rows that fold to one key, "The Killers" and "Killers", add). */
export function keyEvidenceOf(rows: readonly { readonly name: string; readonly weight: number }[]): ArtistKeyEvidence {
  const out = new Map<string, number>();
  for (const r of rows) {
    const k = artistKey(r.name);
    out.set(k, (out.get(k) ?? 0) + r.weight);
  }
  return out;
}

/** Reads each catalogue artist's evidence: the tracks credited to it plus its Last.fm listeners. */
export async function loadArtistKeyEvidence(db: Db): Promise<ArtistKeyEvidence> {
  const rows = await db.rows<{ name: string; weight: number }>(sql`
    select a.name, (coalesce(t.n, 0) + coalesce(p.n, 0))::int as weight
    from artists a
    left join (select artist_id, count(*) as n from track_artists group by artist_id) t on t.artist_id = a.id
    left join (
      select artist_id, count(distinct person_id) as n from interactions
      where source = 'lastfm' and artist_id is not null group by artist_id
    ) p on p.artist_id = a.id`);
  return keyEvidenceOf(rows.map((r) => ({ name: r.name, weight: Number(r.weight) })));
}
