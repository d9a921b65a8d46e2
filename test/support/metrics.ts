import { spawnSync } from 'node:child_process';

/**
 * `promtool check metrics` (Debian package `prometheus`; .ci/run installs it) over a scrape: its exit status
 * and what it printed — nothing, for a clean exposition. Without promtool it throws, naming what is missing:
 * the check is never skipped.
 */
export function promtoolCheckMetrics(exposition: string): { status: number | null; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: exposition, encoding: 'utf8' });
  if (result.error)
    throw new Error(
      `promtool is required for this test (apt-get install prometheus, as .ci/run does): ${result.error.message}`,
    );
  return { status: result.status, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The value of one sample (`name{labels}` exactly as exposed), or 0 when the series is not there yet. */
export function sample(exposition: string, series: string): number {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}
