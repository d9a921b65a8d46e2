import { transformSync } from '@swc/core';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));

const TEST_CODE = /\.(spec|test|fixtures)\.ts$/;

/**
 * The service and its CLIs compiled to JavaScript as the build lays them out (`<root>/src/main.js`,
 * `<root>/projections/…`), with SWC (what Jest uses, ~1 s) instead of tsc (tens of seconds): any Node can
 * then run them without the test hooks, the older Node the start-up guard is about included.
 */
export function compileTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'billing-compiled-'));
  for (const folder of ['src', 'projections']) {
    for (const file of typeScriptFiles(join(REPO, folder))) {
      const { code } = transformSync(readFileSync(file, 'utf8'), {
        filename: file,
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2023',
        },
        module: { type: 'es6' },
      });
      const target = join(root, relative(REPO, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, code);
    }
  }
  writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
  return root;
}

function typeScriptFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !TEST_CODE.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

/**
 * A Node.js older than the one the service needs: the system's (Node 20 on the dev and CI machines; the
 * repository brings its own Node 24 for npm scripts). Fails naming where it looked rather than skipping.
 */
export function olderNode(): { path: string; version: string } {
  const candidates = [
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'node')),
    '/usr/bin/node',
    '/usr/local/bin/node',
  ].filter((path) => !path.includes('node_modules') && existsSync(path));
  for (const path of new Set(candidates)) {
    const version = execFileSync(path, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
    if (Number(version.split('.')[0]) < 24) return { path, version };
  }
  throw new Error(
    `No Node.js older than 24 found (looked at ${[...new Set(candidates)].join(', ') || 'nothing on the PATH'}): ` +
      'the start-up guard test runs the service on one, e.g. the system Node 20',
  );
}
