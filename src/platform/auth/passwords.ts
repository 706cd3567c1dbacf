import { hash, verify } from '@node-rs/argon2';

// OWASP's argon2id baseline (19 MiB, 2 iterations); verification stays well under 100 ms here.
const argonOptions = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;
// Verifying against this when there is no hash makes "no such account" take as long as "wrong password".
const dummyHash = hash('not-a-real-password', argonOptions);

/** Hashes a password with argon2id. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, argonOptions);
}

/**
 * Whether the password matches the hash; without a hash (unknown account, no password chosen)
 * a dummy is verified instead, so both answers take the same time, and the answer is false.
 */
export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  const ok = await verify(passwordHash ?? (await dummyHash), password).catch(() => false);
  return Boolean(passwordHash) && ok;
}
