import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';

/** Content-addressed store for uploads and generated documents. */
export interface FileStore {
  /** Stores bytes durably (written, fsync'ed, renamed into place) and returns their SHA-256. */
  put(bytes: Buffer): Promise<string>;
  /** Reads stored bytes by SHA-256. */
  get(sha256: string): Promise<Buffer>;
  /**
   * Removes stored bytes; nothing happens when they are gone already. The caller must know that no
   * row in any town still names them (the same bytes are stored once for everyone).
   */
  delete(sha256: string): Promise<void>;
}

/** A file store in a local directory; the same content is stored once. */
export async function createFileStore(dir: string): Promise<FileStore> {
  await mkdir(dir, { recursive: true });
  const pathOf = (sha: string) => {
    if (!/^[0-9a-f]{64}$/.test(sha)) throw new Error('invalid file address');
    return path.join(dir, sha.slice(0, 2), sha);
  };
  return {
    async put(bytes) {
      const sha = createHash('sha256').update(bytes).digest('hex');
      const target = pathOf(sha);
      if (await stat(target).then(() => true, () => false)) return sha;
      await mkdir(path.dirname(target), { recursive: true });
      const partial = `${target}.${randomBytes(6).toString('hex')}.partial`;
      const handle = await open(partial, 'wx');
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(partial, target);
      // The rename is durable only once the directory entry is on disk too.
      await syncDirectory(path.dirname(target));
      return sha;
    },
    get: (sha) => readFile(pathOf(sha)),
    async delete(sha) {
      const target = pathOf(sha);
      try {
        await unlink(target);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw error;
      }
      await syncDirectory(path.dirname(target));
    },
  };
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
