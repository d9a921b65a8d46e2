import { Inject, Injectable } from '@nestjs/common';
import { ServiceMetrics } from '../../platform/metrics/service-metrics.js';
import type {
  StoredEventPublished,
  StoredEventReactor,
} from '../../../projections/workers/stored-event-published.js';

/**
 * Stored events as the event-bus feed delivers them: by type (what the engine decided, at the rate it decided
 * it), and the documents issued and withheld. Counted from the log rather than where documents are composed,
 * so a retried issue that stores nothing counts nothing; the feed runs on one instance (its lease holder).
 */
@Injectable()
export class StoredEventMetrics implements StoredEventReactor {
  constructor(@Inject(ServiceMetrics) private readonly metrics: ServiceMetrics) {}

  handle({ event }: StoredEventPublished): void {
    this.metrics.events.inc({ type: event.type });
    const data = event.data as { kind?: unknown; code?: unknown } | undefined;
    if (event.type === 'DocumentIssued') this.metrics.documentsIssued.inc({ kind: labelOf(data?.kind) });
    else if (event.type === 'DocumentsWithheld')
      this.metrics.documentsWithheld.inc({ code: labelOf(data?.code) });
  }

  /** How many events of `type` this instance has fed. */
  async count(type: string): Promise<number> {
    const { values } = await this.metrics.events.get();
    return values.find((v) => v.labels.type === type)?.value ?? 0;
  }
}

const labelOf = (value: unknown) => (typeof value === 'string' ? value : 'unknown');
