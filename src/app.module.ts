import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule, EventBus } from '@nestjs/cqrs';
import { EventBusFeed } from '../projections/workers/event-bus-feed.js';
import { StoredEventMetrics } from './ops/metrics/stored-event-metrics.handler.js';
import { openReadModelDb } from './ops/projections/projections-runtime.js';
import { DocumentService } from './documents/document-service.js';
import { DocumentRetention } from './documents/document-retention.js';
import { ServiceMetrics } from './platform/metrics/service-metrics.js';
import { PersonalDataVault } from './platform/personal-data/personal-data-vault.js';
import { PriceCatalogProvider } from './ledger/price-catalog.provider.js';
import { CLOCK, type Clock } from './platform/clock/clock.js';
import { DEFAULT_EFFECTIVE_TIME_WINDOW, EFFECTIVE_TIME_WINDOW } from './platform/http/effective-time.js';
import { TRANSPORT_DEFAULTS, type AppConfig } from './platform/config/config.js';
import { ProfileRegistry } from './domain/policies/profile-registry.js';
import { EVENT_STORE, type EventStore } from './platform/event-store/event-store.port.js';
import { HealthController } from './ops/health/health.controller.js';
import { ApiKeyGuard } from './platform/http/auth/api-key.guard.js';
import { ApiKeyRegistry } from './platform/http/auth/api-keys.js';
import { rateLimit } from './platform/http/rate-limit.js';
import { IdempotencyInterceptor } from './platform/http/idempotency/idempotency.interceptor.js';
import { IdempotencyStore } from './platform/http/idempotency/idempotency-store.js';
import {
  IDEMPOTENCY_RETENTION_DAYS,
  IdempotencyRetention,
} from './platform/http/idempotency/idempotency-retention.js';
import { StorageHealth } from './platform/http/storage-health.js';
import { AccountSummaryController } from './accounts/account-summary/account-summary.controller.js';
import { ListAccountsController } from './accounts/list-accounts/list-accounts.controller.js';
import { ListProfilesController } from './accounts/list-profiles/list-profiles.controller.js';
import { AddLegalDetailsController } from './accounts/add-legal-details/add-legal-details.controller.js';
import { AddLegalDetailsHandler } from './accounts/add-legal-details/add-legal-details.command.js';
import { ChangeContractController } from './accounts/change-contract/change-contract.controller.js';
import { ChangeContractHandler } from './accounts/change-contract/change-contract.command.js';
import { ChangePaymentMethodController } from './accounts/change-payment-method/change-payment-method.controller.js';
import { ChangePaymentMethodHandler } from './accounts/change-payment-method/change-payment-method.command.js';
import { DeleteAccountHandler } from './accounts/delete-account/delete-account.command.js';
import { EndDocumentRetentionHandler } from './accounts/end-document-retention/end-document-retention.command.js';
import { EntitlementController } from './accounts/entitlement/entitlement.controller.js';
import { OpenAccountController } from './accounts/open-account/open-account.controller.js';
import { OpenAccountHandler } from './accounts/open-account/open-account.command.js';
import { AuditController } from './audit/audit-trail/audit-trail.controller.js';
import { BalanceDerivationController } from './audit/balance-derivation/balance-derivation.controller.js';
import { DocumentDerivationController } from './audit/document-derivation/document-derivation.controller.js';
import { DocumentDerivations } from './audit/document-derivation/document-derivations.js';
import { AccountBook } from './accounts/account-book.js';
import { ACCOUNT_DIRECTORY } from './ledger/account-directory.js';
import { DEFAULT_LEDGER_CACHE_EVENTS, LEDGER_CACHE_EVENTS, LedgerBook } from './ledger/ledger-book.js';
import { LedgerHistory } from './ledger/ledger-history.js';
import { AdjustController } from './ledger/adjust/adjust.controller.js';
import { AdjustHandler } from './ledger/adjust/adjust.command.js';
import { VoidUsageRecordController } from './ledger/void-usage/void-usage.controller.js';
import { VoidUsageRecordHandler } from './ledger/void-usage/void-usage.command.js';
import { RerateUsageRecordController } from './ledger/rerate-usage/rerate-usage.controller.js';
import { RerateUsageRecordHandler } from './ledger/rerate-usage/rerate-usage.command.js';
import { PaymentBook } from './ledger/payment-book.js';
import { AccountDocumentsController } from './documents/account-documents/account-documents.controller.js';
import { InvoicePreviewController } from './documents/invoice-preview/invoice-preview.controller.js';
import { PreviewInvoiceHandler } from './documents/invoice-preview/invoice-preview.query.js';
import { BillingReportController } from './documents/billing-report/billing-report.controller.js';
import { CostQueryController } from './documents/cost-query/cost-query.controller.js';
import { DocumentEsfController } from './documents/document-esf/document-esf.controller.js';
import { DocumentXmlController } from './documents/document-xml/document-xml.controller.js';
import { ReconciliationReportController } from './documents/reconciliation-report/reconciliation-report.controller.js';
import {
  IssueMidPeriodBillHandler,
  IssueTopUpBillHandler,
  IssueWithheldDocumentsHandler,
  IssuePeriodDocumentsHandler,
  IssueCorrectiveDocumentsHandler,
  IssueClosedPeriodsDocumentsHandler,
} from './documents/issue-documents/issue-documents.command.js';
import { ClosePeriodController } from './ledger/close-period/close-period.controller.js';
import { ClosePeriodHandler } from './ledger/close-period/close-period.command.js';
import { ConsumeResourceController } from './ledger/consume-resource/consume-resource.controller.js';
import { ConsumeResourceHandler } from './ledger/consume-resource/consume-resource.command.js';
import { ExpireGrantsController } from './ledger/expire-grants/expire-grants.controller.js';
import { ExpireGrantsHandler } from './ledger/expire-grants/expire-grants.command.js';
import { IssueGrantController } from './ledger/issue-grant/issue-grant.controller.js';
import { IssueGrantHandler } from './ledger/issue-grant/issue-grant.command.js';
import { PayBillController } from './ledger/pay-bill/pay-bill.controller.js';
import { PayBillHandler } from './ledger/pay-bill/pay-bill.command.js';
import { RequestTopUpBillController } from './ledger/request-top-up-bill/request-top-up-bill.controller.js';
import { RequestTopUpBillHandler } from './ledger/request-top-up-bill/request-top-up-bill.command.js';
import { SetCreditLimitController } from './ledger/set-credit-limit/set-credit-limit.controller.js';
import { SetCreditLimitHandler } from './ledger/set-credit-limit/set-credit-limit.command.js';
import { CatalogBook } from './ledger/catalog/catalog-book.js';
import { CatalogController } from './ledger/catalog/catalog.controller.js';
import { PublishCatalogVersionHandler } from './ledger/catalog/publish-catalog-version.command.js';
import { AccountPricingBook } from './ledger/account-pricing-book.js';
import { AccountPricingController } from './ledger/pricing/pricing.controller.js';
import {
  EndDiscountHandler,
  GrantDiscountHandler,
  MakeCommitmentHandler,
} from './ledger/pricing/pricing.command.js';
import { ConfigureAutoTopUpController } from './ledger/configure-auto-top-up/configure-auto-top-up.controller.js';
import { ConfigureAutoTopUpHandler } from './ledger/configure-auto-top-up/configure-auto-top-up.command.js';
import { AnswerAutoTopUpController } from './ledger/answer-auto-top-up/answer-auto-top-up.controller.js';
import { AnswerAutoTopUpHandler } from './ledger/answer-auto-top-up/answer-auto-top-up.command.js';
import { RequestRefundController } from './ledger/request-refund/request-refund.controller.js';
import { RequestRefundHandler } from './ledger/request-refund/request-refund.command.js';
import { RecordRefundResultController } from './ledger/record-refund-result/record-refund-result.controller.js';
import { RecordRefundResultHandler } from './ledger/record-refund-result/record-refund-result.command.js';
import { ListRefundsController } from './ledger/list-refunds/list-refunds.controller.js';
import {
  CallbackOnlyPaymentGateway,
  PAYMENT_GATEWAY,
  type PaymentGateway,
} from './ledger/payment-gateway/payment-gateway.port.js';
import { TopUpController } from './ledger/top-up/top-up.controller.js';
import { TopUpHandler } from './ledger/top-up/top-up.command.js';
import { UpgradeFromTrialHandler } from './ledger/upgrade-from-trial/upgrade-from-trial.command.js';
import { InstrumentedCommandBus } from './platform/commands/instrumented-command-bus.js';
import { DEADLINE_COMMAND_HANDLERS } from './ledger/deadline-commands/deadline-commands.js';
import { AdvanceClockController } from './timelines/advance-clock/advance-clock.controller.js';
import { OPS_CONTROLLERS, opsProviders } from './ops/ops.module.js';
import { WhoamiController } from './ops/console/whoami.controller.js';
import { RunningTimelines } from './timelines/running-timelines.js';
import type { ProjectionsRuntime } from './ops/projections/projections-runtime.js';
import type { WorkersConfig } from './ops/projections/workers-config.js';
import { LogAnchor } from './platform/event-store/anchor/log-anchor.js';
import { TamperedLogGuard } from './ops/health/tampered-log.guard.js';
// ── Delivery (issue 13, item 7) ──────────────────────────────────────────────────────────────────────
import {
  DELIVERY_COMMAND_HANDLERS,
  DELIVERY_CONTROLLERS,
  deliveryProviders,
} from './delivery/delivery.module.js';
// ── end of delivery ──────────────────────────────────────────────────────────────────────────────────
// ── Budgets and alerts (issue 15, item 4) ──
import { ALERTS_COMMAND_HANDLERS, ALERTS_CONTROLLERS, ALERTS_PROVIDERS } from './alerts/alerts.module.js';
import { AlertReactor } from './alerts/raise-alert/alert-reactor.js';
// ── Closing an account (issue 14, item 5) ────────────────────────────────────────────────────────────
import { CloseAccountController } from './accounts/close-account/close-account.controller.js';
import { CloseAccountHandler } from './accounts/close-account/close-account.command.js';
import { CloseFinalPeriodHandler } from './accounts/close-account/close-final-period.command.js';
import { BusFinalRefund } from './accounts/close-account/bus-final-refund.js';
import { RefundRemainingBalanceHandler } from './accounts/close-account/refund-remaining-balance.command.js';
import { DeleteClosedAccountHandler } from './accounts/close-account/delete-closed-account.command.js';
import { FINAL_REFUND, type FinalRefund } from './accounts/close-account/final-refund.port.js';
// ── end of closing an account ────────────────────────────────────────────────────────────────────────

