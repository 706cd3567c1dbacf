import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/test-support/cli.js';
import { freePort } from '../../src/test-support/server-process.js';

export { freePort };

/** A demo staff account as printed once on the portal's first start. */
export interface StaffCredentials {
  town: string;
  email: string;
  password: string;
}

/** A portal process started for one test file, on its own port and empty data directory. */
export interface RunningPortal {
  port: number;
  /** Base URL of Musterstadt. `localhost`, not 127.0.0.1: Chromium keeps `Secure` cookies only on localhost names over http. */
  baseUrl: string;
  /** Base URL of the second demo town; Chromium resolves *.localhost to loopback by itself. */
  townUrl: (subdomain: string) => string;
  staff: StaffCredentials[];
  /** Finds the demo password for an e-mail address; throws when the portal did not print it. */
  credentialsFor: (email: string) => StaffCredentials;
  /** Everything the process wrote so far (stdout and stderr), for failure messages. */
  output: () => string;
  stop: () => Promise<void>;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs `npm run cli -- ...` on a portal's data directory (while that portal is stopped) and returns what it printed. */
export async function runCliOn(dataDir: string, args: string[], stdin = ''): Promise<string> {
  // The embedded database of the portal, as startPortal uses it, even when DATABASE_URL is set.
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  const { code, out, err } = await runCli(env, args, stdin);
  if (code !== 0) throw new Error(`cli ${args.join(' ')} failed:\n${out}${err}`);
  return out + err;
}

/** Reads the credentials table that follows "Demo staff accounts" on the first start. */
export function parseStaffCredentials(stdout: string): StaffCredentials[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex((l) => l.includes('Demo staff accounts'));
  if (start < 0) return [];
  const result: StaffCredentials[] = [];
  for (const line of lines.slice(start + 1)) {
    const m = line.match(/^\s+(\S(?:.*?\S)?)\s{2,}(\S+@\S+)\s+(\S+)\s*$/);
    if (!m) break;
    result.push({ town: m[1]!, email: m[2]!, password: m[3]! });
  }
  return result;
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`portal exited with code ${child.exitCode} before it was ready:\n${output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`portal not ready after ${timeoutMs} ms:\n${output()}`);
}

/**
 * Starts the real portal as `npm start` does (scripts/start.mjs) with demo data in a fresh temporary
 * DATA_DIR, waits for /readyz and captures the demo staff credentials from stdout.
 * The embedded database is used even when DATABASE_URL is set in the environment, so that
 * every run starts from the same empty state; set E2E_DATABASE_URL to test against PostgreSQL.
 */
export async function startPortal(options: { env?: Record<string, string>; port?: number; dataDir?: string } = {}): Promise<RunningPortal> {
  // A data directory passed in belongs to the caller (to start the same portal again) and is kept.
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'rathaus-e2e-')));
  const port = options.port ?? (await freePort());
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  delete env.SMTP_URL;
  delete env.BASE_URL;
  Object.assign(env, {
    DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    DEMO_DATA: 'true',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'development',
    // The journeys submit several applications from one address within a minute.
    SUBMISSION_RATE_LIMIT: '1000',
    ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
    ...options.env,
  });
  const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const output = () => `--- stdout ---\n${stdout}\n--- stderr ---\n${stderr}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Never leave a portal behind when the test process ends without calling stop().
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await waitUntilReady(`http://127.0.0.1:${port}/readyz`, child, output, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  // The table is printed before listen(), so it is complete once /readyz answers.
  const staff = parseStaffCredentials(stdout);
  return {
    port,
    baseUrl: `http://localhost:${port}`,
    townUrl: (subdomain) => `http://${subdomain}.localhost:${port}`,
    staff,
    credentialsFor(email) {
      const found = staff.find((s) => s.email === email);
      if (!found) throw new Error(`no demo credentials for ${email} in the portal output:\n${output()}`);
      return found;
    },
    output,
    stop,
  };
}
