import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import { createEngine, wireTimelines } from '../bootstrap.js';
import { OpenAccount } from '../accounts/open-account/open-account.command.js';
import { ConsumeResource } from '../ledger/consume-resource/consume-resource.command.js';
import { IssueGrant } from '../ledger/issue-grant/issue-grant.command.js';
import { PayBill } from '../ledger/pay-bill/pay-bill.command.js';
import { RequestTopUpBill } from '../ledger/request-top-up-bill/request-top-up-bill.command.js';
import { SetCreditLimit } from '../ledger/set-credit-limit/set-credit-limit.command.js';
import { TopUp } from '../ledger/top-up/top-up.command.js';
import { ConfigureAutoTopUp } from '../ledger/configure-auto-top-up/configure-auto-top-up.command.js';
import { Adjust } from '../ledger/adjust/adjust.command.js';
import { VoidUsageRecord } from '../ledger/void-usage/void-usage.command.js';
import { RequestRefund } from '../ledger/request-refund/request-refund.command.js';
import { CloseAccount } from '../accounts/close-account/close-account.command.js';
import { InProcessPaymentGateway } from '../ledger/payment-gateway/in-process-payment-gateway.js';
import { PriceCatalogProvider } from '../ledger/price-catalog.provider.js';
import { VirtualClock } from '../platform/clock/clock.js';
import { PersonalDataVault } from '../platform/personal-data/personal-data-vault.js';
import type { OpenAccountCommand } from '../domain/account/open-account.js';
import { ProfileRegistry } from '../domain/policies/profile-registry.js';
import type { RecordedEvent } from '../platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../platform/event-store/sqlite/sqlite-event-store.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { CommandRejectedError } from '../platform/commands/command-outcome.js';
import {
  ACCOUNT_STREAM_PREFIX,
  DOCUMENTS_STREAM_PREFIX,
  LEDGER_STREAM_PREFIX,
} from '../platform/event-store/stream-names.js';

/** A scenario: accounts, top-ups, usage and payments at given times, run on the virtual clock. */
export interface Scenario {
  name: string;
  description?: string;
  start: string;
  until: string;
  /** The in-process payment gateway's answers to auto top-up requests, in order (then: succeeded). */
  paymentGateway?: { answers: Array<'succeeded' | 'failed'> };
  steps: Array<
    { at: string } & (
      | { openAccount: Omit<OpenAccountCommand, 'at'> }
      | { topUp: { account: string; paymentId: string; amount: string; channel: 'card' | 'bank-transfer' } }
      | {
          /** Usage metered now; with a window, usage reported late (issue 14: a closed period's). */
          usage: {
            account: string;
            usageRecordId: string;
            sku: string;
            quantity: string;
            windowStart?: string;
            windowEnd?: string;
          };
        }
      | {
          adjust: {
            account: string;
            adjustmentId: string;
            direction: 'credit' | 'debit';
            amount: string;
            period: string;
            service: string;
            sku?: string;
            reason: string;
            reference?: string;
          };
        }
      | { voidUsage: { account: string; usageRecordId: string; reason: string; reference?: string } }
      | { refund: { account: string; refundId: string; amount: string; reason: string } }
      | { closeAccount: { account: string; reason?: string } }
      | { grant: { account: string; grantId: string; amount: string; days?: number; kind?: string } }
      | { creditLimit: { account: string; creditLimit: string } }
      | {
          autoTopUp: {
            account: string;
            threshold: string;
            amount: string;
            currency: string;
            enabled: boolean;
          };
        }
      | { payBill: { account: string; billId: string; paymentId: string; amount: string } }
      | { requestBill: { account: string; billId: string; amount: string; currency: string } }
      | { note: string }
    )
  >;
}

export interface TimelineLine {
  at: string;
  account: string;
  what: string;
  detail: string;
}

const DAY_MS = 86_400_000;

