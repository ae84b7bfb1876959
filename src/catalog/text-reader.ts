/**
 * Streaming text input for the importers: reads a file in chunks cut at line ends, checks the encoding the format
 * requires (invalid UTF-8 is an error naming the line, never silently replaced), and reports bytes read for progress.
 */
import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { ImportError } from './import-error.ts';

/** The byte encodings the datasets use: UTF-8 (most files) or ISO-8859-1 (Last.fm tags.dat). */
export type TextEncoding = 'utf8' | 'latin1';

/** A chunk of decoded text that ends at a line end (or the end of the file), and the line number it starts on. */
interface TextChunk {
  readonly text: string;
  /** 1-based line number of the chunk's first line. */
  readonly firstLine: number;
}

/** One line of a text file without its line end (LF or CRLF), with its 1-based number. */
interface Line {
  readonly text: string;
  readonly line: number;
}

/** What a reader needs besides the file: its encoding and an optional byte counter for progress. */
export interface TextReadOptions {
  readonly encoding: TextEncoding;
  /** Called with the number of bytes consumed since the last call. */
  readonly onBytes?: (bytes: number) => void;
  /** Bytes per read; tests use small values to cross chunk boundaries. */
  readonly chunkBytes?: number;
}

const NL = 0x0a;

function countNewlines(buf: Buffer): number {
  let n = 0;
  let i = buf.indexOf(NL);
  while (i !== -1) {
    n++;
    i = buf.indexOf(NL, i + 1);
  }
  return n;
}

/** Finds the 1-based line (counting from `firstLine`) of the first line in `buf` that is not valid UTF-8. */
function firstInvalidLine(buf: Buffer, firstLine: number): number {
  let start = 0;
  let line = firstLine;
  while (start < buf.length) {
    const end = buf.indexOf(NL, start);
    const stop = end === -1 ? buf.length : end;
    if (!isUtf8(buf.subarray(start, stop))) return line;
    start = stop + 1;
    line++;
  }
  return line;
}

/** Decodes a buffer, failing with the file and line of the first invalid UTF-8 when `encoding` is utf8. */
export function decodeText(buf: Buffer, file: string, encoding: TextEncoding, firstLine = 1): string {
  if (encoding === 'utf8' && !isUtf8(buf)) {
    throw new ImportError(
      'is not valid UTF-8. The file must be UTF-8 encoded: re-download it, or convert it (e.g. iconv -f latin1 -t utf-8).',
      { code: 'BAD_ENCODING', file, line: firstInvalidLine(buf, firstLine) },
    );
  }
  return buf.toString(encoding);
}

/** Reads a file as decoded text chunks that each end at a line end, failing with the line of any encoding error. */
export async function* readTextChunks(file: string, options: TextReadOptions): AsyncGenerator<TextChunk> {
  const stream = createReadStream(file, { highWaterMark: options.chunkBytes ?? 1 << 20 });
  let carry: Buffer = Buffer.alloc(0);
  let line = 1;
  let first = true;
  try {
    for await (const piece of stream as AsyncIterable<Buffer>) {
      options.onBytes?.(piece.length);
      let buf = carry.length === 0 ? piece : Buffer.concat([carry, piece]);
      if (first && buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
      first = false;
      const last = buf.lastIndexOf(NL);
      if (last === -1) {
        carry = buf;
        continue;
      }
      const complete = buf.subarray(0, last + 1);
      carry = Buffer.from(buf.subarray(last + 1));
      if (options.encoding === 'utf8' && !isUtf8(complete)) {
        // Hand over the good lines before the bad one, so that they are imported before the error.
        const bad = firstInvalidLine(complete, line);
        let offset = 0;
        for (let l = line; l < bad; l++) offset = complete.indexOf(NL, offset) + 1;
        if (offset > 0) yield { text: complete.toString('utf8', 0, offset), firstLine: line };
        decodeText(complete.subarray(offset), file, 'utf8', bad);
      }
      yield { text: complete.toString(options.encoding), firstLine: line };
      line += countNewlines(complete);
    }
  } catch (cause) {
    if (cause instanceof ImportError) throw cause;
    throw new ImportError(`could not be read: ${cause instanceof Error ? cause.message : String(cause)}`, {
      code: 'DATASET_MISSING',
      file,
      cause,
    });
  }
  if (carry.length > 0) yield { text: decodeText(carry, file, options.encoding, line), firstLine: line };
}

/** Reads a file line by line (LF or CRLF), streaming, with 1-based line numbers. A final empty line is not yielded. */
export async function* readLines(file: string, options: TextReadOptions): AsyncGenerator<Line> {
  for await (const chunk of readTextChunks(file, options)) {
    const parts = chunk.text.split('\n');
    // A chunk ends with '\n' except at the end of a file without a final newline.
    const endsWithNewline = chunk.text.endsWith('\n');
    const count = endsWithNewline ? parts.length - 1 : parts.length;
    for (let i = 0; i < count; i++) {
      const raw = parts[i] ?? '';
      yield { text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, line: chunk.firstLine + i };
    }
  }
}
