import { spawn } from 'node:child_process';

/**
 * Runs promtool (Debian package `prometheus`; .ci/run installs it) with `args` and `input` on its standard
 * input: its exit status and what it printed. Without promtool it rejects, naming what is missing: the checks
 * that use it are never skipped.
 */
export function promtool(args: string[], input = ''): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('promtool', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) =>
      reject(
        new Error(
          `promtool is required for this test (apt-get install prometheus, as .ci/run does): ${error.message}`,
        ),
      ),
    );
    child.once('close', (status) => resolve({ status, output: output.trim() }));
    child.stdin.end(input);
  });
}

/** `promtool check metrics` over a scrape: exit 0 and nothing printed for a clean exposition. */
export const promtoolCheckMetrics = (exposition: string) => promtool(['check', 'metrics'], exposition);

/** The value of one sample (`name{labels}` exactly as exposed), or 0 when the series is not there yet. */
export function sample(exposition: string, series: string): number {
  const line = exposition.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}
