import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { compileTree, REPO } from './support/compiled-tree.js';

/** Every CLI (as package.json runs it from dist) with each of its commands. */
const CLIS = {
  projections: {
    script: 'src/ops/cli/projections.js',
    commands: ['list', 'status', 'replay', 'rebuild', 'resume'],
  },
  audit: {
    script: 'src/audit/audit-cli.js',
    commands: ['verify', 'verify-log', 'checkpoint', 'recompute', 'export-period'],
  },
  simulate: { script: 'src/simulation/simulate.js', commands: [] as string[] },
};
type Cli = keyof typeof CLIS;

describe('the CLIs: --help everywhere, usage errors exit 2', () => {
  let root: string;
  let dataDir: string;
  beforeAll(() => {
    root = compileTree();
    // Where the CLIs would open their stores, were they to get that far: nothing may be created there.
    dataDir = join(root, 'data');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const run = (cli: Cli, ...args: string[]) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [join(root, CLIS[cli].script), ...args], {
        cwd: REPO,
        env: { ...process.env, DATA_DIR: dataDir },
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.stderr.on('data', (chunk) => (err += chunk));
      child.on('close', (code) => resolve({ code, out, err }));
    });

  it.each(Object.keys(CLIS) as Cli[])('%s --help lists its commands and exits 0', async (cli) => {
    const { code, out, err } = await run(cli, '--help');
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain(`Usage: npm run ${cli} -- `);
    for (const command of CLIS[cli].commands) expect(out).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it.each((Object.keys(CLIS) as Cli[]).flatMap((cli) => CLIS[cli].commands.map((command) => [cli, command])))(
    '%s %s --help describes the command and exits 0',
    async (cli, command) => {
      const { code, out } = await run(cli as Cli, command!, '--help');
      expect(code).toBe(0);
      expect(out).toContain(`Usage: npm run ${cli} -- ${command} `);
      expect(out).toMatch(/^Options:$/m);
      expect(out).toMatch(/^  -h, --help +display help for command$/m);
    },
  );

  it('projections describes the options of replay and rebuild', async () => {
    for (const command of ['replay', 'rebuild']) {
      const { out } = await run('projections', command, '--help');
      expect(out).toContain('--require-identical');
      expect(out).toContain('--no-wait');
    }
    expect((await run('projections', 'status', '--help')).out).toContain('--json');
  });

  it.each([
    ['projections', ['--bogus']],
    ['projections', ['status', '--bogus']],
    ['projections', ['replay', 'account-balances', '--bogus']],
    ['audit', ['--bogus']],
    ['audit', ['verify-log', '--bogus']],
    ['simulate', ['yc-trial', '--bogus']],
  ] as Array<[Cli, string[]]>)('%s %j: unknown option, exit 2', async (cli, args) => {
    const { code, out, err } = await run(cli, ...args);
    expect(code).toBe(2);
    expect(err).toContain("error: unknown option '--bogus'");
    expect(err).toContain('(add --help for usage)');
    expect(out).toBe('');
  });

  it.each([
    ['projections', ['frobnicate'], "error: unknown command 'frobnicate'"],
    ['audit', ['frobnicate'], "error: unknown command 'frobnicate'"],
    ['projections', ['replay'], "error: missing required argument 'name'"],
    ['projections', ['rebuild'], 'rebuild needs --all (or use replay <name>)'],
    ['audit', ['verify'], "error: missing required argument 'accountId'"],
    ['simulate', [], "error: missing required argument 'scenario'"],
    ['simulate', ['no-such-scenario'], 'No scenario no-such-scenario'],
  ] as Array<[Cli, string[], string]>)('%s %j: %s, exit 2', async (cli, args, message) => {
    const { code, err } = await run(cli, ...args);
    expect(code).toBe(2);
    expect(err).toContain(message);
  });

  it('without a command, projections and audit print their help on stderr and exit 2', async () => {
    for (const cli of ['projections', 'audit'] as const) {
      const { code, out, err } = await run(cli);
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toContain(`Usage: npm run ${cli} -- [options] [command]`);
    }
  });
});
