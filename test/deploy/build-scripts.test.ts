import { readFileSync } from 'node:fs';
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
  it('build is incremental: tsc -b, its build info inside dist (deleting dist rebuilds everything)', () => {
    expect(scripts.build).toBe('tsc -b tsconfig.build.json');
    expect(buildConfig.compilerOptions.incremental).toBe(true);
    expect(buildConfig.compilerOptions.tsBuildInfoFile).toMatch(
      new RegExp(`^${baseConfig.compilerOptions.outDir}/`),
    );
  });

  it.each(['start', 'simulate', 'audit', 'projections', 'bench'])(
    '%s runs dist after the incremental build, never a compiler of its own',
    (name) => {
      const command = name === 'start' ? `${scripts.prestart} && ${scripts.start}` : scripts[name]!;
      expect(command).toMatch(/^npm run build( --silent)? && node dist\//);
      expect(command).not.toMatch(/\btsc\b|tsconfig/);
    },
  );

  it('dev builds, then watches (tsc -b --watch) and restarts the service on changes (node --watch)', () => {
    expect(scripts.dev).toBe('npm run build --silent && node scripts/dev.mjs');
    const dev = readFileSync(join(REPO, 'scripts/dev.mjs'), 'utf8');
    expect(dev).toContain("spawn('tsc', ['-b', 'tsconfig.build.json', '--watch'");
    expect(dev).toContain("['--watch', 'dist/src/main.js']");
  });

  it('typecheck still covers the tests (the build config leaves them out)', () => {
    expect(scripts.typecheck).toBe('tsc -p tsconfig.json --noEmit');
    expect(baseConfig.include).toContain('test');
  });
});
