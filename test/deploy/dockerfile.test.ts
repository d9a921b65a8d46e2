import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './support/compiled-tree.js';
import { parseDockerfile, type Stage } from './support/dockerfile.js';

/**
 * The Dockerfile against hadolint-style rules, without a Docker engine: what only building and running the
 * image proves is listed in docs/operations.md.
 */
const { stages } = parseDockerfile(readFileSync(join(REPO, 'Dockerfile'), 'utf8'));
const packageJson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
const runtime = stages.at(-1)!;
const all = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);

describe('Dockerfile', () => {
  it('builds in separate stages on a pinned image of the Node the repository pins', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'dependencies', 'runtime']);
    for (const stage of stages) {
      // A full version and a variant, never a floating tag (latest, 24, lts).
      expect(stage.image).toMatch(/^node:\d+\.\d+\.\d+-[a-z]+-slim$/);
      expect(stage.image).toBe(`node:${packageJson.devDependencies.node}-bookworm-slim`);
    }
  });

  it('installs from the lock file only: npm ci, production dependencies for the runtime', () => {
    const runs = stages.flatMap((s) => all(s, 'RUN'));
    expect(runs.filter((r) => /\bnpm (install|i|add|update)\b/.test(r))).toEqual([]);
    expect(all(stages[0]!, 'RUN').some((r) => r.startsWith('npm ci '))).toBe(true);
    expect(all(stages[1]!, 'RUN')).toEqual([expect.stringMatching(/^npm ci --omit=dev\b/)]);
  });

  it('the runtime stage installs nothing and copies built code and production dependencies only', () => {
    expect(all(runtime, 'RUN').filter((r) => /\b(npm|npx|yarn|pnpm|apt-get|apk)\b/.test(r))).toEqual([]);
    const copies = all(runtime, 'COPY');
    expect(copies).toContain('--from=dependencies --chown=root:root /app/node_modules ./node_modules');
    expect(copies.some((c) => c.includes('--from=build') && c.includes('/app/dist/src'))).toBe(true);
    // The browser console, served under /console, is built in the build stage and shipped.
    expect(copies.some((c) => c.includes('--from=build') && c.includes('/app/dist/console'))).toBe(true);
    expect(copies.filter((c) => c.includes('--from=build') && !c.includes('/app/dist/'))).toEqual([]);
  });

  it('every COPY into the runtime states its owner, and the code is not the service user’s', () => {
    const user = all(runtime, 'USER');
    for (const copy of all(runtime, 'COPY')) {
      expect(copy).toMatch(/--chown=\S+/);
      expect(copy).not.toContain(`--chown=${user[0]}`);
    }
  });

  it('runs as a user other than root, set before the command', () => {
    const users = all(runtime, 'USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const keywords = runtime.instructions.map((i) => i.keyword);
    expect(keywords.indexOf('USER')).toBeLessThan(keywords.indexOf('CMD'));
    expect(keywords.slice(keywords.indexOf('USER')).filter((k) => k === 'RUN' || k === 'COPY')).toEqual([]);
  });

  it('starts the built service in exec form, listening on all interfaces, data in a volume it owns', () => {
    // The same command as `npm start` (package.json), so the container runs as the service is measured.
    const start = (packageJson as { scripts: { start: string } }).scripts.start;
    expect(all(runtime, 'CMD')).toEqual([JSON.stringify(start.split(' ')).replaceAll(',', ', ')]);
    // With the V8 heap bound the memory run stays well under (docs/operations.md#memory).
    expect(all(runtime, 'CMD')).toEqual([
      '["node", "--max-old-space-size=320", "--max-semi-space-size=8", "dist/src/main.js"]',
    ]);
    const env = all(runtime, 'ENV').join(' ');
    expect(env).toMatch(/\bHOST=0\.0\.0\.0\b/);
    expect(env).toMatch(/\bNODE_ENV=production\b/);
    const dataDir = /\bDATA_DIR=(\S+)/.exec(env)?.[1];
    expect(dataDir).toBe('/data');
    expect(all(runtime, 'VOLUME')).toEqual([`["${dataDir}"]`]);
    expect(all(runtime, 'RUN')).toContain(`mkdir -m 0700 ${dataDir} && chown node:node ${dataDir}`);
    expect(all(runtime, 'EXPOSE')).toEqual([/\bPORT=(\d+)/.exec(env)?.[1]]);
  });

  it('checks its health on /health with what the slim image has (node, no curl)', () => {
    const [healthcheck, ...more] = all(runtime, 'HEALTHCHECK');
    expect(more).toEqual([]);
    expect(healthcheck).toMatch(
      /--interval=\d+s --timeout=\d+s --start-period=\d+s --retries=\d+ CMD \["node", "-e", /,
    );
    expect(healthcheck).toContain("fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health')");
    expect(healthcheck).not.toMatch(/\b(curl|wget)\b/);
  });

  it('the build context holds only what the build copies (.dockerignore is an allow-list)', () => {
    const rules = readFileSync(join(REPO, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(rules[0]).toBe('*');
    const allowed = rules.filter((r) => r.startsWith('!')).map((r) => r.slice(1).replace(/\/$/, ''));
    const fromContext = stages
      .flatMap((s) => all(s, 'COPY'))
      .filter((c) => !c.includes('--from='))
      .flatMap((c) =>
        c
          .replace(/--\S+\s*/g, '')
          .split(' ')
          .slice(0, -1),
      );
    for (const source of fromContext) expect(allowed).toContain(source.replace(/\/$/, ''));
    for (const secret of ['data', 'node_modules', 'dist', '.env', '.git'])
      expect(allowed).not.toContain(secret);
  });
});
