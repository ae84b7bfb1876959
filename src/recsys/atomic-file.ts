/**
 * Replacing a file so a reader sees the old contents or the whole new ones, never half: the new bytes go to a temp
 * file beside the target, are fsynced, and the temp file is renamed over the target; then the folder is fsynced so
 * the rename survives a crash. The one place that writes "temp + fsync + rename".
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Writes `data` to `file` atomically (see the module comment); the folder must exist. */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await replaceFileAtomic(file, (tmp) => writeFile(tmp, data, { flag: 'wx' }));
}

/** Lets `write` produce the new contents at a temp path (a library that writes files itself), then moves them into place atomically. */
export async function replaceFileAtomic(file: string, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await write(tmp);
    await fsync(tmp);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await fsync(path.dirname(file)).catch(() => {
    // Some platforms cannot fsync a directory; the rename is still atomic.
  });
}

async function fsync(p: string): Promise<void> {
  const fh = await open(p, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
