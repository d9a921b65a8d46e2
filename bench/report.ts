// The targets of issue 7, checked against a run's results, and the short table printed after the JSON.

interface Run {
  result?: unknown;
  error?: string;
  peakRssMiB: number;
  seconds: number;
  loadAverage?: [number, number];
}

export interface TargetCheck {
  target: string;
  value: number | null;
  limit: string;
  met: boolean | null;
  note?: string;
}

// Results are plain JSON from the children; these readers keep the checks short.
const num = (value: unknown, ...path: string[]): number | undefined => {
  let at: unknown = value;
  for (const key of path) at = (at as Record<string, unknown> | undefined)?.[key];
  return typeof at === 'number' ? at : undefined;
};

export function evaluateTargets(runs: Record<string, Run>): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const check = (
    target: string,
    value: number | undefined,
    limit: string,
    ok: (v: number) => boolean,
    note?: string,
  ) =>
    checks.push({ target, value: value ?? null, limit, met: value === undefined ? null : ok(value), note });
  const result = (name: string) => runs[name]?.result;
  if (runs.ingest)
    check(
      'ingest / raw append of the same events',
      num(result('ingest'), 'ratioToRawAppend'),
      '≥ 0.5',
      (v) => v >= 0.5,
    );
  if (runs.ingest && num(result('ingest'), 'commandPathMicros') !== undefined)
    check(
      'command path, µs of CPU per ConsumeResource (half of 300)',
      num(result('ingest'), 'commandPathMicros'),
      '≤ 150',
      (v) => v <= 150,
      `raw append ${num(result('ingest'), 'rawAppendMicros') ?? '—'} µs in the same run`,
    );
  if (runs.store && num(result('store'), 'bytesPerUsageEvent') !== undefined)
    check(
      'bytes per usage event in the store',
      num(result('store'), 'bytesPerUsageEvent'),
      '≤ 500',
      (v) => v <= 500,
    );
  // The figure that counts: what ConsumeResource really stores (its charge carries more than the usage-like event).
  if (runs.store && num(result('store'), 'bytesPerEngineUsageEvent') !== undefined)
    check(
      "bytes per the engine's own usage charge in the store",
      num(result('store'), 'bytesPerEngineUsageEvent'),
      '≤ 500',
      (v) => v <= 500,
    );
  if (runs.http)
    check(
      'HTTP batch / in-process ingest, same transaction size',
      num(result('http'), 'ratioToInProcess'),
      '≥ 0.8',
      (v) => v >= 0.8,
    );
  if (runs.replay) {
    check('replay / raw read-and-decode', num(result('replay'), 'ratioToRawRead'), '≥ 0.5', (v) => v >= 0.5);
    check(
      'all projections + planner + issuer / raw read-and-decode',
      num(result('replay'), 'allProjectionsRatioToRawRead'),
      '≥ 0.25',
      (v) => v >= 0.25,
    );
  }
  if (runs['replay-pg'])
    check(
      'account-balances on PostgreSQL / on SQLite',
      num(result('replay-pg'), 'pgToSqliteRatio'),
      '≥ 0.5',
      (v) => v >= 0.5,
    );
  if (runs.age)
    check('age ratio (24 closed periods / new)', num(result('age'), 'ageRatio'), '≤ 1.2', (v) => v <= 1.2);
  if (runs.close) {
    const accounts = num(result('close'), 'accounts') ?? 10_000;
    const per10k = (seconds: number | undefined) =>
      seconds === undefined ? undefined : Math.round(((seconds * 10_000) / accounts) * 10) / 10;
    const note = accounts === 10_000 ? undefined : `measured on ${accounts} accounts, scaled linearly`;
    check(
      'close 10 000 accounts (ledger), s',
      per10k(num(result('close'), 'closeSeconds')),
      '< 10',
      (v) => v < 10,
      note,
    );
    check(
      'close 10 000 accounts with documents, s',
      per10k(num(result('close'), 'withDocumentsSeconds')),
      '< 10',
      (v) => v < 10,
      note,
    );
    check(
      'closes with documents per s / raw appends per s',
      num(result('close'), 'closesPerSecToRawAppendsPerSec'),
      '≥ 0.03',
      (v) => v >= 0.03,
    );
  }
  if (runs.memory) {
    const accounts = num(result('memory'), 'accounts');
    check(
      'peak RSS serving 100 000 accounts, MiB (the service and its projector child)',
      num(result('memory'), 'peakRssMiB'),
      '< 512',
      (v) => v < 512,
      accounts === 100_000 ? undefined : `measured with ${accounts} accounts`,
    );
  }
  return checks;
}

