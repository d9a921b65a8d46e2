import type { Provider } from '@nestjs/common';
import { Logger } from '@nestjs/common';
import type { EventStore } from '../platform/event-store/event-store.port.js';
import { ServiceMetrics } from '../platform/metrics/service-metrics.js';
import { DELIVERY_DEFAULTS, type DeliveryConfig } from '../platform/config/config.js';
import type { LeaseOptions } from '../../projections/runner/leased-runner.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import { AccountBook } from '../accounts/account-book.js';
import { DocumentRetention } from '../documents/document-retention.js';
import { ChangeOwnerEmailController } from './change-owner-email/change-owner-email.controller.js';
import { ChangeOwnerEmailHandler } from './change-owner-email/change-owner-email.command.js';
import { DeliveryLogController } from './delivery-log/delivery-log.controller.js';
import { DeliveryRuntime } from './delivery-runtime.js';
import { WebhookBook } from './webhooks/webhook-book.js';
import { WebhooksController } from './webhooks/webhooks.controller.js';
import { SubscribeWebhookHandler, UnsubscribeWebhookHandler } from './webhooks/webhooks.command.js';

/** Delivery's HTTP routes (the composition root adds them to CONTROLLERS). */
export const DELIVERY_CONTROLLERS = [ChangeOwnerEmailController, WebhooksController, DeliveryLogController];

/** Delivery's named commands. */
export const DELIVERY_COMMAND_HANDLERS = [
  ChangeOwnerEmailHandler,
  SubscribeWebhookHandler,
  UnsubscribeWebhookHandler,
];

/**
 * The webhook book and the delivery runtime. `db` is the worker's own connection (WORKERS_DB or
 * `document-delivery.sqlite`); `run`: this process runs background work (the service, not an engine for
 * tests or tools).
 */
export function deliveryProviders(deps: {
  eventStore: EventStore;
  config?: DeliveryConfig;
  db: () => ReadModelDb;
  run: boolean;
  lease?: LeaseOptions;
}): Provider[] {
  return [
    WebhookBook,
    {
      provide: DeliveryRuntime,
      useFactory: (
        accounts: AccountBook,
        webhooks: WebhookBook,
        retention: DocumentRetention,
        metrics: ServiceMetrics,
      ) =>
        new DeliveryRuntime(
          deps.eventStore,
          deps.db(),
          deps.config ?? DELIVERY_DEFAULTS,
          { accounts, webhooks, retention },
          {
            run: deps.run,
            lease: deps.lease,
            log: (message) => new Logger('Delivery').log(message),
            metrics,
          },
        ),
      inject: [AccountBook, WebhookBook, DocumentRetention, ServiceMetrics],
    },
  ];
}
