import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createEngine, wireTimelines } from '../../src/bootstrap.js';
import { OpenAccount } from '../../src/accounts/open-account/open-account.command.js';
import { AccountBook } from '../../src/accounts/account-book.js';
import { LedgerBook } from '../../src/ledger/ledger-book.js';
import type { PriceCatalogProvider } from '../../src/ledger/price-catalog.provider.js';
import type { PaymentGateway } from '../../src/ledger/payment-gateway/payment-gateway.port.js';
import type { FinalRefund } from '../../src/accounts/close-account/final-refund.port.js';
import { DocumentService } from '../../src/documents/document-service.js';
import type { OpenAccountCommand } from '../../src/domain/account/open-account.js';
import type { CorrectionCommand, LedgerCommand } from '../../src/domain/ledger/ledger-commands.js';
import { ProfileRegistry } from '../../src/domain/policies/profile-registry.js';
import { namedLedgerCommand } from '../../src/ledger/named-ledger-command.js';
import { VirtualClock } from '../../src/platform/clock/clock.js';
import type { CommandMeta, CommandOutcome } from '../../src/platform/commands/command-outcome.js';
import type { EventStore } from '../../src/platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { PersonalDataVault } from '../../src/platform/personal-data/personal-data-vault.js';
import type { ReadModelDb } from '../../projections/runner/read-model-db.js';
import type { TimelineEngine } from '../../src/timelines/timeline-engine.js';
import { testCatalog } from './catalog.js';

/** Corrections are not sent as data: their handlers resolve the facts (a record, a closed period) first. */
export type SendableLedgerCommand = Exclude<
  LedgerCommand,
  { type: 'OpenPeriod' | 'ClosePeriod' } | CorrectionCommand
>;

/**
 * The engine as the service wires it — the same Nest module, books and command handlers — without HTTP, on
 * a virtual clock over an in-memory store (or the given one). Every command goes through its CommandBus.
 * One builder for the tests; the simulation and the benchmarks use the same `createEngine`.
 */
export async function buildEngine(
  options: {
    start?: string | Date;
    store?: EventStore;
    clock?: VirtualClock;
    catalog?: PriceCatalogProvider;
    profiles?: ProfileRegistry;
    vault?: PersonalDataVault;
    /** The card payment gateway auto top-ups ask (default: answers only through the callback). */
    paymentGateway?: PaymentGateway;
    /** The closure saga's refund step (default: not wired, never completes). */
    finalRefund?: FinalRefund;
  } = {},
) {
  const store = options.store ?? SqliteEventStore.open({ path: ':memory:' });
  const clock = options.clock ?? new VirtualClock(options.start ?? '2026-03-01T09:00:00.000Z');
  const profiles = options.profiles ?? new ProfileRegistry();
  const vault = options.vault ?? new PersonalDataVault(':memory:');
  const deps = {
    eventStore: store,
    clock,
    profiles,
    catalog: options.catalog ?? testCatalog(),
    vault,
    paymentGateway: options.paymentGateway,
    finalRefund: options.finalRefund,
  };
  const context: INestApplicationContext = await createEngine(deps);
  const commands = context.get(CommandBus);
  const timelines: TimelineEngine[] = [];
  let sent = 0;
  const meta = (commandId?: string): CommandMeta => ({
    commandId: commandId ?? `test-command-${++sent}`,
    actor: 'test',
  });
  return {
    context,
    commands,
    store,
    clock,
    profiles,
    vault,
    accounts: context.get(AccountBook),
    ledger: context.get(LedgerBook),
    documents: context.get(DocumentService),
    now: () => clock.now().toISOString(),
    /** Opens an account through the bus (OpenAccount). */
    open(command: OpenAccountCommand, commandId?: string): Promise<CommandOutcome> {
      return commands.execute(new OpenAccount(command, meta(commandId ?? `open-${command.accountId}`)));
    },
    /** Sends a ledger command given as data through the bus, as its named command. */
    send(accountId: string, command: SendableLedgerCommand, commandId?: string): Promise<CommandOutcome> {
      return commands.execute(namedLedgerCommand(accountId, command, meta(commandId)));
    },
    /**
     * The timelines of this engine (planner and scheduler; with `documents`, the document issuer; with
     * `autoTopUps`, the auto top-up worker; with `refunds`, the refund worker).
     */
    timelines(
      dbs: {
        timelines: ReadModelDb;
        documents?: ReadModelDb;
        autoTopUps?: ReadModelDb;
        refunds?: ReadModelDb;
      },
      options: Parameters<typeof wireTimelines>[3] = {},
    ): TimelineEngine {
      const engine = wireTimelines(context, deps, dbs, options);
      timelines.push(engine);
      return engine;
    },
    async close(): Promise<void> {
      for (const engine of timelines) await engine.stop();
      await context.close();
      if (!options.store) await store.close();
      if (!options.vault) vault.close();
    },
  };
}

export type TestEngine = Awaited<ReturnType<typeof buildEngine>>;

/** An individual on the first provider's public offer, prepaid, as `engine.open` takes it, opened at `at`. */
export const individualPrepaid = (accountId: string, at: string): OpenAccountCommand =>
  ({
    accountId,
    payerType: 'individual',
    contract: 'public-offer',
    paymentScheme: 'prepaid',
    profileId: 'vk-individual-prepaid',
    region: 'ru-moscow',
    residency: 'resident',
    edm: false,
    at,
  }) as OpenAccountCommand;
