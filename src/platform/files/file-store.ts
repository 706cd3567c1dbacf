import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import path from 'node:path';

/** Content-addressed store for uploads and generated documents. */
export interface FileStore {
  /** Stores bytes durably (written, fsync'ed, renamed into place) and returns their SHA-256. */
  put(bytes: Buffer): Promise<string>;
  /** Reads stored bytes by SHA-256. */
  get(sha256: string): Promise<Buffer>;
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
      const dirHandle = await open(path.dirname(target), 'r');
      try {
        await dirHandle.sync();
      } finally {
        await dirHandle.close();
      }
      return sha;
    },
    get: (sha) => readFile(pathOf(sha)),
  };
}