export const APP_CONFIG = Symbol('AppConfig');

/** Every HTTP controller; the route-table test walks this list. */
export const CONTROLLERS = [
  HealthController,
  OpenAccountController,
  TopUpController,
  ConsumeResourceController,
  IssueGrantController,
  SetCreditLimitController,
  CatalogController,
  PayBillController,
  RequestTopUpBillController,
  ClosePeriodController,
  AccountSummaryController,
  ListAccountsController,
  ListProfilesController,
  AuditController,
  DocumentDerivationController,
  BalanceDerivationController,
  ChangeContractController,
  ChangePaymentMethodController,
  AddLegalDetailsController,
  ExpireGrantsController,
  EntitlementController,
  AccountDocumentsController,
  InvoicePreviewController,
  DocumentXmlController,
  DocumentEsfController,
  ReconciliationReportController,
  BillingReportController,
  AdvanceClockController,
  ConfigureAutoTopUpController,
  AnswerAutoTopUpController,
  ...OPS_CONTROLLERS,
  // The console (issue 16): what the presented key may do
  WhoamiController,
  // Delivery (issue 13, item 7): the owner's e-mail, webhooks, the delivery log
  ...DELIVERY_CONTROLLERS,
  // Per-account pricing (issue 15, item 3)
  AccountPricingController,
  // Budgets and alerts (issue 15, item 4)
  ...ALERTS_CONTROLLERS,
  // Refunds (issue 14, item 4)
  RequestRefundController,
  RecordRefundResultController,
  ListRefundsController,
  // Closing an account (issue 14, item 5)
  CloseAccountController,
  // Corrections by ops (issue 14)
  AdjustController,
  VoidUsageRecordController,
  RerateUsageRecordController,
  // Projects (issue 15, item 1): the cost query
  CostQueryController,
];

