/** A one-line progress display: bar, percentage, events, rate and ETA; plain lines when not a terminal. */
export class ProgressLine {
  private samples: Array<{ at: number; position: number; events: number }> = [];
  private lastPlainAt = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly now: () => number = Date.now,
  ) {}

  update(label: string, position: number, head: number, events: number): void {
    const at = this.now();
    this.samples.push({ at, position, events });
    // Rate over the last five seconds: recent enough to follow changes, long enough to be steady.
    while (this.samples.length > 2 && at - this.samples[0]!.at > 5000) this.samples.shift();
    const first = this.samples[0]!;
    const seconds = (at - first.at) / 1000;
    const rate = seconds > 0 ? (events - first.events) / seconds : 0;
    const positionRate = seconds > 0 ? (position - first.position) / seconds : 0;
    const fraction = head > 0 ? Math.min(1, position / head) : 1;
    const eta = positionRate > 0 ? formatDuration((head - position) / positionRate) : '--:--';
    const width = 24;
    const filled = Math.round(fraction * width);
    const line =
      `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}%` +
      `  ${events.toLocaleString('en-US')} events  ${Math.round(rate).toLocaleString('en-US')}/s  ETA ${eta}`;
    if (this.tty) this.write(`\r\x1b[2K${line}`);
    else if (at - this.lastPlainAt >= 1000 || fraction === 1) {
      this.lastPlainAt = at;
      this.write(`${line}\n`);
    }
  }

  done(): void {
    if (this.tty) this.write('\n');
  }
}

export function formatDuration(totalSeconds: number): string {
  if (!Number.isFinite(totalSeconds)) return '--:--';
  const s = Math.max(0, Math.round(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const mmss = `${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
  return hours > 0 ? `${hours}:${mmss}` : mmss;
}
