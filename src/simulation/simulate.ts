// `npm run simulate -- <scenario name or file>`: runs a scenario on the virtual clock and prints its timeline.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import { exitUnlessSupportedNode } from '../platform/runtime/node-version.js';
import type { Scenario } from './scenario.js';

// The engine it runs needs Node 24 (see node-version.ts).
exitUnlessSupportedNode();

const SCENARIOS_DIR = resolve('docs/scenarios');
const scenarioNames = existsSync(SCENARIOS_DIR)
  ? readdirSync(SCENARIOS_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.replace(/\.json$/, ''))
  : [];

// Usage errors (unknown option, no or unknown scenario) exit 2; help exits 0.
const program = new Command('npm run simulate --')
  .description('Run a billing scenario on the virtual clock and print its timeline.')
  .argument('<scenario>', 'a scenario name from docs/scenarios, or the path of a scenario JSON file')
  .addHelpText('after', `\nScenarios in docs/scenarios: ${scenarioNames.join(', ')}`)
  .showHelpAfterError('(add --help for usage)')
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2))
  .parse();
const [arg] = program.args as [string];
const path = existsSync(arg) ? arg : join(SCENARIOS_DIR, arg.endsWith('.json') ? arg : `${arg}.json`);
if (!existsSync(path)) {
  console.error(
    `No scenario ${arg} (looked for ${path}); scenarios in docs/scenarios: ${scenarioNames.join(', ')}`,
  );
  process.exit(2);
}
const scenario = JSON.parse(readFileSync(path, 'utf8')) as Scenario;
// Loaded once the command line is valid: help and usage errors run no engine.
const { formatTimeline, runScenario } = await import('./scenario.js');
const { lines, rejected } = await runScenario(scenario);
console.log(`# ${scenario.name}${scenario.description ? `\n# ${scenario.description}` : ''}\n`);
console.log(formatTimeline(lines));
if (rejected.length) console.log(`\nRejected commands:\n${rejected.map((r) => `  ${r}`).join('\n')}`);
