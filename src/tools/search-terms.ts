/** The words of what a person types, spelled as the catalogue's normalised keys are (for search and resolution). */
import { foldAscii } from '../catalog/normalize.ts';

const STOP_WORDS = new Set(['by', 'the', 'a', 'an', 'song', 'track', 'from', 'of']);

/** Lower-case ASCII words of `text`, without filler words ("that Radiohead song" -> ["that", "radiohead"]). */
export function searchTerms(text: string): string[] {
  return foldAscii(text)
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '' && !STOP_WORDS.has(w));
}
