/**
 * `npm run bench` — measures Rathaus against its ceilings in one run (see docs/performance.md).
 *
 *   npm run bench -- [--duration 10] [--warmup 3] [--connections 50] [--rounds 1]
 *                    [--only pg|pglite] [--log-level info] [--json results.json] [--keep]
 *                    [--wait-quiet 0]   (seconds to wait, before each load, for other processes to go quiet)
 *
 * For each engine (PostgreSQL, then PGlite) it starts the real server as `npm start` does (`node scripts/start.mjs`
 * with the environment the start script sets) on
 * a fresh database, measures the first start and a restart, then loads, with autocannon on
 * 127.0.0.1, one after the other: a bare Fastify route (2 KB HTML, the ceiling for pages), the
 * catalog page, the search page (rotating terms), the search page with a cache miss on every
 * request (for information), a bare validated single-row INSERT route (the ceiling for writes)
 * and the JSON submission of Kontakt/Beschwerde; then the appointments of issue 5 on the demo
 * town's Bürgerbüro made 10 counters open 8 weeks ahead: the free-slot search and holds of distinct
 * slots (booking form POSTs, each from its own address). The baselines run in child processes of
 * their own, like the server, so every server gets the same share of the machine as the load generator.
 *
 * PostgreSQL: the server named by DATABASE_URL (default postgres://postgres@127.0.0.1:5432); a
 * scratch database `rathaus_bench` is created on it and dropped afterwards, never an existing one.
 * PGlite: a fresh temporary DATA_DIR; the raw-insert baseline uses a SEPARATE PGlite instance in
 * its own process and temporary directory (an embedded database belongs to one process).
 *
 * Besides req/s, p50 and p99 each row reports the measured server process's CPU time per response
 * (and, for the database rows on PostgreSQL, that of all postgres processes), its resident memory,
 * the load generator's CPU and how much CPU other processes took meanwhile (a disturbed row is
 * flagged). After each submission load the script waits until the server has sent the queued mail
 * jobs, then checks that every 201 stands for a committed submission, case, audit entry and job.
 *
 * A measurement that saw any non-2xx response, socket error or timeout is INVALID and makes the
 * script exit 1; missed targets are results, printed as FAIL. Everything started here is stopped
 * again, also on Ctrl-C and when the overall time limit runs out. `--help` prints this text.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { freeSlots } from '../src/modules/appointments/slots.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const self = fileURLToPath(import.meta.url);
const scratchDatabase = 'rathaus_bench';
const submissionPath = '/api/v1/services/kontakt-beschwerde/submissions';

// ---------------------------------------------------------------------------------------------
// The request bodies (shared by the submission and the raw-insert baseline: same bytes, same parse)
// ---------------------------------------------------------------------------------------------

/** A Kontakt/Beschwerde submission of about 3 KB of JSON (step and field ids from its form.yaml). */
function submissionBody(): string {
  const sentence =
    'Seit mehreren Wochen wird der Gehweg vor den Häusern Lindenstraße 10 bis 14 nicht mehr gereinigt. ' +
    'Laub, Glasscherben und Müll häufen sich, und bei Regen ist der Weg für ältere Menschen, ' +
    'Rollstuhlfahrer und Familien mit Kinderwagen kaum noch passierbar. ';
  const body = (nachricht: string) => JSON.stringify({
    answers: {
      anliegen: { art: 'beschwerde', betreff: 'Gehweg Lindenstraße wird nicht gereinigt', nachricht },
      kontakt: { email: 'bench@example.org', antwortErwuenscht: false },
    },
  });
  let text = 'Sehr geehrte Damen und Herren, ';
  while (Buffer.byteLength(body(text + sentence)) <= 3072) text += sentence;
  return body(text.trimEnd());
}

/** JSON Schema of that body for the raw-insert baseline (as strict as a real route would be). */
const submissionSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['answers'],
  properties: {
    answers: {
      type: 'object',
      additionalProperties: false,
      required: ['anliegen', 'kontakt'],
      properties: {
        anliegen: {
          type: 'object',
          additionalProperties: false,
          required: ['art', 'betreff', 'nachricht'],
          properties: {
            art: { type: 'string', enum: ['frage', 'anregung', 'lob', 'beschwerde'] },
            betreff: { type: 'string', minLength: 1, maxLength: 150 },
            nachricht: { type: 'string', minLength: 1, maxLength: 5000 },
          },
        },
        kontakt: {
          type: 'object',
          additionalProperties: false,
          required: ['email', 'antwortErwuenscht'],
          properties: {
            name: { type: 'string', maxLength: 140 },
            email: { type: 'string', format: 'email', maxLength: 254 },
            antwortErwuenscht: { type: 'boolean' },
          },
        },
      },
    },
  },
} as const;

/** 2 KB of fixed HTML for the bare route. */
function bareHtml(): string {
  const head = '<!doctype html><html lang="de"><head><meta charset="utf-8"><title>Bare</title></head><body><main><h1>Bare</h1>';
  const tail = '</main></body></html>';
  const para = '<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.</p>';
  let html = head;
  while (Buffer.byteLength(html + para + tail) <= 2048) html += para;
  return (html + tail).padEnd(2048, ' ');
}

// ---------------------------------------------------------------------------------------------
// Child mode: the baseline servers (`bench.ts --serve-baseline bare|raw-pg|raw-pglite`)
// ---------------------------------------------------------------------------------------------