/** Every command handler: one named command per use case, all on the one CommandBus. */
export const COMMAND_HANDLERS = [
  OpenAccountHandler,
  ChangeContractHandler,
  ChangePaymentMethodHandler,
  AddLegalDetailsHandler,
  DeleteAccountHandler,
  EndDocumentRetentionHandler,
  TopUpHandler,
  ConsumeResourceHandler,
  PayBillHandler,
  RequestTopUpBillHandler,
  IssueGrantHandler,
  ExpireGrantsHandler,
  SetCreditLimitHandler,
  PublishCatalogVersionHandler,
  ClosePeriodHandler,
  UpgradeFromTrialHandler,
  IssuePeriodDocumentsHandler,
  IssueCorrectiveDocumentsHandler,
  IssueClosedPeriodsDocumentsHandler,
  IssueMidPeriodBillHandler,
  IssueTopUpBillHandler,
  IssueWithheldDocumentsHandler,
  ConfigureAutoTopUpHandler,
  AnswerAutoTopUpHandler,
  ...DEADLINE_COMMAND_HANDLERS,
  // Delivery (issue 13, item 7)
  ...DELIVERY_COMMAND_HANDLERS,
  // Per-account pricing (issue 15, item 3)
  GrantDiscountHandler,
  EndDiscountHandler,
  MakeCommitmentHandler,
  // Budgets and alerts (issue 15, item 4)
  ...ALERTS_COMMAND_HANDLERS,
  // Refunds (issue 14, item 4)
  RequestRefundHandler,
  RecordRefundResultHandler,
  // Closing an account (issue 14, item 5): the request and the saga's steps
  CloseAccountHandler,
  CloseFinalPeriodHandler,
  RefundRemainingBalanceHandler,
  DeleteClosedAccountHandler,
  // Corrections by ops (issue 14)
  AdjustHandler,
  VoidUsageRecordHandler,
  RerateUsageRecordHandler,
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
  /** Charges linked cards for auto top-ups; default: answers come only through the callback endpoint. */
  paymentGateway?: PaymentGateway;
  /** Signed checkpoints of the log (tamper evidence); started before serving. Without it (tests): none. */
  anchor?: LogAnchor;
  /** The closure saga's refund of the remaining balance; default: not wired yet (never completes). */
  finalRefund?: FinalRefund;
}

