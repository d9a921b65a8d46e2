import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REQUIRED_NODE_RANGE, unsupportedNodeReason } from '../../src/platform/runtime/node-version.js';
import { compileTree, olderNode, REPO } from './support/compiled-tree.js';

const packageJson = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));

describe('the Node.js version guard', () => {
  it('asks for the range package.json pins, which the bundled Node satisfies', () => {
    expect(REQUIRED_NODE_RANGE).toBe(packageJson.engines.node);
    expect(unsupportedNodeReason(packageJson.devDependencies.node)).toBeUndefined();
    expect(unsupportedNodeReason(process.versions.node)).toBeUndefined();
  });

  it.each(['24.9.0', 'v24.9.0', '24.21.0', '24.99.1'])('accepts Node %s', (version) => {
    expect(unsupportedNodeReason(version)).toBeUndefined();
  });

  it.each(['20.20.2', '22.12.0', '24.8.9', '25.0.0', '26.1.0', 'v18.0.0'])('refuses Node %s', (version) => {
    const reason = unsupportedNodeReason(version);
    expect(reason).toContain(`needs Node.js ${REQUIRED_NODE_RANGE}`);
    expect(reason).toContain(`this is Node.js v${version.replace(/^v/, '')}`);
  });

  describe('on an older Node, the built entry points', () => {
    let root: string;
    let old: { path: string; version: string };
    beforeAll(() => {
      old = olderNode();
      root = compileTree();
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    const run = (script: string, ...args: string[]) =>
      spawnSync(old.path, [join(root, script), ...args], { encoding: 'utf8', cwd: REPO, timeout: 20_000 });

    it('the service (node dist/src/main.js) exits 1 naming the required version, before node:sqlite', () => {
      const result = run('src/main.js');
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`needs Node.js ${REQUIRED_NODE_RANGE}`);
      expect(result.stderr).toContain(`this is Node.js v${old.version}`);
      expect(result.stderr).not.toMatch(/No such built-in module/);
      expect(result.stdout).toBe('');
    });

    it.each([
      ['src/ops/cli/projections.js', 'status'],
      ['src/audit/audit-cli.js', 'verify-log'],
      ['src/simulation/simulate.js', 'yc-trial'],
    ])('the CLI %s does the same', (script, command) => {
      const result = run(script, command);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`needs Node.js ${REQUIRED_NODE_RANGE}`);
      expect(result.stderr).not.toMatch(/No such built-in module/);
    });

    it('without the guard the same modules fail to link on node:sqlite (what the guard prevents)', () => {
      const result = run('src/service.js');
      expect(result.status).not.toBe(0);
      expect(result.stderr).toMatch(/No such built-in module: node:sqlite/);
    });
  });
});