async function serveBaseline(kind: string, port: number, target: string): Promise<void> {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  let closeDb: () => Promise<void> = async () => {};
  if (kind === 'bare') {
    const html = bareHtml();
    app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(html));
  } else if (kind === 'raw-pg' || kind === 'raw-pglite') {
    let insert: (json: string) => Promise<unknown>;
    if (kind === 'raw-pg') {
      const { default: pg } = await import('pg');
      const pool = new pg.Pool({ connectionString: target, max: 10 });
      await pool.query('create table if not exists bench_raw (id bigserial primary key, body jsonb not null)');
      insert = async (json) => (await pool.query<{ id: string }>('insert into bench_raw (body) values ($1) returning id', [json])).rows[0]!.id;
      closeDb = () => pool.end();
    } else {
      // Configured as the portal's, so the ratio compares the app with the same database.
      const { openPglite } = await import('../src/platform/db/database.js');
      const pglite = await openPglite(target);
      await pglite.exec('create table if not exists bench_raw (id bigserial primary key, body jsonb not null)');
      insert = async (json) => (await pglite.query<{ id: string }>('insert into bench_raw (body) values ($1) returning id', [json])).rows[0]!.id;
      closeDb = () => pglite.close();
    }
    app.post('/', { schema: { body: submissionSchema } }, async (request, reply) => {
      const id = await insert(JSON.stringify(request.body));
      return reply.code(201).send({ id });
    });
  } else {
    throw new Error(`unknown baseline ${kind}`);
  }
  await app.listen({ port, host: '127.0.0.1' });
  process.stdout.write('READY\n');
  const stop = async () => {
    await app.close();
    await closeDb();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

// ---------------------------------------------------------------------------------------------
// Processes: spawn detached (own process group), stop by pid, never leave anything behind
// ---------------------------------------------------------------------------------------------

interface Child {
  name: string;
  proc: ChildProcess;
  exited: Promise<number | null>;
  /** The process that actually serves (the node process holding the port). */
  serverPid?: number;
}

const children = new Set<Child>();
const tempDirs = new Set<string>();
const finalizers: Array<() => Promise<void>> = [];
let currentLoad: autocannon.Instance | undefined;
let aborting = false;

function spawnChild(name: string, command: string, args: string[], options: { env: NodeJS.ProcessEnv; stdio: ('ignore' | 'pipe' | 'inherit' | number)[] }): Child {
  const proc = spawn(command, args, { cwd: root, env: options.env, stdio: options.stdio as never, detached: true });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const child: Child = { name, proc, exited };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the serving process (so it shuts down gracefully, once), SIGKILL to the group if it hangs. */
async function stopChild(child: Child, graceMs = 15_000): Promise<{ graceful: boolean; code: number | null }> {
  const pgid = child.proc.pid!;
  let graceful = true;
  if (child.proc.exitCode === null && child.proc.signalCode === null) {
    try {
      process.kill(child.serverPid ?? pgid, 'SIGTERM');
    } catch { /* already gone */ }
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([child.exited, timer])) === 'timeout') {
      graceful = false;
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch { /* already gone */ }
    }
  }
  const code = await child.exited;
  // Helpers the tree may have left (esbuild's service process): they are in our group.
  for (let i = 0; i < 50 && groupAlive(pgid); i++) await sleep(20);
  if (groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch { /* gone */ }
  }
  return { graceful, code };
}

async function cleanUp(): Promise<void> {
  try {
    currentLoad?.stop();
  } catch { /* not running */ }
  await Promise.all([...children].map((c) => stopChild(c, 5_000)));
  for (const finalize of finalizers.splice(0).reverse()) {
    try {
      await finalize();
    } catch (error) {
      console.error(`clean-up step failed: ${(error as Error).message}`);
    }
  }
  if (!options.keep) for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
}

let abortedAt = 0;

async function abort(reason: string, code: number): Promise<never> {
  // Ctrl-C reaches this process twice (from the terminal and relayed by the tsx wrapper): only a
  // second interrupt a moment later means "do not wait".
  if (aborting && performance.now() - abortedAt < 1500) return new Promise<never>(() => {});
  if (aborting) {
    // Second Ctrl-C: do not wait for anything any more.
    for (const c of children) try { process.kill(-c.proc.pid!, 'SIGKILL'); } catch { /* gone */ }
    process.exit(code);
  }
  aborting = true;
  abortedAt = performance.now();
  console.error(`\n${reason} — stopping everything this bench started …`);
  await cleanUp();
  process.exit(code);
}

