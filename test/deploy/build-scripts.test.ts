import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from './support/compiled-tree.js';

/**
 * `npm start` and the CLIs build before they run, but only what changed: tsc in build mode with its build
 * info beside the output, so an up-to-date dist costs a timestamp check (~1 s), not a compile (20–40 s).
 * The measured times are in docs/operations.md.
 */
const packageJson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const scripts = packageJson.scripts as Record<string, string>;
const buildConfig = JSON.parse(readFileSync(join(REPO, 'tsconfig.build.json'), 'utf8'));
const baseConfig = JSON.parse(readFileSync(join(REPO, 'tsconfig.json'), 'utf8'));

describe('build scripts', () => {
  it('build is incremental: tsc -b, its build info inside dist (deleting dist rebuilds everything), then the console', () => {
    // Changed by issue 16: the console's Vite build is chained after tsc (it is skipped when unchanged, below).
    expect(scripts.build).toBe('tsc -b tsconfig.build.json && node scripts/build-console.mjs');
    expect(buildConfig.compilerOptions.incremental).toBe(true);
    expect(buildConfig.compilerOptions.tsBuildInfoFile).toMatch(
      new RegExp(`^${baseConfig.compilerOptions.outDir}/`),
    );
  });

  it.each(['start', 'simulate', 'audit', 'projections', 'bench'])(
    '%s runs dist after the incremental build, never a compiler of its own',
    (name) => {
      const command = name === 'start' ? `${scripts.prestart} && ${scripts.start}` : scripts[name]!;
      // Node's own flags may come first (start bounds the V8 heap: docs/operations.md#memory).
      expect(command).toMatch(/^npm run build( --silent)? && node (--[a-z-]+=\d+ )*dist\//);
      expect(command).not.toMatch(/\btsc\b|tsconfig/);
    },
  );

  it('dev builds, then watches (tsc -b --watch) and restarts the service on changes (node --watch)', () => {
    expect(scripts.dev).toBe('npm run build --silent && node scripts/dev.mjs');
    const dev = readFileSync(join(REPO, 'scripts/dev.mjs'), 'utf8');
    expect(dev).toContain("spawn('tsc', ['-b', 'tsconfig.build.json', '--watch'");
    expect(dev).toContain("['--watch', 'dist/src/main.js']");
  });

  it('the console is built only when its inputs changed: a second build is skipped, a changed input rebuilds', () => {
    const out = mkdtempSync(join(tmpdir(), 'console-build-'));
    const build = () =>
      spawnSync(process.execPath, [join(REPO, 'scripts/build-console.mjs')], {
        env: { ...process.env, BUILD_CONSOLE_OUT: out },
        encoding: 'utf8',
      });
    try {
      const first = build();
      expect([first.status, first.stdout.trim()]).toEqual([0, `console built into ${out}`]);
      const built = statSync(join(out, 'index.html')).mtimeMs;
      const again = build();
      expect([again.status, again.stdout.trim()]).toEqual([0, '']);
      expect(statSync(join(out, 'index.html')).mtimeMs).toBe(built);
      // The stamp is the hash of console/ and the toolchain's versions: a different one means changed inputs.
      writeFileSync(join(out, '.inputs-sha256'), 'an older build');
      const changed = build();
      expect([changed.status, changed.stdout.trim()]).toEqual([0, `console built into ${out}`]);
      expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('/console/assets/');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('typecheck still covers the tests (the build config leaves them out), and the console with its own config', () => {
    // Changed by issue 16: console/ (DOM, JSX) has its own tsconfig, checked after the service's.
    expect(scripts.typecheck).toBe('tsc -p tsconfig.json --noEmit && tsc -p console/tsconfig.json');
    expect(baseConfig.include).toContain('test');
  });
});
