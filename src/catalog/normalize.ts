/**
 * Name normalisation for entity resolution across sources. `trackKey` follows the normalisation documented in the
 * yes-com dataset README (the one its cross-dataset match figures were computed with): lower-case, ASCII-fold,
 * unescape `\/`, drop bracketed parts and ` - …` suffixes, drop anything after feat/ft/with, drop a leading
 * "the", keep only the first artist of a list. Letters outside Latin (Japanese, Cyrillic, ...) are kept, not
 * dropped, so that such names never collapse into one empty key.
 */

// Letters NFKD does not decompose into a base letter plus a mark.
const FOLD_EXTRA: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', þ: 'th', ł: 'l', ı: 'i', ħ: 'h', ŋ: 'n',
  '’': "'", '‘': "'", '´': "'", '`': "'", '“': '"', '”': '"', '–': '-', '—': '-', '‐': '-',
};
const FOLD_EXTRA_RE = new RegExp(`[${Object.keys(FOLD_EXTRA).join('')}]`, 'g');

/** Lower-cases, unescapes `\/`, and folds accented Latin letters to ASCII (é -> e, ß -> ss); other scripts stay. */
export function foldAscii(text: string): string {
  return text
    .replace(/\\\//g, '/')
    .toLowerCase()
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(FOLD_EXTRA_RE, (c) => FOLD_EXTRA[c] ?? c);
}

const BRACKETED = /\([^()]*\)|\[[^[\]]*\]|\{[^{}]*\}/g;
const DASH_SUFFIX = /\s+-\s.*$/;
const FEATURING = /(?:^|[\s(])(?:feat\.?|ft\.?|featuring|with|w\/)(?=[\s.]|$).*$/;
const LEADING_THE = /^the\s+/;
const LIST_SEPARATOR = /\s*(?:,|;|&|\sand\s|\sx\s|\svs\.?\s)\s*/;

/** Keeps letters and digits of any script, turns everything else into single spaces. */
function squash(text: string): string {
  return text.replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
}

/** A name made only of punctuation ("!!!", "?") keeps its own characters rather than becoming empty. */
function orFallback(normalised: string, original: string): string {
  return normalised !== '' ? normalised : original.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** Applies `cut` unless it would leave nothing ("With or Without You" stays whole). */
function cutUnlessEmpty(text: string, cut: (t: string) => string): string {
  const cutText = cut(text);
  return squash(cutText) === '' ? text : cutText;
}

/** The normalised form of a track title: "Lose Control (feat. Ciara)" and "Lose Control - 2011 Remaster" -> "lose control". */
export function normalizeTitle(title: string): string {
  let t = foldAscii(title);
  // Brackets may nest one level deep in practice ("Song (Live (2011))"): strip twice.
  t = cutUnlessEmpty(t, (x) => x.replace(BRACKETED, ' ').replace(BRACKETED, ' '));
  t = cutUnlessEmpty(t, (x) => x.replace(DASH_SUFFIX, ''));
  t = cutUnlessEmpty(t, (x) => x.replace(FEATURING, ''));
  t = cutUnlessEmpty(squash(t), (x) => x.replace(LEADING_THE, ''));
  return orFallback(squash(t), title);
}

/** The normalised primary artist of an artist credit: "The Weeknd feat. Daft Punk" -> "weeknd", "Simon & Garfunkel" -> "simon". */
export function normalizeArtist(artist: string): string {
  let a = foldAscii(artist);
  a = cutUnlessEmpty(a, (x) => x.replace(BRACKETED, ' '));
  a = cutUnlessEmpty(a, (x) => x.replace(FEATURING, ''));
  a = cutUnlessEmpty(a, (x) => x.split(LIST_SEPARATOR)[0] ?? x);
  a = cutUnlessEmpty(squash(a), (x) => x.replace(LEADING_THE, ''));
  return orFallback(squash(a), artist);
}

/**
 * The identity of an artist row: the whole credit folded ("Simon & Garfunkel" -> "simon garfunkel", "The Beatles"
 * -> "beatles"). Unlike `normalizeArtist` it keeps every name, so a duo is not merged with its first member.
 */
export function normalizeArtistName(name: string): string {
  const a = squash(foldAscii(name));
  return orFallback(cutUnlessEmpty(a, (x) => x.replace(LEADING_THE, '')).trim(), name);
}

/** The entity-resolution key of a recording: `normalised title|normalised primary artist`. */
export function trackKey(title: string, primaryArtist: string): string {
  return `${normalizeTitle(title)}|${normalizeArtist(primaryArtist)}`;
}

const UNITS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];

/**
 * A normalised artist name (normalizeArtistName) with number words written as digits, so that one artist written two
 * ways ("Thirty Seconds To Mars" in Yes.com, "30 Seconds to Mars" in Last.fm) has one key: "30 seconds to mars".
 * "twenty one pilots" and "21 pilots" alike become "21 pilots".
 */
export function artistAliasKey(normName: string): string {
  const words = normName.split(' ');
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const tens = TENS.indexOf(w);
    if (tens >= 2) {
      const unit = UNITS.indexOf(words[i + 1] ?? '');
      if (unit >= 1 && unit <= 9) {
        out.push(String(tens * 10 + unit));
        i++;
      } else out.push(String(tens * 10));
      continue;
    }
    const unit = UNITS.indexOf(w);
    out.push(unit >= 0 ? String(unit) : w);
  }
  return out.join(' ');
}
