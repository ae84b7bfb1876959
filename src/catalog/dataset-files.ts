/**
 * Finding a dataset's files: in the data folder (EARWORM_DATA_DIR, input only), else in an earlier download under
 * the state folder, else by downloading from the dataset's public source into the state folder. When none of that
 * works the error names the folder and the files to put there.
 */
import { createWriteStream } from 'node:fs';
import { access, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Logger } from '../logging/logger.ts';
import { extractTarGz, extractZip } from './archive.ts';
import { ImportError } from './import-error.ts';

/** How a dataset is published: one plain file, or an archive holding the files. */
interface DatasetDownload {
  readonly url: string;
  readonly kind: 'file' | 'zip' | 'tar.gz';
  /** For `file`: the name to save it as. For archives: maps a member path to the relative path to keep, or undefined. */
  readonly fileName?: string;
  readonly pick?: (memberPath: string) => string | undefined;
}

/** A dataset: its folder name, the files an import needs, and where it can be downloaded from (if anywhere). */
export interface DatasetSpec {
  /** Folder under the data folder, e.g. `lastfm-hetrec2011`. */
  readonly folder: string;
  /** The files to import, relative to the folder, if the folder holds a complete copy; else undefined. */
  findFiles(dir: string): Promise<string[] | undefined>;
  /** What to put in the folder, for the error message when nothing is found. */
  readonly expected: string;
  readonly download?: DatasetDownload;
  /** Why it cannot be downloaded, when `download` is absent. */
  readonly noDownloadReason?: string;
}

/** Where a dataset was found: its folder and the files to import (absolute paths, with labels for checkpoints). */
export interface DatasetLocation {
  readonly dir: string;
  readonly files: readonly { readonly path: string; readonly label: string }[];
  readonly downloaded: boolean;
}

/** What locating needs: both folders, the fetch to use (tests pass a fake) and a logger. */
interface LocateOptions {
  readonly dataDir: string;
  readonly home: string;
  readonly fetch?: typeof globalThis.fetch;
  /** False: never download, only say what to provide. */
  readonly downloads?: boolean;
  readonly logger: Logger;
  /** Give up a download after this long. */
  readonly downloadTimeoutMs?: number;
}

/** True when every one of `files` exists under `dir`. */
export async function allExist(dir: string, files: readonly string[]): Promise<boolean> {
  for (const f of files) {
    try {
      await access(path.join(dir, f));
    } catch {
      return false;
    }
  }
  return true;
}

/** Files in `dir` whose names match `re`, sorted naturally (slice 1000 after slice 999); [] if `dir` is missing. */
export async function matchingFiles(dir: string, re: RegExp): Promise<string[]> {
  try {
    const names = await readdir(dir);
    return names.filter((n) => re.test(n)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  } catch {
    return [];
  }
}

function toLocation(dir: string, folder: string, files: string[], downloaded: boolean): DatasetLocation {
  return { dir, downloaded, files: files.map((f) => ({ path: path.join(dir, f), label: `${folder}/${f}` })) };
}

/** Finds the dataset in the data folder or the download folder, downloading it there if needed. */
export async function locateDataset(spec: DatasetSpec, options: LocateOptions): Promise<DatasetLocation> {
  const dataDir = path.join(options.dataDir, spec.folder);
  const found = await spec.findFiles(dataDir);
  if (found !== undefined) return toLocation(dataDir, spec.folder, found, false);
  const downloadDir = path.join(options.home, 'datasets', spec.folder);
  const previous = await spec.findFiles(downloadDir);
  if (previous !== undefined) return toLocation(downloadDir, spec.folder, previous, true);

  const missing = (why: string, cause?: unknown) =>
    new ImportError(
      `The ${spec.folder} dataset is not in ${dataDir} and ${why}. Put ${spec.expected} in ${dataDir} (or set EARWORM_DATA_DIR to the folder that holds ${spec.folder}/), then run the import again.`,
      cause === undefined ? { code: 'DATASET_MISSING', file: dataDir } : { code: 'DATASET_MISSING', file: dataDir, cause },
    );
  if (spec.download === undefined) throw missing(spec.noDownloadReason ?? 'it cannot be downloaded');
  if (options.downloads === false) throw missing(`downloads are turned off (EARWORM_DOWNLOADS=off; its public source is ${spec.download.url})`);
  try {
    await download(spec.download, downloadDir, options);
  } catch (cause) {
    throw missing(`downloading it from ${spec.download.url} failed (${cause instanceof Error ? cause.message : String(cause)})`, cause);
  }
  const got = await spec.findFiles(downloadDir);
  if (got === undefined) throw missing(`the download from ${spec.download.url} did not contain the expected files`);
  return toLocation(downloadDir, spec.folder, got, true);
}

async function download(d: DatasetDownload, dir: string, options: LocateOptions): Promise<void> {
  const fetchFn = options.fetch ?? globalThis.fetch;
  await mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.download-${process.pid}.part`);
  options.logger.info({ url: d.url, dir }, 'downloading dataset');
  const res = await fetchFn(d.url, { signal: AbortSignal.timeout(options.downloadTimeoutMs ?? 10 * 60_000) });
  if (!res.ok || res.body === null) throw new Error(`HTTP ${res.status}`);
  try {
    await pipeline(Readable.fromWeb(res.body as WebReadableStream), createWriteStream(tmp));
    if (d.kind === 'file') {
      await rename(tmp, path.join(dir, d.fileName ?? path.basename(new URL(d.url).pathname)));
      return;
    }
    const pick = d.pick ?? ((m: string) => path.basename(m));
    const written = d.kind === 'zip' ? await extractZip(tmp, dir, pick) : await extractTarGz(tmp, dir, pick);
    if (written.length === 0) throw new Error('the archive held none of the expected files');
  } finally {
    await rm(tmp, { force: true });
  }
}
