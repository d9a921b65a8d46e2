// `npm run bench [-- <name> ...]`: runs the named benchmarks (all by default) and prints JSON.
import { measureStoreBaseline } from './store.bench.js';

const benchmarks: Record<string, () => Promise<unknown>> = {
  store: () => measureStoreBaseline(),
};

const requested = process.argv.slice(2);
const names = requested.length > 0 ? requested : Object.keys(benchmarks);
const unknown = names.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(
    `Unknown benchmark(s): ${unknown.join(', ')}. Available: ${Object.keys(benchmarks).join(', ')}`,
  );
  process.exit(2);
}

const results: Record<string, unknown> = {};
for (const name of names) results[name] = await benchmarks[name]!();
console.log(
  JSON.stringify(
    {
      machine: { node: process.version, platform: process.platform, arch: process.arch },
      at: new Date().toISOString(),
      results,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
    },
    null,
    2,
  ),
);
