import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The steps of an atomic replace, in order; a crash between any two leaves the old or the new file. */
export const WRITE_STEPS = ['open-temp', 'write-temp', 'sync-temp', 'close-temp', 'rename', 'sync-dir'] as const;
export type WriteStep = (typeof WRITE_STEPS)[number];

export interface AtomicWriteOptions {
  /** File mode of the new file. Default 0o600 (owner read/write only). */
  mode?: number;
  /** Runs before each step. Lets a test stop the process at any step of a write. */
  beforeStep?: (step: WriteStep) => void | Promise<void>;
}

/**
 * Replaces `path` with `data` so that readers (and the next process, after a crash at any
 * instant) see either the old content or the new, never a mix or nothing: write a
 * temporary file in the same directory, fsync it, rename it over the target (atomic on
 * POSIX), then fsync the directory so the rename itself is durable.
 */
export async function writeFileAtomically(path: string, data: string | Buffer, options: AtomicWriteOptions = {}): Promise<void> {
  const step = options.beforeStep ?? (() => undefined);
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  let renamed = false;
  try {
    await step('open-temp');
    const file = await open(temp, 'wx', options.mode ?? 0o600);
    try {
      await step('write-temp');
      await file.writeFile(data);
      await step('sync-temp');
      await file.sync();
      await step('close-temp');
    } finally {
      await file.close();
    }
    await step('rename');
    await rename(temp, path);
    renamed = true;
    await step('sync-dir');
    await syncDirectory(dirname(path));
  } finally {
    if (!renamed) await unlink(temp).catch(() => undefined);
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some filesystems cannot fsync a directory; the rename is still atomic there.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL' && (error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
  } finally {
    await handle.close();
  }
}
