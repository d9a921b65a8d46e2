import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../../../src/platform/event-store/event-store.port.js';
import type { SqliteEventStore } from '../../../src/platform/event-store/sqlite/sqlite-event-store.js';
import {
  accountStream,
  alertsStream,
  ledgerStream,
  ledgerStreamParts,
} from '../../../src/platform/event-store/stream-names.js';

const event = (type: string, data: unknown, at: string): NewEvent => ({
  id: randomUUID(),
  type,
  data,
  metadata: { effectiveAt: at, recordedAt: at },
});

/**
 * After the engine-made history, what it does not make: payment method and contract changes, budgets set
 * and ended, closure requested, an account deleted, an account opened twice, a charge booked in a period
 * older than the account's latest, and — last — a charge and a period opened in the ledger of an account never opened (the planner
 * refuses the latter: a poison event).
 */
export async function appendRareEvents(store: SqliteEventStore): Promise<void> {
  const at = '2026-04-03T10:00:00.000Z';
  const all = await store.readAll({ maxCount: 1_000_000 });
  const opened = all.find((e) => e.type === 'AccountOpened')!;
  const charge = all.find((e) => e.type === 'ResourceConsumed')!;
  const { accountId, periodId } = ledgerStreamParts(charge.streamId)!;
  await store.append(accountStream('acc-001'), [
    event('PaymentMethodChanged', { accountId: 'acc-001', at, paymentMethod: 'bank-transfer' }, at),
    event(
      'ContractChanged',
      {
        accountId: 'acc-001',
        at,
        contract: 'individual-contract',
        paymentScheme: 'prepaid',
        profileId: 'vk-legal-prepaid',
        profileVersion: 1,
      },
      at,
    ),
    event('AccountClosureRequested', { accountId: 'acc-001', at, reason: 'moving', by: 'owner' }, at),
  ]);
  // A period opened after the contract change, in the same batch: planned in the account's own time zone.
  const lastOpened = all.filter((e) => e.type === 'PeriodOpened' && e.streamId.includes('acc-001@')).at(-1)!;
  const data = lastOpened.data as { periodId: string; startsAt: string; endsAt: string; lastDay: string };
  await store.append(ledgerStream('acc-001', '2026-09'), [
    event(
      'PeriodOpened',
      {
        ...data,
        periodId: '2026-09',
        startsAt: '2026-09-01T00:00:00.000Z',
        endsAt: '2026-10-01T00:00:00.000Z',
        lastDay: '2026-09-30',
      },
      at,
    ),
  ]);
  await store.append(accountStream('acc-002'), [
    event(
      'AccountDeleted',
      {
        accountId: 'acc-002',
        at,
        reason: 'test',
        erased: [],
        kept: [{ what: 'documents', until: '2031-04-03T10:00:00.000Z', why: 'tax law' }],
      },
      at,
    ),
  ]);
  // Opened again: every table keeps its first row.
  await store.append(opened.streamId, [
    event('AccountOpened', { ...(opened.data as object), openedAt: at, timeZone: 'Asia/Almaty' }, at),
  ]);
  const budget = { scope: 'account', amount: '100', currency: 'RUB', thresholds: [50, 100], channels: [] };
  await store.append(alertsStream('acc-003'), [
    event('BudgetSet', { budgetId: 'b-1', ...budget, at }, at),
    event('BudgetSet', { budgetId: 'b-2', ...budget, at }, at),
    event('BudgetEnded', { budgetId: 'b-1', at }, at),
  ]);
  // An earlier period of its account (already followed by later ones), and an account never opened.
  await store.append(charge.streamId, [event('ResourceConsumed', charge.data, at)]);
  const periodOpened = all.find((e) => e.type === 'PeriodOpened')!;
  await store.append(charge.streamId.replace(accountId, 'acc-ghost'), [
    event('ResourceConsumed', { ...(charge.data as object), accountId: 'acc-ghost' }, at),
    event('PeriodOpened', { ...(periodOpened.data as object), accountId: 'acc-ghost' }, at),
  ]);
  if (!(periodId < '2026-03')) throw new Error(`expected a charge of an early period, got ${periodId}`);
}