process.on('exit', () => {
  for (const c of children) try { process.kill(-c.proc.pid!, 'SIGKILL'); } catch { /* gone */ }
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits (up to maxSeconds) until the machine is quiet: less than 10 % of its CPU capacity busy over
 * one second. Called between loads, when nothing of ours is working, so what it sees is other people's.
 */
/**
 * Waits until the app server (and PostgreSQL) have nothing left to do, e.g. the mail jobs a submission
 * load queued; returns the seconds it took. Gives up after maxSeconds.
 */
async function waitIdle(serverPid: number, maxSeconds: number, pendingJobs?: () => Promise<number>): Promise<{ seconds: number; idle: boolean }> {
  const started = performance.now();
  while ((performance.now() - started) / 1000 < maxSeconds) {
    const server = cpuSecondsOf(serverPid);
    await sleep(500);
    const quiet = cpuSecondsOf(serverPid) - server < 0.025;
    if (quiet && (!pendingJobs || (await pendingJobs()) === 0)) return { seconds: (performance.now() - started) / 1000, idle: true };
  }
  return { seconds: maxSeconds, idle: false };
}

async function waitQuiet(maxSeconds: number): Promise<number> {
  if (maxSeconds <= 0) return 0;
  const started = performance.now();
  while ((performance.now() - started) / 1000 < maxSeconds) {
    const before = machineBusySeconds();
    await sleep(1000);
    if ((machineBusySeconds() - before) / os.cpus().length < 0.1) break;
  }
  return (performance.now() - started) / 1000;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// /proc: which process listens, its memory and CPU
// ---------------------------------------------------------------------------------------------

const clockTicks = 100; // USER_HZ on Linux (getconf CLK_TCK)

function descendants(pid: number): number[] {
  const out: number[] = [];
  const walk = (p: number) => {
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${p}/task`);
    } catch {
      return;
    }
    for (const task of tasks) {
      let kids = '';
      try {
        kids = readFileSync(`/proc/${p}/task/${task}/children`, 'utf8');
      } catch { /* gone */ }
      for (const k of kids.split(' ').filter(Boolean).map(Number)) {
        out.push(k);
        walk(k);
      }
    }
  };
  walk(pid);
  return out;
}

function listeningSocketInode(port: number): string | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length > 9 && cols[1]!.endsWith(`:${hexPort}`) && cols[3] === '0A') return cols[9];
    }
  }
  return undefined;
}

/** The process in the child's tree that holds the listening socket on port. */
function findServingPid(rootPid: number, port: number): number | undefined {
  const inode = listeningSocketInode(port);
  if (!inode) return undefined;
  for (const pid of [rootPid, ...descendants(rootPid)]) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid;
      } catch { /* closed meanwhile */ }
    }
  }
  return undefined;
}

function memoryOf(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
}

/** User + system CPU seconds a process has used so far. */
function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return 0;
  }
}

/** CPU seconds of every PostgreSQL server process on this machine, by pid (best effort). */
function postgresCpu(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') out.set(Number(entry), cpuSecondsOf(Number(entry)));
    } catch { /* gone */ }
  }
  return out;
}

/** Busy CPU seconds of the whole machine so far (all cores, from /proc/stat). */
function machineBusySeconds(): number {
  const cols = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: busy is everything but idle and iowait.
  const busy = cols.slice(0, 8).reduce((s, v, i) => (i === 3 || i === 4 ? s : s + v), 0);
  return busy / clockTicks;
}

function postgresCpuSince(before: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of postgresCpu()) total += seconds - (before.get(pid) ?? 0);
  return total;
}

// ---------------------------------------------------------------------------------------------
// Starting the servers
// ---------------------------------------------------------------------------------------------

interface AppProcess {
  child: Child;
  port: number;
  logFile: string;
  /** From spawn until GET /readyz answered 200. */
  wallMs: number;
  /** The startupMs field of the server's "Rathaus is ready" log line. */
  reportedMs: number | undefined;
}

async function waitForReady(child: Child, url: string, timeoutMs: number, logFile?: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null) {
      throw new Error(`${child.name} exited (code ${child.proc.exitCode ?? child.proc.signalCode}) before it was ready${logFile ? `:\n${tail(logFile)}` : ''}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch { /* not listening yet */ }
    await sleep(10);
  }
  throw new Error(`${child.name} was not ready after ${timeoutMs / 1000} s${logFile ? `:\n${tail(logFile)}` : ''}`);
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

function readyLine(logFile: string): { startupMs?: number } | undefined {
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { msg?: string; startupMs?: number };
      if (entry.msg === 'Rathaus is ready') return entry;
    } catch { /* not JSON */ }
  }
  return undefined;
}

/**
 * `npm start` as package.json spells it, `[NAME=value …] node <args>`: the server is started with the
 * same arguments and environment (the malloc setting, docs/performance.md), but without npm and a
 * shell in between, so their start-up time is not counted.
 */
function npmStart(): { args: string[]; env: Record<string, string> } {
  const script = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
  const words = script.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (/^[A-Za-z_]\w*=/.test(words[0] ?? '')) {
    const [name, ...value] = words.shift()!.split('=');
    env[name!] = value.join('=');
  }
  if (words.shift() !== 'node' || words.some((w) => /[$'"`|&;<>]/.test(w))) throw new Error(`cannot run the start script without a shell: ${script}`);
  return { args: words, env };
}

async function startApp(label: string, env: NodeJS.ProcessEnv, logFile: string): Promise<AppProcess> {
  const port = await freePort();
  const fd = openSync(logFile, 'a');
  const started = performance.now();
  const start = npmStart();
  const child = spawnChild(`server (${label})`, process.execPath, start.args, {
    env: { ...env, ...start.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  await waitForReady(child, `http://127.0.0.1:${port}/readyz`, 60_000, logFile);
  const wallMs = performance.now() - started;
  let ready = readyLine(logFile);
  for (let i = 0; i < 100 && !ready; i++) {
    await sleep(20);
    ready = readyLine(logFile);
  }
  child.serverPid = findServingPid(child.proc.pid!, port);
  if (!child.serverPid) throw new Error(`could not find the process listening on port ${port}`);
  return { child, port, logFile, wallMs, reportedMs: ready?.startupMs };
}

async function startBaseline(kind: 'bare' | 'raw-pg' | 'raw-pglite', target: string): Promise<{ child: Child; port: number }> {
  const port = await freePort();
  const child = spawnChild(`baseline ${kind}`, process.execPath, ['--import', 'tsx', self, '--serve-baseline', kind, String(port), target], {
    // The raw PGlite insert runs with the portal's malloc setting too: same database, same allocator.
    env: { ...process.env, ...(kind === 'raw-pglite' ? npmStart().env : {}) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`${child.name} did not start within 60 s`)), 60_000);
    child.proc.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('READY')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${child.name} exited with ${code} before it was ready`));
    });
  });
  child.serverPid = child.proc.pid!;
  return { child, port };
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------

interface Load {
  port: number;
  method?: 'GET' | 'POST';
  path?: string;
  body?: string;
  requests?: autocannon.Request[];
  /** The status every response must have (default: any 2xx). */
  expect?: number;
}

interface Measurement {
  reqPerSec: number;
  p50: number;
  p99: number;
  responses: number;
  created: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  serverCpuUsPerReq?: number;
  postgresCpuUsPerReq?: number;
  /** Share of the machine's CPU capacity during the measured run used by processes this bench did not start. */
  foreignCpuShare: number;
  /** CPU cores the load generator (autocannon, in this process) used during the measured run. */
  loadGeneratorCores: number;
  /** Resident memory of the measured server right after the row. */
  serverRssMb?: number;
}

function runLoad(load: Load, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon({
      url: `http://127.0.0.1:${load.port}${load.path ?? '/'}`,
      method: load.method ?? 'GET',
      connections: options.connections,
      pipelining: 1,
      duration: seconds,
      timeout: 10,
      // Page loads ask for compression as every browser does (the app's page cache answers with Brotli).
      ...(load.body ? { body: load.body, headers: { 'content-type': 'application/json' } } : { headers: { 'accept-encoding': 'gzip, deflate, br' } }),
      ...(load.requests ? { requests: load.requests } : {}),
    }, (error, result) => {
      currentLoad = undefined;
      if (error) reject(error);
      else resolve(result);
    });
    currentLoad = instance;
  });
}

function statusCounts(result: autocannon.Result): Record<string, number> {
  return Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, s.count ?? 0]));
}

async function measure(load: Load, serverPid: number, withPostgres: boolean): Promise<Measurement> {
  await waitQuiet(options.waitQuiet);
  const warm = await runLoad(load, options.warmup);
  // Every PostgreSQL process is sampled (not only for the database rows) to tell our load from other people's.
  const pgBefore = postgresCpu();
  const cpuBefore = cpuSecondsOf(serverPid);
  const selfBefore = process.cpuUsage();
  const machineBefore = machineBusySeconds();
  const started = performance.now();
  const result = await runLoad(load, options.duration);
  const wallSeconds = (performance.now() - started) / 1000;
  const serverCpu = cpuSecondsOf(serverPid) - cpuBefore;
  const selfCpu = (({ user, system }) => (user + system) / 1e6)(process.cpuUsage(selfBefore));
  const allPgCpu = postgresCpuSince(pgBefore);
  const foreignCpu = machineBusySeconds() - machineBefore - serverCpu - selfCpu - allPgCpu;
  const pgCpu = withPostgres ? allPgCpu : undefined;
  const statusCodes = statusCounts(warm);
  for (const [code, n] of Object.entries(statusCounts(result))) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  const responses = result['2xx'] + result.non2xx;
  return {
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    responses,
    created: (statusCodes['201'] ?? 0),
    non2xx: Object.entries(statusCodes).filter(([code]) => (load.expect ? code !== String(load.expect) : !code.startsWith('2'))).reduce((sum, [, n]) => sum + n, 0),
    errors: warm.errors + result.errors,
    timeouts: warm.timeouts + result.timeouts,
    statusCodes,
    serverCpuUsPerReq: responses > 0 ? (serverCpu * 1e6) / responses : undefined,
    postgresCpuUsPerReq: pgCpu !== undefined && responses > 0 ? (pgCpu * 1e6) / responses : undefined,
    foreignCpuShare: Math.max(0, foreignCpu) / (wallSeconds * os.cpus().length),
    loadGeneratorCores: selfCpu / wallSeconds,
    serverRssMb: memoryOf(serverPid).rssMb,
  };
}

const searchTerms = [
  'hund', 'hundesteur', 'anmeldung', 'sperrmüll', 'meldebescheinigung', 'gewerbe',
  'anmeldungen', 'personalausweis', 'kita', 'wohngeld', 'beschwerde', 'bauantrag',
];

function searchRequests(): autocannon.Request[] {
  return searchTerms.map((term) => ({ method: 'GET', path: `/leistungen?q=${encodeURIComponent(term)}` }));
}

/**
 * Searches that miss the rendered-page cache: terms of 10 letters or more, each written in another
 * mix of upper and lower case (1,024 or more spellings each). The search ignores case, the cache
 * (keyed by the query as typed, at most 5,000 pages) does not, so every page is rendered anew. An
 * extra parameter would not do: the cache key leaves unknown parameters out.
 */
function searchMissRequests(): autocannon.Request[] {
  const terms = searchTerms.filter((term) => term.length >= 10);
  let n = 0;
  const spelled = (term: string, pattern: number) => [...term].map((c, i) => ((pattern >> i) & 1 ? c.toUpperCase() : c)).join('');
  return [{
    method: 'GET',
    setupRequest: (request) => {
      const term = terms[n % terms.length]!;
      return { ...request, path: `/leistungen?q=${encodeURIComponent(spelled(term, Math.floor(n++ / terms.length)))}` };
    },
  }];
}

// ---------------------------------------------------------------------------------------------
// Appointments (issue 5): a citizens' office with 10 counters, booked 8 weeks ahead
// ---------------------------------------------------------------------------------------------

const bookedService = 'meldebescheinigung';
const benchCounters = 10;
/** Opening hours of the bench's office: every day 06:00–22:00, so 3 rounds of holds find free slots. */
const benchOpens = '06:00';
const benchCloses = '22:00';

/**
 * Gives the demo town's Bürgerbüro 10 counters and long opening hours, on the stopped server's
 * database (superuser, so row-level security does not apply); returns the location and its rules.
 */
async function prepareAppointments(engine: Engine, target: string): Promise<{ locationId: string; minutes: number; horizonDays: number; leadMinutes: number; slotMinutes: number; holidayRegion: string; resourceIds: string[] }> {
  const location = `(select l.id from appointment_locations l join tenants t on t.id = l.tenant_id where t.slug = 'musterstadt' order by l.name limit 1)`;
  const statements = [
    `insert into appointment_resources (tenant_id, location_id, name)
       select l.tenant_id, l.id, 'Bench-Schalter ' || n from appointment_locations l, generate_series(1, ${benchCounters}) n
       where l.id = ${location} and (select count(*) from appointment_resources r where r.location_id = l.id) + n <= ${benchCounters}`,
    `delete from appointment_opening_hours where location_id = ${location}`,
    `insert into appointment_opening_hours (tenant_id, location_id, weekday, opens, closes)
       select l.tenant_id, l.id, d, '${benchOpens}', '${benchCloses}' from appointment_locations l, generate_series(1, 7) d where l.id = ${location}`,
  ];
  const read = `select l.id, l.horizon_days, l.lead_minutes, l.slot_minutes, l.holiday_region,
                       (select minutes from appointment_location_services o where o.location_id = l.id and o.service_id = '${bookedService}') as minutes,
                       (select array_agg(r.id::text) from appointment_resources r where r.location_id = l.id and r.deactivated_at is null) as resources
                from appointment_locations l where l.id = ${location}`;
  type Read = { id: string; minutes: number; horizon_days: number; lead_minutes: number; slot_minutes: number; holiday_region: string; resources: string[] };
  const row = (await queryStoppedDatabase<Read>(engine, target, [...statements, read])).at(-1)![0];
  if (!row || row.resources.length !== benchCounters) throw new Error(`the demo town's appointment location could not be given ${benchCounters} counters`);
  return { locationId: row.id, minutes: row.minutes, horizonDays: row.horizon_days, leadMinutes: row.lead_minutes, slotMinutes: row.slot_minutes, holidayRegion: row.holiday_region, resourceIds: row.resources };
}

/** Every (slot start, counter) the office offers for the booked service, by the app's own slot computation. */
function bookableSlots(office: Awaited<ReturnType<typeof prepareAppointments>>): string[] {
  const days = freeSlots({
    holidayRegion: office.holidayRegion as Parameters<typeof freeSlots>[0]['holidayRegion'],
    openingHours: Array.from({ length: 7 }, (_, i) => ({ weekday: i + 1, opens: benchOpens, closes: benchCloses })),
    closures: [], horizonDays: office.horizonDays,
    // An hour more lead than the office's, so no slot runs out of the window during the bench.
    leadMinutes: office.leadMinutes + 60, slotMinutes: office.slotMinutes, resourceIds: office.resourceIds,
  }, [], { minutes: office.minutes, now: new Date() });
  return days.flatMap((d) => d.slots.flatMap((slot) => slot.resourceIds.map(() => slot.start.toISOString())));
}

/** A browser session on the booking form (cookie and CSRF token), as a citizen has one before sending. */
async function bookingSession(port: number, path: string): Promise<{ cookie: string; csrf: string }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  const html = await response.text();
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('__Host-rathaus='))?.split(';')[0];
  const csrf = html.match(/name="_csrf" value="([^"]+)"/)?.[1];
  if (response.status !== 200 || !cookie || !csrf) throw new Error(`GET ${path} answered ${response.status} without a session and form`);
  return { cookie, csrf };
}

