/**
 * Reads the elements of one top-level array of a JSON file (MPD slices: `{"info": ..., "playlists": [...]}`) one at a
 * time, each with the line it starts on, so that playlists before a damaged one are imported and the error names
 * the line where the JSON goes wrong (found by a small validator, never by reading JSON.parse's message).
 */
import { readFile } from 'node:fs/promises';
import { ImportError } from './import-error.ts';
import { decodeText } from './text-reader.ts';

/** One element of the array, parsed, with the 1-based line it starts on and the bytes it spans. */
interface JsonElement {
  readonly value: unknown;
  readonly line: number;
}

/** The offset of the first JSON syntax error in `text[start, end)`, or -1 when it is one valid JSON value. */
export function jsonErrorOffset(text: string, start: number, end: number): number {
  let i = start;
  const fail = (): never => {
    throw new SyntaxAt(i);
  };
  const ws = () => {
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
  };
  const str = () => {
    i++;
    while (i < end) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) fail();
        i += 2;
        continue;
      }
      if (c < 0x20) fail();
      i++;
    }
    fail();
  };
  const literal = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (c === '{') {
          if (text[i] !== '"') fail();
          str();
          ws();
          if (text[i] !== ':') fail();
          i++;
        }
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) {
          i++;
          return;
        }
        fail();
      }
    }
    if (c === '"') return str();
    literal.lastIndex = i;
    if (i >= end || !literal.test(text)) fail();
    i = literal.lastIndex;
  };
  try {
    value();
    ws();
    return i < end ? i : -1;
  } catch (err) {
    if (err instanceof SyntaxAt) return Math.min(err.offset, end);
    throw err;
  }
}

class SyntaxAt {
  constructor(readonly offset: number) {}
}

/** Streams the elements of the array under `key` in a JSON object file; a malformed file fails naming file and line. */
export async function* readJsonArray(
  file: string,
  key: string,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<JsonElement> {
  const buf = await readFile(file);
  const text = decodeText(buf, file, 'utf8');
  let i = 0;
  let lineCountedTo = 0;
  let line = 1;
  const lineAt = (pos: number): number => {
    if (pos < lineCountedTo) {
      lineCountedTo = 0;
      line = 1;
    }
    for (let p = text.indexOf('\n', lineCountedTo); p !== -1 && p < pos; p = text.indexOf('\n', p + 1)) line++;
    lineCountedTo = pos;
    return line;
  };
  const bad = (pos: number, what: string): ImportError =>
    new ImportError(`is not valid JSON: ${what}. Replace it with an intact copy of the slice and run the import again: it resumes.`, {
      code: 'BAD_JSON',
      file,
      line: lineAt(Math.min(pos, text.length)),
    });
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const expect = (ch: string, what: string) => {
    ws();
    if (text[i] !== ch) throw bad(i, i >= text.length ? `the file ends where ${what} was expected (truncated?)` : `expected ${what}`);
    i++;
  };
  /** Moves past one value without parsing it, returning where it started; only strings and nesting are tracked. */
  const skipValue = (): number => {
    ws();
    const start = i;
    let depth = 0;
    let inString = false;
    for (; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') {
          inString = false;
          if (depth === 0) {
            i++;
            return start;
          }
        }
        continue;
      }
      if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) return start;
        depth--;
        if (depth === 0) {
          i++;
          return start;
        }
      } else if (depth === 0 && (c === ',' || c === ' ' || c === '\n' || c === '\r' || c === '\t')) return start;
    }
    if (depth > 0 || inString) throw bad(text.length, `the file ends inside the value that starts on line ${lineAt(start)} (truncated?)`);
    return start;
  };
  const parseSlice = (start: number, end: number): unknown => {
    try {
      return JSON.parse(text.slice(start, end));
    } catch {
      const at = jsonErrorOffset(text, start, end);
      throw bad(at === -1 ? start : at, 'a syntax error');
    }
  };

  expect('{', 'an object');
  let found = false;
  let reported = 0;
  for (;;) {
    ws();
    if (text[i] === '}') break;
    if (text[i] !== '"') throw bad(i, i >= text.length ? 'the file ends before the object closes (truncated?)' : 'expected a key');
    const keyStart = skipValue();
    const name = parseSlice(keyStart, i);
    expect(':', "':'");
    if (name === key) {
      found = true;
      expect('[', 'an array');
      ws();
      if (text[i] === ']') i++;
      else {
        for (;;) {
          const start = skipValue();
          const value = parseSlice(start, i);
          const startLine = lineAt(start);
          onBytes?.(i - reported);
          reported = i;
          yield { value, line: startLine };
          ws();
          if (text[i] === ',') {
            i++;
            continue;
          }
          if (text[i] === ']') {
            i++;
            break;
          }
          throw bad(i, i >= text.length ? 'the file ends inside the array (truncated?)' : "expected ',' or ']'");
        }
      }
    } else {
      const start = skipValue();
      parseSlice(start, i);
    }
    ws();
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '}') break;
    throw bad(i, i >= text.length ? 'the file ends before the object closes (truncated?)' : "expected ',' or '}'");
  }
  onBytes?.(buf.length - reported);
  if (!found) throw new ImportError(`has no "${key}" array; is this an MPD slice?`, { code: 'BAD_JSON', file, line: 1 });
}
