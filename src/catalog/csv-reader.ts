/**
 * Streaming CSV records with line numbers (csv-parse over the checked UTF-8 text of `readTextChunks`), mapped by
 * header name, so that an importer sees `{ record, line }` and every structural problem becomes an ImportError.
 */
import { CsvError, parse } from 'csv-parse';
import { ImportError } from './import-error.ts';
import { readTextChunks, type TextReadOptions } from './text-reader.ts';

/** One CSV data row as a map from header name to raw text, with the 1-based line it ends on. */
interface CsvRow {
  readonly fields: ReadonlyMap<string, string>;
  readonly line: number;
}

/** Options for `readCsv`: the columns the format must have, and the text options. */
interface CsvReadOptions extends TextReadOptions {
  /** Header names that must be present; a file without one of them fails on line 1. */
  readonly requiredColumns: readonly string[];
}

function lineOf(err: CsvError): number | undefined {
  const lines = (err as unknown as { lines?: unknown }).lines;
  return typeof lines === 'number' ? lines : undefined;
}

type Parsed = { record: string[]; info: { lines: number } };

/**
 * Feeds the file's text to csv-parse and yields its records in order. Records are queued by hand rather than read
 * through the stream's async iterator: that iterator drops records still buffered when the parser fails, and the
 * rows before a truncated or mis-encoded line must reach the database before the error does.
 */
async function* parseRecords(file: string, options: TextReadOptions): AsyncGenerator<Parsed> {
  const parser = parse({ info: true, bom: true, skip_empty_lines: true });
  const queue: Parsed[] = [];
  let head = 0;
  let parseError: unknown;
  let readError: unknown;
  let ended = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  parser.on('data', (item: Parsed) => {
    queue.push(item);
    if (queue.length - head > 20_000) parser.pause();
    notify();
  });
  parser.on('error', (err) => {
    parseError = err;
    notify();
  });
  parser.on('end', () => {
    ended = true;
    notify();
  });
  const feed = (async () => {
    try {
      for await (const chunk of readTextChunks(file, options)) {
        if (parseError !== undefined) return;
        if (!parser.write(chunk.text)) await new Promise<void>((resolve) => parser.once('drain', () => resolve()));
      }
    } catch (err) {
      readError = err;
    } finally {
      if (parseError === undefined) parser.end();
    }
  })();
  try {
    for (;;) {
      if (head < queue.length) {
        const item = queue[head++]!;
        if (head > 10_000) {
          queue.splice(0, head);
          head = 0;
        }
        if (parser.isPaused() && queue.length - head < 5_000) parser.resume();
        yield item;
        continue;
      }
      if (readError !== undefined) throw readError;
      if (parseError !== undefined) throw parseError;
      if (ended) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    parser.destroy();
    await feed.catch(() => {});
  }
}

/** Streams the rows of a CSV file with a header line; a truncated or malformed file fails naming file and line. */
export async function* readCsv(file: string, options: CsvReadOptions): AsyncGenerator<CsvRow> {
  let header: string[] | undefined;
  try {
    for await (const item of parseRecords(file, options)) {
      if (header === undefined) {
        header = item.record;
        const missing = options.requiredColumns.filter((c) => !header!.includes(c));
        if (missing.length > 0) {
          throw new ImportError(`is missing the column(s) ${missing.join(', ')}; is this the right file?`, {
            code: 'BAD_CSV',
            file,
            line: 1,
          });
        }
        continue;
      }
      const fields = new Map<string, string>();
      for (let i = 0; i < header.length; i++) fields.set(header[i]!, item.record[i] ?? '');
      yield { fields, line: item.info.lines };
    }
  } catch (cause) {
    if (cause instanceof ImportError) throw cause;
    if (cause instanceof CsvError) {
      const line = lineOf(cause);
      throw new ImportError(
        `is not well-formed CSV (${cause.code}); the file may be truncated or damaged. Replace it with a complete copy and run the import again: it resumes.`,
        line === undefined ? { code: 'BAD_CSV', file, cause } : { code: 'BAD_CSV', file, line, cause },
      );
    }
    throw cause;
  }
}