const bookingPath = (locationId: string, start: string) => `/termine/buchen?ort=${locationId}&beginn=${encodeURIComponent(start)}&p_${bookedService}=1`;

/**
 * Holds of distinct slots: each connection has its own session, each request the next free
 * (slot, counter) and its own client address (the hold is rate limited per address, and the
 * server trusts X-Forwarded-For in the bench). A held slot answers 303 to the "check your mail" page.
 */
function bookingRequests(locationId: string, slots: string[], sessions: Array<{ cookie: string; csrf: string }>, next: { n: number; connection: number }): autocannon.Request[] {
  return [{
    method: 'POST',
    setupRequest: (request, context) => {
      const connection = context as { session?: { cookie: string; csrf: string } };
      const session = (connection.session ??= sessions[next.connection++ % sessions.length]!);
      const i = next.n++;
      return {
        ...request,
        path: bookingPath(locationId, slots[i % slots.length]!),
        headers: { ...request.headers, cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
        body: new URLSearchParams({ _csrf: session.csrf, name: `Bench Person ${i}`, email: `bench-${i}@example.org` }).toString(),
      };
    },
  }];
}

// ---------------------------------------------------------------------------------------------
// One engine
// ---------------------------------------------------------------------------------------------

type Engine = 'pg' | 'pglite';

interface Row {
  key: 'bare' | 'catalog' | 'search' | 'searchMiss' | 'rawInsert' | 'submission' | 'slots' | 'booking';
  label: string;
  m?: Measurement;
  /** Why the row has no measurement. */
  missing?: string;
}

interface EngineResult {
  engine: Engine;
  description: string;
  rounds: Row[][];
  rows: Row[];
  firstStart: { wallMs: number; reportedMs?: number };
  restart: { wallMs: number; reportedMs?: number };
  memory?: { rssMb: number; peakRssMb: number };
  /** After the rows of issue 2 (pages, raw insert, submission) in the last round, before the appointment rows. */
  foundationMemory?: { rssMb: number; peakRssMb: number };
  committed?: { submissions: number; cases: number; audit: number; jobs: number; created: number };
  shutdown?: { graceful: boolean; code: number | null };
  /** How long the server stayed busy after each submission load (draining the mail-job backlog). */
  drains: Array<{ seconds: number; idle: boolean }>;
  problems: string[];
  warnings: string[];
}

/** Per row: a ratio to a ceiling (a target when `ratio` is set, else for information) and a p99 bound. */
const targets: Partial<Record<Row['key'], { ratio?: number; of?: 'bare' | 'rawInsert'; p99?: number }>> = {
  catalog: { ratio: 0.3, of: 'bare', p99: 50 },
  search: { ratio: 0.2, of: 'bare', p99: 50 },
  submission: { ratio: 0.5, of: 'rawInsert', p99: 100 },
  // Issue 5: the free-slot search of a location with 10 counters over 8 weeks; holds beside the raw insert.
  slots: { p99: 30 },
  booking: { of: 'rawInsert' },
};
const startupTargets = { firstStartMs: 3000, restartMs: 1500, rssMb: 250 };

async function postgresAdmin(): Promise<{ serverUrl: URL; query: (text: string) => Promise<void>; databaseUrl: string; close: () => Promise<void> }> {
  const { default: pg } = await import('pg');
  const serverUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const adminUrl = new URL(serverUrl);
  adminUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${scratchDatabase}`;
  return {
    serverUrl,
    databaseUrl: databaseUrl.toString(),
    query: async (text) => void (await client.query(text)),
    close: () => client.end(),
  };
}

async function countCommitted(engine: Engine, target: string): Promise<{ submissions: number; cases: number; audit: number; jobs: number }> {
  // Superuser connection: row-level security does not hide rows from it.
  const sqlText = `select (select count(*) from submissions where service_id = 'kontakt-beschwerde')::int as submissions,
                          (select count(*) from cases where service_id = 'kontakt-beschwerde')::int as cases,
                          (select count(*) from audit_log where action = 'submission.created')::int as audit,
                          (select count(*) from jobs where kind = 'mail.submission-received')::int as jobs`;
  type Counts = { submissions: number; cases: number; audit: number; jobs: number };
  return (await queryStoppedDatabase<Counts>(engine, target, [sqlText]))[0]![0]!;
}

/**
 * Runs statements on the bench town's database while no server has it open (PGlite allows one
 * process only), as the superuser, whom row-level security does not hide rows from; returns each
 * statement's rows.
 */
async function queryStoppedDatabase<Row>(engine: Engine, target: string, statements: string[]): Promise<Row[][]> {
  const results: Row[][] = [];
  if (engine === 'pg') {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    try {
      for (const statement of statements) results.push((await client.query(statement)).rows as Row[]);
    } finally {
      await client.end();
    }
    return results;
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { pgliteExtensions } = await import('../src/platform/db/pglite-extensions.js');
  const pglite = new PGlite(target, { extensions: pgliteExtensions });
  try {
    for (const statement of statements) results.push((await pglite.query<Row>(statement)).rows);
  } finally {
    await pglite.close();
  }
  return results;
}

async function probe(port: number, body: string): Promise<{ submission: 'ok' | 'missing'; detail: string; created: number }> {
  const base = `http://127.0.0.1:${port}`;
  for (const url of ['/leistungen', '/leistungen?q=hund']) {
    const response = await fetch(base + url);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
    if (url.includes('hund') && !/Hund/.test(text)) throw new Error(`GET ${url} did not find "Hund"`);
  }
  const response = await fetch(base + submissionPath, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  if (response.status === 404) return { submission: 'missing', detail: `POST ${submissionPath} answered 404 (is the submission route missing?)`, created: 0 };
  if (response.status !== 201) throw new Error(`POST ${submissionPath} answered ${response.status}: ${text.slice(0, 500)}`);
  const json = JSON.parse(text) as { reference?: unknown };
  if (typeof json.reference !== 'string') throw new Error(`POST ${submissionPath} answered 201 without a reference: ${text.slice(0, 500)}`);
  return { submission: 'ok', detail: `reference ${json.reference}`, created: 1 };
}

async function benchEngine(engine: Engine): Promise<EngineResult> {
  const work = await mkdtemp(path.join(os.tmpdir(), `rathaus-bench-${engine}-`));
  tempDirs.add(work);
  const dataDir = path.join(work, 'data');
  // TRUST_PROXY: the booking row sends each hold from its own address in X-Forwarded-For.
  // Holds are posted without a browser's proof of work: the booking step's friction is off (its
  // server-side cost is one HMAC and one SHA-256 per hold).
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, SUBMISSION_RATE_LIMIT: '1000000000', DEMO_DATA: 'true', TRUST_PROXY: 'true', APPOINTMENT_FRICTION_BITS: '0' };
  delete env.DATABASE_URL;
  if (options.logLevel) env.LOG_LEVEL = options.logLevel;
  const problems: string[] = [];

  let description: string;
  let rawTarget: string;
  let countTarget: string;
  if (engine === 'pg') {
    const admin = await postgresAdmin();
    finalizers.push(async () => {
      if (!options.keep) await admin.query(`drop database if exists ${scratchDatabase} with (force)`);
      await admin.close();
    });
    await admin.query(`drop database if exists ${scratchDatabase} with (force)`);
    await admin.query(`create database ${scratchDatabase}`);
    env.DATABASE_URL = admin.databaseUrl;
    rawTarget = admin.databaseUrl;
    countTarget = admin.databaseUrl;
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: admin.databaseUrl });
    await client.connect();
    const version = (await client.query<{ server_version: string }>('show server_version')).rows[0]!.server_version;
    await client.end();
    description = `PostgreSQL ${version} on ${admin.serverUrl.host}, scratch database ${scratchDatabase}; app pool 10, raw-insert pg.Pool(10)`;
  } else {
    rawTarget = path.join(work, 'raw-pglite');
    countTarget = path.join(dataDir, 'db');
    description = `PGlite in a fresh DATA_DIR; raw insert on a separate PGlite instance in its own process`;
  }

  console.log(`\n=== ${engine === 'pg' ? 'PostgreSQL' : 'PGlite'}: ${description}`);
  console.log(`  load average before: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await waitQuiet(options.waitQuiet);
  process.stdout.write('  first start on an empty database … ');
  const first = await startApp('first start', env, path.join(work, 'server-first-start.log'));
  console.log(`${fmtMs(first.wallMs)} to /readyz (process reports startupMs ${first.reportedMs ?? '?'})`);
  const firstStop = await stopChild(first.child);
  if (!firstStop.graceful || firstStop.code !== 0) problems.push(`first start: server did not shut down cleanly (exit ${firstStop.code})`);
  const office = await prepareAppointments(engine, countTarget);
  const slots = bookableSlots(office);

  await waitQuiet(options.waitQuiet);
  process.stdout.write('  restart on the same data … ');
  const app = await startApp('restart', env, path.join(work, 'server.log'));
  console.log(`${fmtMs(app.wallMs)} to /readyz (process reports startupMs ${app.reportedMs ?? '?'})`);
  const serverPid = app.child.serverPid!;

  const body = submissionBody();
  const probed = await probe(app.port, body);
  let created = probed.created;
  let submissionLoads = 0;
  console.log(`  probe: pages OK; submission ${probed.submission === 'ok' ? 'OK' : 'MISSING'} (${probed.detail}); body ${Buffer.byteLength(body)} bytes`);
  const sessions = await Promise.all(Array.from({ length: options.connections }, () => bookingSession(app.port, bookingPath(office.locationId, slots[0]!))));
  const nextBooking = { n: 0, connection: 0 };
  console.log(`  appointments: ${office.resourceIds.length} counters, ${office.horizonDays} days ahead, ${slots.length} bookable (slot, counter) pairs of ${office.minutes} minutes for the holds`);

  // PostgreSQL: the scratch database tells how many mail jobs are still due (PGlite's belongs to the server process).
  let pendingJobs: (() => Promise<number>) | undefined;
  if (engine === 'pg') {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: countTarget });
    await client.connect();
    finalizers.push(() => client.end());
    pendingJobs = async () => (await client.query<{ n: number }>('select count(*)::int as n from jobs where done_at is null')).rows[0]!.n;
  }
  const rounds: Row[][] = [];
  let foundationMemory: EngineResult['foundationMemory'];
  const drains: Array<{ seconds: number; idle: boolean }> = [];
  for (let round = 1; round <= options.rounds; round++) {
    if (options.rounds > 1) console.log(`  round ${round}/${options.rounds}`);
    const rows: Row[] = [];
    const step = async (key: Row['key'], label: string, run: () => Promise<Measurement>) => {
      await waitIdle(serverPid, 60, pendingJobs);
      process.stdout.write(`    ${label.padEnd(34)} `);
      const m = await run();
      if (aborting) await new Promise<never>(() => {});
      rows.push({ key, label, m });
      console.log(`${fmtInt(m.reqPerSec).padStart(7)} req/s  p50 ${fmtLat(m.p50)}  p99 ${fmtLat(m.p99)}  server RSS ${m.serverRssMb?.toFixed(0)} MB  autocannon ${m.loadGeneratorCores.toFixed(2)} cores  others' CPU ${(m.foreignCpuShare * 100).toFixed(0)} %${m.non2xx + m.errors > 0 ? `  !! ${describeBad(m)}` : ''}`);
    };

    const bare = await startBaseline('bare', '');
    await step('bare', 'bare Fastify, 2 KB HTML', () => measure({ port: bare.port }, bare.child.serverPid!, false));
    await stopChild(bare.child);

    await step('catalog', 'catalog GET /leistungen', () => measure({ port: app.port, path: '/leistungen' }, serverPid, false));
    await step('search', `search GET /leistungen?q= (${searchTerms.length} terms)`, () => measure({ port: app.port, requests: searchRequests() }, serverPid, false));
    await step('searchMiss', 'search, page-cache miss (info)', () => measure({ port: app.port, requests: searchMissRequests() }, serverPid, false));

    const raw = await startBaseline(engine === 'pg' ? 'raw-pg' : 'raw-pglite', rawTarget);
    await step('rawInsert', 'raw insert, 3 KB JSON, 1 INSERT', () => measure({ port: raw.port, method: 'POST', body }, raw.child.serverPid!, engine === 'pg'));
    await stopChild(raw.child);

    if (probed.submission === 'ok') {
      await step('submission', 'submission Kontakt/Beschwerde (JSON)', () => measure({ port: app.port, method: 'POST', path: submissionPath, body }, serverPid, engine === 'pg'));
      created += rows.at(-1)!.m!.created;
      submissionLoads += 2;
      // The submissions queued one mail job each; the next round (and the commit count) waits for them.
      const drain = await waitIdle(serverPid, 300, pendingJobs);
      drains.push(drain);
      console.log(`    server busy for another ${drain.seconds.toFixed(1)} s after the submission load (mail jobs)${drain.idle ? '' : ' — still busy, giving up waiting'}`);
    } else {
      rows.push({ key: 'submission', label: 'submission Kontakt/Beschwerde (JSON)', missing: probed.detail });
      console.log(`    submission: NOT MEASURED — ${probed.detail}`);
    }

    foundationMemory = memoryOf(serverPid);
    await step('slots', `free slots, ${benchCounters} counters × ${office.horizonDays} days`, () => measure({ port: app.port, path: `/termine/freie-zeiten?p_${bookedService}=1` }, serverPid, engine === 'pg'));
    await step('booking', 'hold a distinct slot (form POST)', () => measure({ port: app.port, requests: bookingRequests(office.locationId, slots, sessions, nextBooking), expect: 303 }, serverPid, engine === 'pg'));
    if (nextBooking.n > slots.length) problems.push(`the holds ran out of free slots (${nextBooking.n} sent, ${slots.length} bookable): later holds were refused`);
    // Each hold queued its confirmation mail; the next round waits for them.
    await waitIdle(serverPid, 300, pendingJobs);
    rounds.push(rows);
  }

  const memory = memoryOf(serverPid);
  const shutdown = await stopChild(app.child);
  if (!shutdown.graceful || shutdown.code !== 0) problems.push(`server did not shut down cleanly after the bench (exit ${shutdown.code})`);

  let committed: EngineResult['committed'];
  if (probed.submission === 'ok') {
    committed = { ...(await countCommitted(engine, countTarget)), created };
    const { submissions, cases, audit, jobs } = committed;
    // autocannon abandons the requests in flight when a load ends (up to one per connection); the
    // server still commits them, so up to that many more rows than 201s are expected, never fewer.
    const abandoned = submissionLoads * options.connections;
    if (submissions < created || submissions > created + abandoned || cases !== submissions || audit !== submissions || jobs !== submissions) {
      problems.push(`201 responses (${created}, up to ${abandoned} more abandoned in flight) do not match committed rows: submissions ${submissions}, cases ${cases}, audit ${audit}, jobs ${jobs}`);
    }
  }
  for (const rows of rounds) for (const row of rows) if (row.m && row.m.non2xx + row.m.errors + row.m.timeouts > 0) problems.push(`${row.label}: ${describeBad(row.m)}`);
  for (const row of rounds[0]!) if (row.missing) problems.push(`${row.label}: ${row.missing}`);
  const warnings: string[] = [];
  for (const rows of rounds) {
    for (const row of rows) {
      if (row.m && row.m.foreignCpuShare > 0.1) warnings.push(`${row.label}: other processes used ${(row.m.foreignCpuShare * 100).toFixed(0)} % of the machine's CPU during the measured run; figures are disturbed`);
    }
  }

  return {
    engine,
    description,
    rounds,
    rows: medianRows(rounds),
    firstStart: { wallMs: first.wallMs, reportedMs: first.reportedMs },
    restart: { wallMs: app.wallMs, reportedMs: app.reportedMs },
    memory,
    foundationMemory,
    committed,
    shutdown,
    drains,
    problems,
    warnings,
  };
}

