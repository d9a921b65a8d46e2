import { renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Gauge, Registry } from 'prom-client';

/**
 * The recompute's outcome for node_exporter's textfile collector: a gauge of the differences found for the
 * account and period, and when the run ended, so an alert can fire on differences and on a job that stopped
 * running. A fresh Registry per run: the file holds this run only, never the process's other metrics.
 */
export async function writeRecomputeMetrics(
  path: string,
  run: { accountId: string; periodId: string; differences: number; finishedAt: Date },
): Promise<void> {
  const registry = new Registry();
  new Gauge({
    name: 'billing_audit_recompute_differences',
    help: 'Differences between the issued documents and the ones the log gives, found by the last recompute of the account and period.',
    labelNames: ['account', 'period'] as const,
    registers: [registry],
  }).set({ account: run.accountId, period: run.periodId }, run.differences);
  new Gauge({
    name: 'billing_audit_recompute_last_run_timestamp_seconds',
    help: 'When the last recompute finished, in seconds since the Unix epoch.',
    registers: [registry],
  }).set(run.finishedAt.getTime() / 1000);
  // Written beside the target then renamed (atomic on one file system): the collector never reads half a file,
  // and a name not ending in .prom is ignored by it meanwhile.
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(temporary, await registry.metrics());
  renameSync(temporary, path);
}
