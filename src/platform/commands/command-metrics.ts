/**
 * Commands by type and outcome, and their latency, in the Prometheus text format. Kept in process: one
 * counter per (type, outcome) and a fixed-bucket histogram per type.
 */
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export class CommandMetrics {
  private readonly counts = new Map<string, number>();
  private readonly histograms = new Map<string, { buckets: number[]; sum: number; count: number }>();

  async measure<T>(type: string, run: () => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    try {
      const result = await run();
      const status = (result as { status?: unknown } | undefined)?.status;
      this.observe(type, typeof status === 'string' ? status : 'accepted', started);
      return result;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.observe(type, typeof code === 'string' ? `rejected:${code}` : 'error', started);
      throw error;
    }
  }

  private observe(type: string, outcome: string, started: bigint): void {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const key = `${type}\u0000${outcome}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    const histogram = this.histograms.get(type) ?? { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((bound, i) => {
      if (seconds <= bound) histogram.buckets[i]! += 1;
    });
    histogram.sum += seconds;
    histogram.count += 1;
    this.histograms.set(type, histogram);
  }

  render(): string {
    const lines = [
      '# HELP billing_commands_total Commands handled, by type and outcome.',
      '# TYPE billing_commands_total counter',
    ];
    for (const [key, value] of this.counts) {
      const [type, outcome] = key.split('\u0000') as [string, string];
      lines.push(`billing_commands_total{type="${type}",outcome="${outcome}"} ${value}`);
    }
    lines.push(
      '# HELP billing_command_duration_seconds Command latency.',
      '# TYPE billing_command_duration_seconds histogram',
    );
    for (const [type, h] of this.histograms) {
      BUCKETS.forEach((bound, i) =>
        lines.push(`billing_command_duration_seconds_bucket{type="${type}",le="${bound}"} ${h.buckets[i]}`),
      );
      lines.push(`billing_command_duration_seconds_bucket{type="${type}",le="+Inf"} ${h.count}`);
      lines.push(`billing_command_duration_seconds_sum{type="${type}"} ${h.sum}`);
      lines.push(`billing_command_duration_seconds_count{type="${type}"} ${h.count}`);
    }
    return `${lines.join('\n')}\n`;
  }
}