/** One line per run: its headline figure, the baseline it is divided by, the ratio, RSS and time. */
export function printTable(output: {
  runs: Record<string, Run>;
  targets: TargetCheck[];
  totalSeconds: number;
}): void {
  const rows: string[][] = [['run', 'figure', 'baseline (same run)', 'ratio', 'peak RSS', 'time', 'load']];
  const r = (name: string) => output.runs[name]?.result as Record<string, unknown> | undefined;
  const fmt = (n: unknown, unit = '') =>
    typeof n === 'number' ? `${n.toLocaleString('en-US')}${unit}` : '—';
  const line: Record<string, () => [string, string, string]> = {
    store: () => [
      `append ${fmt(r('store')?.appendConcurrentSinglesEventsPerSec)} ev/s (64 concurrent singles)`,
      `read+decode ${fmt(r('store')?.readAndDecodeEventsPerSec)} ev/s`,
      '',
    ],
    ingest: () => [
      `${fmt(r('ingest')?.commandsPerSec)} commands/s`,
      `raw append ${fmt(r('ingest')?.rawAppendsPerSec)} appends/s`,
      fmt(r('ingest')?.ratioToRawAppend),
    ],
    'ingest-split': () => [
      `${fmt(r('ingest-split')?.commandsPerSec)} commands/s (read models in a 2nd process)`,
      `raw append ${fmt(r('ingest-split')?.rawAppendsPerSec)} appends/s`,
      fmt(r('ingest-split')?.ratioToRawAppend),
    ],
    http: () => [
      `${fmt(r('http')?.recordsPerSec)} records/s, p50 ${fmt(num(r('http'), 'latencyMs', 'p50'))} ms, p99 ${fmt(num(r('http'), 'latencyMs', 'p99'))} ms`,
      `in-process ${fmt(r('http')?.inProcessCommandsPerSec)} commands/s`,
      fmt(r('http')?.ratioToInProcess),
    ],
    log: () => [`${fmt(r('log')?.events)} events generated, ${fmt(r('log')?.eventsPerSec)} ev/s`, '', ''],
    replay: () => [
      `${fmt(r('replay')?.eventsPerSec)} events/s (${fmt(r('replay')?.logEvents)} events)`,
      `read+decode ${fmt(r('replay')?.rawReadAndDecodeEventsPerSec)} ev/s`,
      fmt(r('replay')?.ratioToRawRead),
    ],
    close: () => [
      `${fmt(r('close')?.periodsClosedPerSec)} periods/s (${fmt(r('close')?.accounts)} in ${fmt(r('close')?.closeSeconds)} s); with documents ${fmt(r('close')?.periodsClosedWithDocumentsPerSec)}/s (${fmt(r('close')?.withDocumentsSeconds)} s); timelines ${fmt(num(r('close'), 'timelines', 'periodsClosedWithDocumentsPerSec'))}/s`,
      `one at a time ${fmt(num(r('close'), 'serial', 'periodsClosedWithDocumentsPerSec'))}/s`,
      fmt(num(r('close'), 'timelines', 'versusOneAtATime')),
    ],
    age: () => [
      `p50 warm ${fmt(num(r('age'), 'warm', 'oldP50Ms'))} ms vs ${fmt(num(r('age'), 'warm', 'newP50Ms'))} ms, cold ${fmt(num(r('age'), 'cold', 'oldP50Ms'))} vs ${fmt(num(r('age'), 'cold', 'newP50Ms'))} ms`,
      'new account',
      fmt(r('age')?.ageRatio),
    ],
    reliability: () => [
      `${fmt(r('reliability')?.kills)} kills, ${fmt(r('reliability')?.acknowledged)} acknowledged, lost ${fmt(r('reliability')?.lost)}, duplicated ${fmt(r('reliability')?.duplicated)}, balances agree ${String(r('reliability')?.balancesAgree ?? '—')}`,
      `${fmt(r('reliability')?.inFlightAtKillsStored)} stored but unanswered at a kill`,
      '',
    ],
    memory: () => [
      `${fmt(r('memory')?.accounts)} accounts, ${fmt(r('memory')?.commandsPerSec)} commands/s`,
      '',
      '',
    ],
  };
  for (const [name, run] of Object.entries(output.runs)) {
    const [figure, baseline, ratio] = run.error ? ['FAILED', '', ''] : (line[name]?.() ?? ['', '', '']);
    const load = run.loadAverage ? `${run.loadAverage[0]} → ${run.loadAverage[1]}` : '';
    rows.push([name, figure, baseline, ratio, `${run.peakRssMiB} MiB`, `${run.seconds} s`, load]);
  }
  const targetRows = [['target', 'value', 'limit', 'met', 'note']];
  for (const t of output.targets) {
    targetRows.push([
      t.target,
      t.value === null ? '—' : String(t.value),
      t.limit,
      t.met === null ? '?' : t.met ? 'yes' : 'NO',
      t.note ?? '',
    ]);
  }
  console.error(`\n${table(rows)}\n\n${table(targetRows)}\n\ntotal ${output.totalSeconds} s`);
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? '').length)));
  return rows
    .map((row, i) => {
      const text = row.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ');
      return i === 0 ? `${text}\n${widths.map((w) => '-'.repeat(w)).join('-|-')}` : text;
    })
    .join('\n');
}
