// The month-of-usage log that replay and close share: generated once per `npm run bench` (BENCH_DIR).
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { generateLog, type GeneratedLog, type LogSpec } from './log-generator.js';
import { MONTH } from './workload.js';
import { scaled, workDir } from './support.js';

/**
 * 10 000 accounts (the close) + 200 (closed one at a time) + 400 (closed by the timelines) × (opening,
 * funding, 100 usage records) in March 2026: ≈ 1.1 million events.
 */
export const monthLogSpec = (): LogSpec & {
  extra: { closeAccounts: number; serialAccounts: number; timelineAccounts: number };
} => {
  const closeAccounts = scaled(10_000, 20);
  const serialAccounts = scaled(200, 10);
  const timelineAccounts = scaled(400, 20);
  return {
    prefix: 'acct',
    accounts: closeAccounts + serialAccounts + timelineAccounts,
    firstMonth: MONTH.id,
    months: 1,
    usagePerMonth: 100,
    closeMonths: false,
    extra: { closeAccounts, serialAccounts, timelineAccounts },
  };
};

export async function monthLog(parent: string) {
  const dir = join(parent, 'month-log');
  mkdirSync(dir, { recursive: true });
  const spec = monthLogSpec();
  const log: GeneratedLog = await generateLog(dir, spec);
  return { dir, spec, log };
}

/** The `log` step of the runner: generates the log in BENCH_DIR for the runs after it. */
export async function prepareMonthLog() {
  const { dir } = workDir();
  const { log, spec } = await monthLog(dir);
  return { accounts: spec.accounts, usagePerMonth: spec.usagePerMonth, ...log };
}