/** Runs a scenario against a fresh embedded store and returns its timeline, in time order. */
export async function runScenario(
  scenario: Scenario,
  catalog = new PriceCatalogProvider(),
): Promise<{ lines: TimelineLine[]; rejected: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'simulation-'));
  const store = SqliteEventStore.open({ path: join(dir, 'events.sqlite') });
  const clock = new VirtualClock(new Date(scenario.start));
  const profiles = new ProfileRegistry();
  const vault = new PersonalDataVault(':memory:');
  const paymentGateway = new InProcessPaymentGateway(scenario.paymentGateway?.answers ?? []);
  const context = await createEngine({ eventStore: store, clock, profiles, catalog, vault, paymentGateway });
  const commands = context.get(CommandBus);
  const db = new SqliteReadModelDb(':memory:');
  const documentsDb = new SqliteReadModelDb(':memory:');
  const autoTopUpsDb = new SqliteReadModelDb(':memory:');
  const refundsDb = new SqliteReadModelDb(':memory:');
  const engine = wireTimelines(
    context,
    { eventStore: store, clock, profiles },
    { timelines: db, documents: documentsDb, autoTopUps: autoTopUpsDb, refunds: refundsDb },
  );
  const rejected: string[] = [];
  await engine.start();
  try {
    const steps = [...scenario.steps].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
    let index = 0;
    for (const step of steps) {
      await engine.advanceTo(new Date(step.at).toISOString(), clock);
      const at = clock.now().toISOString();
      const meta = { commandId: `scenario/${index++}`, actor: 'simulation' };
      try {
        if ('openAccount' in step) await commands.execute(new OpenAccount({ ...step.openAccount, at }, meta));
        else if ('topUp' in step) {
          const { account, ...payment } = step.topUp;
          await commands.execute(new TopUp(account, { ...payment, at }, meta));
        } else if ('usage' in step) {
          const { account, windowStart, windowEnd, ...usage } = step.usage;
          const window = { windowStart: windowStart ?? at, windowEnd: windowEnd ?? at };
          await commands.execute(new ConsumeResource(account, { ...usage, ...window }, meta));
        } else if ('adjust' in step) {
          const { account, ...adjustment } = step.adjust;
          await commands.execute(new Adjust(account, adjustment, at, { ...meta, actor: 'ops:simulation' }));
        } else if ('voidUsage' in step) {
          const { account, usageRecordId, ...why } = step.voidUsage;
          await commands.execute(
            new VoidUsageRecord(account, usageRecordId, why, at, { ...meta, actor: 'ops:simulation' }),
          );
        } else if ('refund' in step) {
          const { account, refundId, amount, reason } = step.refund;
          await commands.execute(
            new RequestRefund(account, refundId, amount, reason, 'ops:simulation', at, meta),
          );
        } else if ('closeAccount' in step) {
          const { account, reason } = step.closeAccount;
          await commands.execute(
            new CloseAccount(
              { accountId: account, at, by: 'simulation', ...(reason ? { reason } : {}) },
              meta,
            ),
          );
        } else if ('grant' in step) {
          const { account, days, kind, ...grant } = step.grant;
          await commands.execute(
            new IssueGrant(
              account,
              undefined,
              {
                ...grant,
                kind: kind ?? 'start',
                expiresAt: new Date(Date.parse(at) + (days ?? 60) * DAY_MS).toISOString(),
                categories: 'all',
                excludedCategories: ['gpu-cluster', 'paid-support', 'marketplace'],
                priority: 0,
                at,
              },
              meta,
            ),
          );
        } else if ('creditLimit' in step)
          await commands.execute(
            new SetCreditLimit(step.creditLimit.account, step.creditLimit.creditLimit, at, meta),
          );
        else if ('autoTopUp' in step) {
          const { account, ...settings } = step.autoTopUp;
          await commands.execute(new ConfigureAutoTopUp(account, settings, at, meta));
        } else if ('requestBill' in step) {
          const { account, ...bill } = step.requestBill;
          await commands.execute(new RequestTopUpBill(account, { ...bill, at }, meta));
        } else if ('payBill' in step) {
          const { account, billId, ...payment } = step.payBill;
          await commands.execute(
            new PayBill(account, billId, { ...payment, channel: 'bank-transfer', at }, meta),
          );
        }
      } catch (error) {
        if (!(error instanceof CommandRejectedError)) throw error;
        rejected.push(`${at} ${JSON.stringify(step)} → ${error.code}: ${error.message}`);
      }
    }
    await engine.advanceTo(new Date(scenario.until).toISOString(), clock);
    const events = await store.readAll({
      filter: { streamPrefixes: [ACCOUNT_STREAM_PREFIX, LEDGER_STREAM_PREFIX, DOCUMENTS_STREAM_PREFIX] },
    });
    return {
      lines: events.map(describe).filter((line): line is TimelineLine => line !== undefined),
      rejected,
    };
  } finally {
    await engine.stop();
    await context.close();
    await db.close();
    await documentsDb.close();
    await autoTopUpsDb.close();
    await refundsDb.close();
    await store.close();
    vault.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function describe(event: RecordedEvent): TimelineLine | undefined {
  const d = event.data as Record<string, unknown>;
  const account = event.streamId.replace(/^(account|ledger|documents)-/, '').replace(/@.*$/, '');
  const at = String(event.metadata.recordedAt ?? '');
  const line = (what: string, detail: string) => ({ at, account, what, detail });
  switch (event.type) {
    case 'AccountOpened':
      return line('opened', `${d.profileId} ${d.currency} ${d.timeZone}`);
    case 'PeriodOpened':
      return line('period opened', `${d.periodId} balance ${(d.carried as { balance: string }).balance}`);
    case 'PeriodClosed':
      return line(
        'period closed',
        `${d.periodId} consumption ${d.consumption}, grants ${d.grantsUsed}, closing ${d.closingBalance}`,
      );
    case 'FundsDeposited':
      return line('top-up', `+${d.amount} (${d.channel}) → balance ${d.balanceAfter}`);
    case 'ResourceConsumed':
      return line(
        'usage',
        `${d.quantity} ${d.sku} = ${d.amount} (grants ${(d.fromGrants as unknown[]).length ? 'used' : '—'}) → balance ${d.balanceAfter}`,
      );
    case 'ChargeCorrected': {
      const by = `${String(d.by)}: ${String(d.reason)}`;
      return line(
        `correction (${String(d.kind)})`,
        `${String(d.correctsPeriod)} ${String(d.sku ?? d.service)} ${signed(String(d.amount))} (${by}) → balance ${String(d.balanceAfter)}`,
      );
    }
    case 'RefundRequested':
      return line(
        'refund requested',
        `${String(d.refundId)}: ${String(d.amount)} to ${(d.parts as Array<{ paymentId: string; channel: string; amount: string }>).map((p) => `${p.paymentId} (${p.channel}) ${p.amount}`).join(', ')} → balance ${String(d.balanceAfter)}`,
      );
    case 'RefundCompleted':
      return line('refund completed', `${String(d.refundId)}${d.paymentId ? ` ${String(d.paymentId)}` : ''}`);
    case 'RefundFailed':
      return line('refund failed', `${String(d.refundId)}: ${String(d.reason)}`);
    case 'AccountClosureRequested':
      return line('closure requested', `by ${String(d.by)}${d.reason ? `: ${String(d.reason)}` : ''}`);
    case 'ClosedAccountDeletionDeferred':
      return line(
        'deletion deferred',
        `${String(d.code)}: ${String(d.reason)}, again at ${String(d.retryAt)}`,
      );
    case 'DocumentIssued': {
      const change = d.change as Record<'increase' | 'decrease', { gross: string; vat: string }> | undefined;
      if (change) {
        const corrects = d.corrects as { number: string; date: string };
        return line(
          'document',
          `${String(d.kind)} ${String(d.number)} dated ${String(d.date)} to ${corrects.number} of ${corrects.date}: increase ${change.increase.gross} (VAT ${change.increase.vat}), decrease ${change.decrease.gross} (VAT ${change.decrease.vat})`,
        );
      }
      const totals = d.totals as { gross: string; vat: string };
      const amount =
        d.kind === 'bill'
          ? `to pay ${String(d.toPay)}, due ${String(d.dueDate)}`
          : `${totals.gross} (VAT ${totals.vat})`;
      const kind =
        d.kind === 'upd'
          ? `upd status ${String(d.status)}`
          : d.kind === 'bill' && d.billKind === 'top-up'
            ? 'top-up bill'
            : String(d.kind);
      return line('document', `${kind} ${String(d.number)} dated ${String(d.date)}: ${amount}`);
    }
    case 'GrantIssued':
      return line('grant', `${d.amount} until ${d.expiresAt}`);
    case 'GrantExpired':
      return line('grant expired', `${d.amountLost} lost`);
    case 'BillIssued':
      return line('bill', `${d.kind} ${d.amount}, due ${d.dueDate}`);
    case 'TopUpBillIssued':
      return line('top-up bill', `${d.billId} for ${d.amount}, due ${d.dueDate}`);
    case 'TopUpBillPaid':
      return line('top-up bill paid', `${d.billId}: ${d.amount}${d.fullyPaid ? ', in full' : ''}`);
    case 'BillPaymentApplied':
      return line('bill paid', `${d.amount} → remaining ${d.remaining}`);
    case 'PenaltyAccrued':
      return line('penalty', `${d.amount} for ${d.day} → balance ${d.balanceAfter}`);
    case 'AutoTopUpConfigured':
      return line(
        'auto top-up set',
        d.enabled ? `at or below ${d.threshold}: charge the card ${d.amount} ${d.currency}` : 'off',
      );
    case 'AutoTopUpRequested':
      return line(
        'auto top-up asked',
        `${d.requestId} (attempt ${d.attempt}): ${d.amount} ${d.currency}, balance ${d.balance}`,
      );
    case 'AutoTopUpFailed':
      return line(
        'auto top-up failed',
        `${d.requestId}: ${d.reason}${d.retryAt ? `, asked again at ${d.retryAt}` : ', no more attempts'}`,
      );
    case 'SuspensionNoticeSent':
      return line('notice', `suspension ${d.timeLeft ?? `in ${d.daysBefore} days`} (${d.suspendAt})`);
    case 'AccountFrozen':
    case 'AccountUnfrozen':
    case 'PaymentRequired':
    case 'PaymentRequirementCleared':
    case 'AccountSuspended':
    case 'AccountRestored':
    case 'AccountBlocked':
    case 'AccountDeleted':
    case 'FrozenObjectsQueuedForDeletion':
    case 'ObjectStorageBlocked':
    case 'ObjectStorageDeleted':
    case 'CreditLimitSet':
      return line(
        event.type.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase(),
        Object.entries(d)
          .filter(([k]) => !['at', 'accountId'].includes(k))
          .map(([k, v]) => `${k} ${Array.isArray(v) ? v.join('; ') : String(v)}`)
          .join(', '),
      );
    default:
      return undefined;
  }
}

/** An amount with its sign: a correction adds (+) or gives back (−). */
const signed = (amount: string) => (amount.startsWith('-') ? amount : `+${amount}`);

export function formatTimeline(lines: TimelineLine[]): string {
  return lines
    .map(
      (l) =>
        `${l.at.replace('T', ' ').slice(0, 16)}Z  ${l.account.padEnd(10)} ${l.what.padEnd(22)} ${l.detail}`,
    )
    .join('\n');
}
