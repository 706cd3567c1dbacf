import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import yauzl from 'yauzl';
import { hashPassword } from '../platform/auth/passwords.js';
import type { Db } from '../platform/db/database.js';
import { listOutbox } from '../platform/mail/mailer.js';
import { TestBrowser } from './browser.js';
import type { TestApp } from './app.js';

/** A confirmed citizen account made by createAccount, with what a test needs to sign it in. */
export interface TestAccount {
  id: string;
  email: string;
  password: string;
}

/** A confirmed account with a password (fictitious address), made directly in the database. */
export async function createAccount(db: Db, tenantId: string, options: { email?: string; password?: string } = {}): Promise<TestAccount> {
  const email = options.email ?? `buerger-${randomUUID().slice(0, 8)}@example.org`;
  const password = options.password ?? `Kastanienbaum am Marktplatz ${randomUUID().slice(0, 6)}`;
  const row = await db.transaction().execute(async (trx) => {
    await sql`select set_config('app.tenant_id', ${tenantId}, true)`.execute(trx);
    return trx
      .insertInto('accounts')
      .values({ tenant_id: tenantId, email, password_hash: await hashPassword(password), verified_at: new Date() })
      .returning('id')
      .executeTakeFirstOrThrow();
  });
  return { id: row.id, email, password };
}

/** Signs an account in with its password and checks the account page opens. */
export async function signInAccount(browser: TestBrowser, account: Pick<TestAccount, 'email' | 'password'>): Promise<void> {
  await browser.get('/konto/anmelden');
  const response = await browser.post('/konto/anmelden', { email: account.email, password: account.password });
  assert.equal(response.statusCode, 303, `sign-in of ${account.email}: ${response.body.slice(0, 300)}`);
  assert.equal((await browser.get('/konto')).statusCode, 200);
}

/** A new confirmed account of the town, signed in in a browser of its own. */
export async function signedInAccount(app: TestApp, tenantId: string, host: string): Promise<{ account: TestAccount; browser: TestBrowser }> {
  const account = await createAccount(app.database.db, tenantId);
  const browser = new TestBrowser(app.app, host);
  await signInAccount(browser, account);
  return { account, browser };
}

/** The path of the last link to `pathPrefix` mailed to an address in a town (after running due jobs). */
export async function mailedLink(db: Db, tenantId: string, to: string, pathPrefix: string): Promise<string | undefined> {
  const mails = (await listOutbox(db, 500)).filter((m) => m.to === to && m.tenantId === tenantId);
  for (const mail of mails) {
    const match = mail.text.match(new RegExp(`https?://[^/\\s]+(${pathPrefix.replace(/[/]/g, '\\/')}/[A-Za-z0-9_-]{43})`));
    if (match) return match[1];
  }
  return undefined;
}

/** The entries of a ZIP file by path (a real reader, not the writer under test). */
export async function readZip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, file) => (error ? reject(error) : resolve(file))));
  const entries = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => { entries.set(entry.fileName, Buffer.concat(chunks)); zip.readEntry(); });
        stream.on('error', reject);
      });
    });
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return entries;
}
