import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { EventStore } from '../platform/event-store/event-store.port.js';
import type { DeliveryConfig } from '../platform/config/config.js';
import type { ServiceMetrics } from '../platform/metrics/service-metrics.js';
import type { LeaseOptions } from '../../projections/runner/leased-runner.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import {
  DeliveryOutbox,
  type DeliverySending,
} from '../../projections/workers/document-delivery.projection.js';
import type { AccountBook } from '../accounts/account-book.js';
import { EMAIL_DISABLED, documentSender, type DocumentSenderDeps } from './document-sender.js';
import { DeliveryWorker } from './delivery-worker.js';
import type { WebhookBook } from './webhooks/webhook-book.js';

/** What ops status says about e-mail delivery (never the SMTP credentials). */
export function emailDeliveryStatus(config: DeliveryConfig): string {
  return config.smtp ? `enabled: ${config.smtp.display} from ${config.from}` : `disabled: ${EMAIL_DISABLED}`;
}

/**
 * Delivery in one process: the outbox tables (the delivery log, redelivery — any instance) and, when this
 * instance runs background work and DELIVERY_WORKER is not off, the worker that plans and sends (under its
 * lease). Started with the application, stopped (lease handed back) on shutdown.
 */
export class DeliveryRuntime implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly outbox: DeliveryOutbox;
  readonly worker?: DeliveryWorker;
  private readonly sender?: ReturnType<typeof documentSender>;

  constructor(
    store: EventStore,
    private readonly db: ReadModelDb,
    readonly config: DeliveryConfig,
    books: {
      accounts: Pick<AccountBook, 'state'>;
      webhooks: Pick<WebhookBook, 'subscription'>;
      retention?: DocumentSenderDeps['retention'];
    },
    options: {
      run: boolean;
      lease?: LeaseOptions;
      log?: (message: string) => void;
      metrics?: Pick<ServiceMetrics, 'documentDeliveries'>;
    },
  ) {
    const retry = config.retry;
    this.outbox = new DeliveryOutbox(db, retry);
    if (options.run && config.worker === 'run') {
      this.sender = documentSender({ store, ...books, config });
      const sending = options.metrics ? countDeliveries(this.sender, options.metrics) : this.sender;
      this.worker = new DeliveryWorker(store, db, sending, {
        lease: options.lease,
        log: options.log,
        retry,
        pollMs: config.pollMs,
        ...(config.since ? { since: config.since } : {}),
      });
    }
  }

  get emailStatus(): string {
    return emailDeliveryStatus(this.config);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.worker?.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop();
    this.sender?.close();
    await this.db.close();
  }
}

/** Counts every attempt by channel and outcome: delivered, skipped (nothing to send to), failed (to be retried or given up). */
function countDeliveries(
  send: DeliverySending,
  metrics: Pick<ServiceMetrics, 'documentDeliveries'>,
): DeliverySending {
  return async (delivery) => {
    try {
      const result = await send(delivery);
      metrics.documentDeliveries.inc({ channel: delivery.channel, outcome: result.outcome });
      return result;
    } catch (error) {
      metrics.documentDeliveries.inc({ channel: delivery.channel, outcome: 'failed' });
      throw error;
    }
  };
}