function describeBad(m: Measurement): string {
  const codes = Object.entries(m.statusCodes).map(([c, n]) => `${n}× ${c}`);
  return [m.non2xx > 0 ? `${m.non2xx} unexpected statuses (all: ${codes.join(', ')})` : '', m.errors > 0 ? `${m.errors} socket errors (${m.timeouts} timeouts)` : ''].filter(Boolean).join('; ');
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Per row, the median of each figure over the rounds (one round: the figures themselves). */
function medianRows(rounds: Row[][]): Row[] {
  return rounds[0]!.map((row, i) => {
    const ms = rounds.map((r) => r[i]!.m).filter((m): m is Measurement => !!m);
    if (ms.length === 0) return row;
    const med = (f: (m: Measurement) => number | undefined) => {
      const v = ms.map(f).filter((x): x is number => x !== undefined);
      return v.length ? median(v) : undefined;
    };
    return {
      ...row,
      m: {
        ...ms[0]!,
        reqPerSec: med((m) => m.reqPerSec)!,
        p50: med((m) => m.p50)!,
        p99: med((m) => m.p99)!,
        serverCpuUsPerReq: med((m) => m.serverCpuUsPerReq),
        postgresCpuUsPerReq: med((m) => m.postgresCpuUsPerReq),
        foreignCpuShare: Math.max(...ms.map((m) => m.foreignCpuShare)),
        serverRssMb: ms.at(-1)!.serverRssMb,
        non2xx: ms.reduce((s, m) => s + m.non2xx, 0),
        errors: ms.reduce((s, m) => s + m.errors, 0),
      },
    };
  });
}

/** Ratio of a row to its ceiling; with several rounds, the median of the same-round ratios. */
function ratioOf(result: EngineResult, key: Row['key']): number | undefined {
  const of = targets[key]?.of;
  if (!of) return undefined;
  const ratios = result.rounds
    .map((rows) => {
      const m = rows.find((r) => r.key === key)?.m;
      const base = rows.find((r) => r.key === of)?.m;
      return m && base ? m.reqPerSec / base.reqPerSec : undefined;
    })
    .filter((r): r is number => r !== undefined);
  return ratios.length ? median(ratios) : undefined;
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');
const fmtLat = (ms: number) => `${ms.toFixed(ms < 10 ? 1 : 0).padStart(5)} ms`;
const fmtMs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const verdict = (ok: boolean) => (ok ? 'pass' : 'FAIL');

function printEngine(result: EngineResult): void {
  const title = result.engine === 'pg' ? 'PostgreSQL' : 'PGlite';
  console.log(`\n${title} — ${result.description}`);
  console.log(`${options.connections} connections, ${options.warmup} s warm-up + ${options.duration} s measured per row${options.rounds > 1 ? `, median of ${options.rounds} rounds` : ''}; CPU = server process CPU time per response${result.engine === 'pg' ? ' (db = all postgres processes)' : ''}\n`);
  const header = ['path', 'req/s', 'p50', 'p99', 'non-2xx', 'CPU µs/req', 'ratio', 'target', 'p99 target', 'result'];
  const lines: string[][] = [];
  for (const row of result.rows) {
    const m = row.m;
    const target = targets[row.key];
    if (!m) {
      lines.push([row.label, '—', '—', '—', '—', '—', '—', target?.ratio !== undefined ? `≥ ${target.ratio.toFixed(2)}` : '', '', 'NOT MEASURED']);
      continue;
    }
    const ratio = ratioOf(result, row.key);
    const valid = m.non2xx + m.errors === 0;
    let outcome = valid ? '' : 'INVALID';
    const ratioMissed = target?.ratio !== undefined && ratio !== undefined && ratio < target.ratio;
    const p99Missed = target?.p99 !== undefined && m.p99 > target.p99;
    if (valid && (target?.ratio !== undefined || target?.p99 !== undefined)) outcome = !ratioMissed && !p99Missed ? 'pass' : `FAIL${ratioMissed ? ' (ratio)' : ''}${p99Missed ? ' (p99)' : ''}`;
    const cpu = m.serverCpuUsPerReq !== undefined ? `${Math.round(m.serverCpuUsPerReq)}${m.postgresCpuUsPerReq !== undefined ? ` + db ${Math.round(m.postgresCpuUsPerReq)}` : ''}` : '';
    lines.push([
      row.label,
      fmtInt(m.reqPerSec),
      fmtLat(m.p50).trim(),
      fmtLat(m.p99).trim(),
      String(m.non2xx + m.errors),
      cpu,
      ratio !== undefined ? `${ratio.toFixed(3)} of ${target!.of === 'bare' ? 'bare' : 'raw'}` : '',
      target?.ratio !== undefined ? `≥ ${target.ratio.toFixed(2)}` : '',
      target?.p99 !== undefined ? `≤ ${target.p99} ms` : '',
      outcome,
    ]);
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmtLine = (cols: string[]) => cols.map((c, i) => (i === 0 || i >= 6 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  console.log(fmtLine(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmtLine(l));
  console.log('');
  const { firstStart, restart, memory } = result;
  console.log(`first start (empty ${result.engine === 'pg' ? 'database' : 'data dir'}): ${fmtMs(firstStart.wallMs)} spawn → /readyz 200 (process reports startupMs ${firstStart.reportedMs ?? '?'})   target ≤ ${fmtMs(startupTargets.firstStartMs)}  ${verdict(firstStart.wallMs <= startupTargets.firstStartMs)}`);
  console.log(`restart (same data):            ${fmtMs(restart.wallMs)} spawn → /readyz 200 (process reports startupMs ${restart.reportedMs ?? '?'})   target ≤ ${fmtMs(startupTargets.restartMs)}  ${verdict(restart.wallMs <= startupTargets.restartMs)}`);
  const { foundationMemory } = result;
  // Issue 2's target is for its own rows; the appointment rows (issue 5) came later and are printed beside it.
  if (foundationMemory) console.log(`server RSS after the rows of issue 2 (pages, submission): ${foundationMemory.rssMb.toFixed(0)} MB (peak ${foundationMemory.peakRssMb.toFixed(0)} MB)   target ≤ ${startupTargets.rssMb} MB  ${verdict(foundationMemory.rssMb <= startupTargets.rssMb)}`);
  if (memory) console.log(`server RSS after all rows (with the appointments):  ${memory.rssMb.toFixed(0)} MB (peak ${memory.peakRssMb.toFixed(0)} MB)   (information)`);
  if (result.drains.length > 0) console.log(`after the submission load the server stayed busy (mail jobs) for ${result.drains.map((d) => `${d.seconds.toFixed(1)} s${d.idle ? '' : '+'}`).join(', ')}`);
  if (result.committed) {
    const c = result.committed;
    console.log(`committed: ${c.created} × 201 → submissions ${c.submissions}, cases ${c.cases}, audit entries ${c.audit}, mail jobs ${c.jobs}`);
  }
  for (const w of result.warnings) console.log(`warning: ${w}`);
  for (const p of result.problems) console.log(`!! ${p}`);
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

interface Options {
  duration: number;
  warmup: number;
  connections: number;
  rounds: number;
  only?: Engine;
  logLevel?: string;
  json?: string;
  keep: boolean;
  waitQuiet: number;
}

let options: Options;

function parseOptions(): Options {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      rounds: { type: 'string', default: '1' },
      only: { type: 'string' },
      'log-level': { type: 'string' },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
      'wait-quiet': { type: 'string', default: '0' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(readFileSync(self, 'utf8').split('*/')[0]!.replace(/^\/\*\*\n/, '').replace(/^ \* ?/gm, ''));
    process.exit(0);
  }
  const num = (name: string, value: string, min: number, max: number) => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
    return n;
  };
  if (values.only && values.only !== 'pg' && values.only !== 'pglite') throw new Error('--only must be pg or pglite');
  return {
    duration: num('duration', values.duration!, 1, 300),
    warmup: num('warmup', values.warmup!, 0, 60),
    connections: Math.round(num('connections', values.connections!, 1, 1000)),
    rounds: Math.round(num('rounds', values.rounds!, 1, 9)),
    only: values.only as Engine | undefined,
    logLevel: values['log-level'],
    json: values.json,
    keep: values.keep!,
    waitQuiet: num('wait-quiet', values['wait-quiet']!, 0, 600),
  };
}

async function main(): Promise<void> {
  options = parseOptions();
  const engines: Engine[] = options.only ? [options.only] : ['pg', 'pglite'];
  // Bounded: startups, eight loads per round, and slack; then everything is stopped regardless.
  const perEngine = 4 * 60 + options.rounds * 8 * (options.warmup + options.duration + 20 + options.waitQuiet);
  const limitSeconds = engines.length * perEngine;
  setTimeout(() => void abort(`time limit of ${limitSeconds} s reached`, 1), limitSeconds * 1000).unref();
  process.on('SIGINT', () => void abort('interrupted', 130));
  process.on('SIGTERM', () => void abort('terminated', 143));

  console.log(`Rathaus bench — ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), Node ${process.version}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
  console.log(`server log level: ${options.logLevel ?? 'the app default (LOG_LEVEL unset → info)'}; SUBMISSION_RATE_LIMIT=1000000000; time limit ${limitSeconds} s`);

  const results: EngineResult[] = [];
  for (const engine of engines) {
    try {
      results.push(await benchEngine(engine));
    } catch (error) {
      // While an abort is stopping everything, the loads and servers vanish under the main flow: let it finish.
      if (aborting) await new Promise<never>(() => {});
      console.error(`\n${engine}: ${(error as Error).stack ?? error}`);
      await cleanUp();
      process.exit(1);
    }
    if (aborting) await new Promise<never>(() => {});
    // Free the scratch database and temp dirs of this engine before the next one.
    await cleanUp();
  }

  console.log('\n================================ results ================================');
  for (const result of results) printEngine(result);
  if (options.json) {
    writeFileSync(options.json, JSON.stringify({ date: new Date().toISOString(), machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, options, results }, null, 2));
    console.log(`\nresults written to ${options.json}`);
  }
  const invalid = results.flatMap((r) => r.problems);
  if (invalid.length > 0) {
    console.error(`\nBENCH INVALID: ${invalid.length} problem(s) above; fix them before reading the figures.`);
    process.exit(1);
  }
  process.exit(0);
}

if (process.argv[2] === '--serve-baseline') {
  await serveBaseline(process.argv[3]!, Number(process.argv[4]), process.argv[5] ?? '');
} else {
  await main();
}
