import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule, EventBus } from '@nestjs/cqrs';
import { EventBusFeed } from './application/event-bus/event-bus-feed.js';
import { EventTypeMetrics } from './application/event-bus/event-type-metrics.handler.js';
import { openReadModelDb } from './ops/projections-runtime.js';
import { BillingService } from './application/billing/billing.service.js';
import { DocumentService } from './application/documents/document-service.js';
import { CommandMetrics } from './application/metrics/command-metrics.js';
import { PersonalDataVault } from './application/personal-data/personal-data-vault.js';
import { PriceCatalogProvider } from './application/catalog/price-catalog.provider.js';
import { CLOCK, type Clock } from './application/clock/clock.js';
import type { AppConfig } from './config/config.js';
import { ProfileRegistry } from './domain/policies/profile-registry.js';
import { EVENT_STORE, type EventStore } from './event-store/event-store.port.js';
import { HealthController } from './health/health.controller.js';
import { ApiKeyGuard } from './http/auth/api-key.guard.js';
import { ApiKeyRegistry } from './http/auth/api-keys.js';
import { IdempotencyInterceptor } from './http/idempotency/idempotency.interceptor.js';
import { IdempotencyStore } from './http/idempotency/idempotency-store.js';
import { AccountSummaryController } from './use-cases/account-summary/account-summary.controller.js';
import { AuditController } from './use-cases/audit/audit.controller.js';
import { ChangeContractController } from './use-cases/change-contract/change-contract.controller.js';
import { ExpireGrantsController } from './use-cases/expire-grants/expire-grants.controller.js';
import { EntitlementController } from './use-cases/entitlement/entitlement.controller.js';
import { DocumentsController } from './use-cases/documents/documents.controller.js';
import { ClosePeriodController } from './use-cases/close-period/close-period.controller.js';
import { ConsumeResourceController } from './use-cases/consume-resource/consume-resource.controller.js';
import { IssueGrantController } from './use-cases/issue-grant/issue-grant.controller.js';
import { OpenAccountController } from './use-cases/open-account/open-account.controller.js';
import { OpenAccountHandler } from './use-cases/open-account/open-account.handler.js';
import { PayBillController } from './use-cases/pay-bill/pay-bill.controller.js';
import { RunLedgerCommandHandler } from './use-cases/run-ledger-command.js';
import { SetCreditLimitController } from './use-cases/set-credit-limit/set-credit-limit.controller.js';
import { TopUpController } from './use-cases/top-up/top-up.controller.js';
import { OPS_CONTROLLERS, opsProviders } from './ops/ops.module.js';
import { AdvanceClockController } from './use-cases/advance-clock/advance-clock.controller.js';
import { RunningTimelines } from './timelines/running-timelines.js';
import type { ProjectionsRuntime } from './ops/projections-runtime.js';
import type { WorkersConfig } from './ops/workers-config.js';

export const APP_CONFIG = Symbol('AppConfig');

/** Every HTTP controller; the route-table test walks this list. */
export const CONTROLLERS = [
  HealthController,
  OpenAccountController,
  TopUpController,
  ConsumeResourceController,
  IssueGrantController,
  SetCreditLimitController,
  PayBillController,
  ClosePeriodController,
  AccountSummaryController,
  AuditController,
  ChangeContractController,
  ExpireGrantsController,
  EntitlementController,
  DocumentsController,
  AdvanceClockController,
  ...OPS_CONTROLLERS,
];

export interface AppDependencies {
  config: AppConfig;
  eventStore: EventStore;
  clock: Clock;
  apiKeys: ApiKeyRegistry;
  idempotency: IdempotencyStore;
  profiles?: ProfileRegistry;
  catalog?: PriceCatalogProvider;
  vault: PersonalDataVault;
  /** Read models and their ops; without it (tests) the projections run in memory. */
  projections?: ProjectionsRuntime;
  /** Where the timelines, document issuer and event-bus feed keep checkpoints and leases; default: DATA_DIR files. */
  workers?: WorkersConfig;
}

@Module({})
export class AppModule {
  /** Infrastructure is opened before Nest starts, so an unreachable store stops start-up with a clear message. */
  static register(deps: AppDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot()],
      controllers: CONTROLLERS,
      providers: [
        { provide: APP_CONFIG, useValue: deps.config },
        { provide: EVENT_STORE, useValue: deps.eventStore },
        { provide: CLOCK, useValue: deps.clock },
        { provide: ApiKeyRegistry, useValue: deps.apiKeys },
        { provide: IdempotencyStore, useValue: deps.idempotency },
        { provide: PersonalDataVault, useValue: deps.vault },
        { provide: ProfileRegistry, useValue: deps.profiles ?? new ProfileRegistry() },
        { provide: PriceCatalogProvider, useValue: deps.catalog ?? new PriceCatalogProvider() },
        BillingService,
        {
          provide: DocumentService,
          useFactory: (billing: BillingService) => new DocumentService(deps.eventStore, deps.clock, billing),
          inject: [BillingService],
        },
        { provide: CommandMetrics, useValue: new CommandMetrics() },
        RunningTimelines,
        EventTypeMetrics,
        {
          provide: EventBusFeed,
          useFactory: (bus: EventBus) =>
            new EventBusFeed(
              deps.eventStore,
              bus,
              openReadModelDb(deps.workers?.databases['event-bus'] ?? ':memory:'),
              deps.workers?.lease,
            ),
          inject: [EventBus],
        },
        OpenAccountHandler,
        RunLedgerCommandHandler,
        ...opsProviders(deps.eventStore, deps.projections),
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
      ],
    };
  }
}
