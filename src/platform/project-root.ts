import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project directory (services/, migrations/, seeds/, node_modules/). Found by walking up to
 * package.json rather than by a fixed "../..": the same modules also run compiled from
 * node_modules/.cache/rathaus/build (scripts/start.mjs).
 */
export const projectRoot = findProjectRoot(path.dirname(fileURLToPath(import.meta.url)));

function findProjectRoot(dir: string): string {
  for (let current = dir; ; current = path.dirname(current)) {
    if (existsSync(path.join(current, 'package.json')) && existsSync(path.join(current, 'migrations'))) return current;
    if (path.dirname(current) === current) throw new Error(`No project directory above ${dir}`);
  }
}
