// `npm run simulate -- <scenario name or file>`: runs a scenario on the virtual clock and prints its timeline.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { formatTimeline, runScenario, type Scenario } from './scenario.js';

const SCENARIOS_DIR = resolve('docs/scenarios');
const arg = process.argv[2];
if (!arg) {
  const names = existsSync(SCENARIOS_DIR)
    ? readdirSync(SCENARIOS_DIR).filter((f) => f.endsWith('.json'))
    : [];
  console.error(
    `Usage: npm run simulate -- <scenario>\nScenarios in docs/scenarios: ${names.map((n) => n.replace(/\.json$/, '')).join(', ')}`,
  );
  process.exit(2);
}
const path = existsSync(arg) ? arg : join(SCENARIOS_DIR, arg.endsWith('.json') ? arg : `${arg}.json`);
if (!existsSync(path)) {
  console.error(`No scenario ${arg} (looked for ${path})`);
  process.exit(2);
}
const scenario = JSON.parse(readFileSync(path, 'utf8')) as Scenario;
const { lines, rejected } = await runScenario(scenario);
console.log(`# ${scenario.name}${scenario.description ? `\n# ${scenario.description}` : ''}\n`);
console.log(formatTimeline(lines));
if (rejected.length) console.log(`\nRejected commands:\n${rejected.map((r) => `  ${r}`).join('\n')}`);
