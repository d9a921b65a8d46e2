// Builds the browser console (console/ → dist/console) with Vite, unless its inputs are unchanged since the
// last build: `npm start` runs `npm run build`, which must not cost a rebuild when nothing changed (as tsc -b).
// The inputs: every file under console/, and the versions of the installed toolchain (vite, react).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const source = join(root, 'console');
// BUILD_CONSOLE_OUT: another folder (the build-scripts test builds into a temporary one).
const out = process.env.BUILD_CONSOLE_OUT ?? join(root, 'dist', 'console');
const stamp = join(out, '.inputs-sha256');

function files(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

const version = (name) =>
  JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

export function consoleInputsHash() {
  const hash = createHash('sha256');
  for (const name of ['vite', 'react', 'react-dom']) hash.update(`${name}@${version(name)}\n`);
  for (const file of files(source)) {
    hash.update(`${relative(source, file)}\n`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

export async function buildConsole({ quiet = false } = {}) {
  const inputs = consoleInputsHash();
  if (existsSync(join(out, 'index.html')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === inputs) {
    return { built: false };
  }
  const { build } = await import('vite');
  await build({
    configFile: join(source, 'vite.config.ts'),
    logLevel: quiet ? 'error' : 'warn',
    build: { outDir: out },
  });
  // Written last: an interrupted build leaves no stamp, so the next run builds again.
  writeFileSync(stamp, inputs);
  return { built: true };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { built } = await buildConsole();
  if (built) console.log(`console built into ${out}`);
}
