/**
 * Artist linking across sources: one artist credit ("The Weeknd feat. Daft Punk", "Simon & Garfunkel", "Beyoncé,
 * JAY-Z") becomes the keys of the artists it names. Keys are folded (case, accents), drop a leading "the", treat
 * "&", "+" and "and" alike, and split "feat." / "ft." / "featuring" / "with" guests and listed artists into their own
 * keys, so a track credited to "Kanye West, Beyoncé & Charlie Wilson" is linked to Beyoncé's node as well.
 */
import { foldAscii } from './normalize.ts';

const BRACKETED = /\([^()]*\)|\[[^[\]]*\]|\{[^{}]*\}/g;
/** Where a guest list starts: "feat.", "ft.", "featuring", "with", "w/" as a whole word. */
const FEATURING = /(?:^|\s|\()(?:feat\.?|ft\.?|featuring|with|w\/)(?=[\s.]|$)/;
/** Separators of a list of artists inside a credit. */
const LIST = /\s*(?:,|;|&|\+|\/|\||\sand\s|\sx\s|\svs\.?\s|\se\s|\sy\s)\s*/;

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
 * The keys an artist credit links to, the whole main credit first ("simon and garfunkel"), then each listed artist
 * ("simon", "garfunkel") and each guest ("daft punk"). Empty for a blank credit.
 */
export function artistLinkKeys(credit: string): string[] {
  let text = foldAscii(credit).replace(BRACKETED, (m) => (FEATURING.test(` ${m.slice(1, -1)}`) ? ` ${m.slice(1, -1)} ` : ' '));
  text = text.replace(/\s+/g, ' ').trim();
  if (text === '') return [];
  const found = FEATURING.exec(text);
  // A credit that starts with the word ("With or Without") has no main artist before it: it is a name.
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
  const parts = main.split(LIST);
  if (parts.length > 1) for (const p of parts) add(p);
  for (const g of guests.split(LIST)) add(g);
  return keys;
}