@Module({})
export class AppModule {
  /** Infrastructure is opened before Nest starts, so an unreachable store stops start-up with a clear message. */
  /**
   * `http: false` leaves out the controllers and the HTTP guard and interceptor; `background: false` leaves
   * out the read models and the event-bus feed (an engine for tests, the simulation and the benchmarks).
   */
  static register(
    deps: AppDependencies,
    options: { http?: boolean; background?: boolean } = {},
  ): DynamicModule {
    const http = options.http ?? true;
    const background = options.background ?? true;
    const limit = http
      ? rateLimit(deps.config?.rateLimit?.perMinute ?? 0, deps.apiKeys)
      : { imports: [], guards: [] };
    return {
      module: AppModule,
      imports: [CqrsModule.forRoot(), ...limit.imports],
      controllers: http ? CONTROLLERS : [],
      providers: [
        { provide: APP_CONFIG, useValue: deps.config },
        {
          provide: LEDGER_CACHE_EVENTS,
          useValue: deps.config?.ledgerCacheEvents ?? DEFAULT_LEDGER_CACHE_EVENTS,
        },
        {
          provide: EFFECTIVE_TIME_WINDOW,
          useValue: deps.config?.effectiveTimeWindow ?? DEFAULT_EFFECTIVE_TIME_WINDOW,
        },
        { provide: EVENT_STORE, useValue: deps.eventStore },
        { provide: CLOCK, useValue: deps.clock },
        { provide: ApiKeyRegistry, useValue: deps.apiKeys },
        { provide: IdempotencyStore, useValue: deps.idempotency },
        {
          provide: StorageHealth,
          useValue: new StorageHealth(deps.config?.transport?.readyStorageFailureSeconds),
        },
        { provide: PersonalDataVault, useValue: deps.vault },
        { provide: ProfileRegistry, useValue: deps.profiles ?? new ProfileRegistry() },
        { provide: PriceCatalogProvider, useValue: deps.catalog ?? new PriceCatalogProvider() },
        { provide: PAYMENT_GATEWAY, useValue: deps.paymentGateway ?? new CallbackOnlyPaymentGateway() },
        // Merge point for refunds (issue 14, item 4): RequestRefund on the bus behind this one provider.
        deps.finalRefund
          ? { provide: FINAL_REFUND, useValue: deps.finalRefund }
          : { provide: FINAL_REFUND, useClass: BusFinalRefund },
        AccountBook,
        { provide: ACCOUNT_DIRECTORY, useExisting: AccountBook },
        LedgerBook,
        // Per-account pricing: the ledger reads an account's discounts and commitments from it.
        AccountPricingBook,
        LedgerHistory,
        // Seeds the price list's stream on first start and puts its versions in force (rating reads them).
        CatalogBook,
        PaymentBook,
        DocumentRetention,
        DocumentService,
        DocumentDerivations,
        // One registry per application: the metrics of the service that serves them.
        { provide: ServiceMetrics, useValue: new ServiceMetrics() },
        InstrumentedCommandBus,
        RunningTimelines,
        StoredEventMetrics,
        ...COMMAND_HANDLERS,
        // Read-only queries (the invoice preview): named, on the QueryBus, storing nothing.
        PreviewInvoiceHandler,
        // ── Delivery (issue 13, item 7): webhooks, the outbox and, with background work, its worker ──
        ...deliveryProviders({
          eventStore: deps.eventStore,
          config: deps.config?.delivery,
          db: () => openReadModelDb(deps.workers?.databases['document-delivery'] ?? ':memory:'),
          run: background,
          lease: deps.workers?.lease,
        }),
        // ── end of delivery ──
        // Budgets and alerts (issue 15, item 4): the book and the reactor the event-bus feed calls
        ...ALERTS_PROVIDERS,
        ...(deps.anchor ? [{ provide: LogAnchor, useValue: deps.anchor }] : []),
        ...(background ? backgroundProviders(deps) : []),
        ...(http
          ? [
              // The rate limit first: it counts requests with a wrong key too (by address).
              ...limit.guards,
              { provide: APP_GUARD, useClass: ApiKeyGuard },
              { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
              {
                provide: IDEMPOTENCY_RETENTION_DAYS,
                useValue:
                  deps.config?.transport?.idempotencyRetentionDays ??
                  TRANSPORT_DEFAULTS.idempotencyRetentionDays,
              },
              IdempotencyRetention,
              // After the key check: a tampered log is not served (docs/security.md).
              ...(deps.anchor ? [{ provide: APP_GUARD, useClass: TamperedLogGuard }] : []),
            ]
          : []),
      ],
    };
  }
}

/** The read models (with their ops) and the event-bus feed: the work a service does besides commands. */
function backgroundProviders(deps: AppDependencies): Provider[] {
  return [
    {
      provide: EventBusFeed,
      // The service's own reactions are the feed's reactors, called directly; the bus gets what others listen for.
      useFactory: (bus: EventBus, metrics: StoredEventMetrics, alerts: AlertReactor) =>
        new EventBusFeed(
          deps.eventStore,
          bus,
          openReadModelDb(deps.workers?.databases['event-bus'] ?? ':memory:'),
          deps.workers?.lease,
          [metrics, alerts],
        ),
      inject: [EventBus, StoredEventMetrics, AlertReactor],
    },
    ...opsProviders(deps.eventStore, deps.projections),
  ];
}
