import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { StoredEventPublished } from '../../../projections/workers/stored-event-published.js';

/** Stored events by type, as the feed delivers them: what the engine decided, at the rate it decided it. */
@EventsHandler(StoredEventPublished)
export class EventTypeMetrics implements IEventHandler<StoredEventPublished> {
  private readonly counts = new Map<string, number>();

  handle({ event }: StoredEventPublished): void {
    this.counts.set(event.type, (this.counts.get(event.type) ?? 0) + 1);
  }

  count(type: string): number {
    return this.counts.get(type) ?? 0;
  }

  render(): string {
    const lines = [
      '# HELP billing_events_total Stored events fed to the event bus by this instance, by type.',
      '# TYPE billing_events_total counter',
    ];
    for (const [type, count] of [...this.counts].sort(([a], [b]) => a.localeCompare(b)))
      lines.push(`billing_events_total{type="${type}"} ${count}`);
    return lines.join('\n') + '\n';
  }
}
