import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** What a run of the command line printed, and its exit code. */
export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs `npm run cli -- <args>` (scripts/cli.ts through tsx) as a child process in the given environment, feeding it stdin. */
export function runCli(env: NodeJS.ProcessEnv, args: string[], stdin = ''): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/cli.ts', ...args], { cwd: repoRoot, env });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
    child.stdin.end(stdin);
  });
}
