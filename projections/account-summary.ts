import type Big from 'big.js';
import type { AccountEvent } from '../src/domain/account/account-events.js';
import { chargedCarryOnly } from '../src/domain/ledger/carried-charge.js';
import type { LedgerEvent, LedgerEventOf } from '../src/domain/ledger/ledger-events.js';
import {
  carriedState,
  evolveLedger,
  initialLedgerState,
  type LedgerState,
} from '../src/domain/ledger/ledger-state.js';
import type { RecordedEvent } from '../src/platform/event-store/event-store.port.js';
import { ledgerStreamParts } from '../src/platform/event-store/stream-names.js';
import { localDate } from '../src/domain/shared/reporting-period.js';
import { isCanonicalInstant } from '../src/domain/shared/calendar.js';
import type { Projection } from './runner/projection.js';
import type { SqlValue } from './runner/read-model-db.js';

/** A period's state as a PeriodOpened would carry it in: what the summary is a pure function of. */
export type LedgerSnapshot = LedgerEventOf<'PeriodOpened'>['data'];

/** Stands for an effective time that cannot be read: such a state is never served as "now". */
export const UNREADABLE_TIME = '9999-12-31T23:59:59.999Z';

export interface SummaryRow {
  account_id: string;
  currency: string;
  payer_type: string;
  profile_id: string;
  profile_version: number;
  opened_at: string;
  period_id: string | null;
  ledger: string | null;
  latest_effective_at: string | null;
  position: string;
  payment_method: string | null;
  closure_requested_at: string | null;
  closed_at: string | null;
  final_day: string | null;
  opened_day: string | null;
  deleted_at: string | null;
}

export const SUMMARY_COLUMNS = [
  'account_id',
  'currency',
  'payer_type',
  'profile_id',
  'profile_version',
  'opened_at',
  'period_id',
  'ledger',
  'latest_effective_at',
  'position',
  'payment_method',
  'closure_requested_at',
  'closed_at',
  'final_day',
  'opened_day',
  'deleted_at',
] as const;

/**
 * A summary row as a batch holds it. Once the batch has folded a ledger event into it, `state` is the
 * truth for the `ledger` column: it is serialised once, when the batch is written, instead of being
 * parsed, restored and serialised again for every event.
 */
export interface HeldSummary {
  row: SummaryRow;
  state?: LedgerState;
}

/** The summary rows of one batch (see HeldRows): read once per account, written once. */
export interface SummaryRows {
  get(accountId: string): Promise<HeldSummary | undefined>;
  put(held: HeldSummary): void;
}

/**
 * The account summary now (GET /v1/accounts/:id), kept by the account-status projection in its
 * `account_summary` table: per account, its facts from the account stream and the state of its latest
 * reporting period, folded with the domain's own `evolveLedger` (a charge with `chargedCarryOnly`: what
 * the period carries on, all the row keeps) — the same state the summary reads by replaying that period's
 * stream, so status, `why` and `nextDeadlines` come out the same. The state is kept
 * as the PeriodOpened that would reopen it (grants kept even when used up, in their order), and with it the
 * latest effective time folded in: a summary as of an earlier instant (an event dated ahead) is answered
 * from the log.
 */
export const accountSummaryTable: Pick<Projection, 'setup'> & {
  /** Applies the event; when it changes the latest period's balance (or opens a period), the balance now. */
  apply(rows: SummaryRows, recorded: RecordedEvent): Promise<{ accountId: string; balance: Big } | undefined>;
  /** The row's column values, in SUMMARY_COLUMNS order, its folded state serialised. */
  values(held: HeldSummary): SqlValue[];
} = {
  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('account_summary')} (
      account_id TEXT PRIMARY KEY, currency TEXT NOT NULL, payer_type TEXT NOT NULL, profile_id TEXT NOT NULL,
      profile_version INTEGER NOT NULL, opened_at TEXT NOT NULL, period_id TEXT, ledger TEXT,
      latest_effective_at TEXT, position TEXT NOT NULL, payment_method TEXT, closure_requested_at TEXT,
      closed_at TEXT, final_day TEXT, opened_day TEXT, deleted_at TEXT)`);
  },

  async apply(rows, recorded) {
    const event = { type: recorded.type, data: recorded.data } as LedgerEvent | AccountEvent;
    const position = recorded.position.toString();
    /** Like the UPDATE it stands for: nothing when the account has no row. */
    const update = async (accountId: string, changes: Partial<SummaryRow>) => {
      const held = await rows.get(accountId);
      if (held) rows.put({ row: { ...held.row, ...changes }, state: held.state });
    };
    if (event.type === 'AccountOpened') {
      const d = event.data;
      // ON CONFLICT DO NOTHING: an account opened twice keeps its first row.
      if (await rows.get(d.accountId)) return undefined;
      rows.put({
        row: {
          account_id: d.accountId,
          currency: d.currency,
          payer_type: d.payerType,
          profile_id: d.profileId,
          profile_version: d.profileVersion,
          opened_at: d.openedAt,
          period_id: null,
          ledger: null,
          latest_effective_at: null,
          position,
          payment_method: d.paymentMethod ?? null,
          closure_requested_at: null,
          closed_at: null,
          final_day: null,
          opened_day: localDate(d.openedAt, d.timeZone),
          deleted_at: null,
        },
      });
      return undefined;
    }
    if (event.type === 'PaymentMethodChanged') {
      await update(event.data.accountId, { payment_method: event.data.paymentMethod, position });
      return undefined;
    }
    if (event.type === 'ContractChanged') {
      const { accountId, profileId, profileVersion } = event.data;
      await update(accountId, { profile_id: profileId, profile_version: profileVersion, position });
      return undefined;
    }
    if (event.type === 'AccountClosureRequested') {
      await update(event.data.accountId, { closure_requested_at: event.data.at, position });
      return undefined;
    }
    if (event.type === 'AccountDeleted') {
      await update(event.data.accountId, { deleted_at: event.data.at });
      return undefined;
    }
    const ledger = ledgerStreamParts(recorded.streamId);
    if (!ledger) return undefined;
    if (event.type === 'PeriodClosed' && event.data.endsEarlyAt) {
      // The final period's close (its state is not kept: a snapshot reopens a period): when it ended.
      await update(ledger.accountId, {
        closed_at: event.data.endsEarlyAt,
        final_day: event.data.finalDay ?? null,
      });
    }
    const held = await rows.get(ledger.accountId);
    // An account never opened has no summary (the log answers 404); the summary reads the latest period
    // only, so an earlier one changes nothing it shows.
    const row = held?.row;
    if (!row || (row.period_id !== null && ledger.periodId < row.period_id)) return undefined;
    // Replaying a period's stream starts from the initial state (its PeriodOpened carries the rest in).
    const samePeriod = row.period_id === ledger.periodId && (held.state !== undefined || row.ledger !== null);
    const before = samePeriod
      ? (held.state ?? restoreLedgerState(JSON.parse(row.ledger!) as LedgerSnapshot))
      : initialLedgerState();
    // The row keeps what the period carries on (snapshotOf), so a charge folds into that alone: the
    // period's own totals, which evolveLedger would also add to, are never stored.
    const state =
      event.type === 'ResourceConsumed'
        ? chargedCarryOnly(before, event.data)
        : evolveLedger(before, event as LedgerEvent);
    const latest = samePeriod
      ? later(row.latest_effective_at!, effectiveTime(recorded))
      : effectiveTime(recorded);
    rows.put({
      row: { ...row, period_id: ledger.periodId, latest_effective_at: latest, position },
      state,
    });
    // A new period restates the balance; within one, only a change of it is news.
    if (samePeriod && state.balance.eq(before.balance)) return undefined;
    return { accountId: ledger.accountId, balance: state.balance };
  },

  values({ row, state }) {
    const ledger = state ? JSON.stringify(snapshotOf(state)) : row.ledger;
    return SUMMARY_COLUMNS.map((column) => (column === 'ledger' ? ledger : row[column]));
  },
};

/** The ledger state a snapshot stands for: the domain's own fold of the PeriodOpened that carries it. */
export function restoreLedgerState(snapshot: LedgerSnapshot): LedgerState {
  return evolveLedger(initialLedgerState(), { type: 'PeriodOpened', data: snapshot });
}

/**
 * Everything of a state that its restoration gives back: unlike the state a period carries into the next
 * (`carriedState`), used-up grants stay, in their order, so the restored state is the same state.
 */
function snapshotOf(state: LedgerState): LedgerSnapshot {
  const carried = carriedState(state, { keepUsedUpGrants: true });
  return {
    accountId: state.accountId,
    periodId: state.periodId,
    startsAt: state.startsAt,
    endsAt: state.endsAt,
    lastDay: state.lastDay,
    currency: state.currency,
    profileId: state.profileId,
    profileVersion: state.profileVersion,
    carried,
  };
}

/** The event's effective time as a canonical instant (the summary compares it with "now"). */
function effectiveTime(recorded: RecordedEvent): string {
  const at = recorded.metadata.effectiveAt;
  // Nearly always already canonical (the engine writes toISOString's form): kept as is, no Date made.
  if (typeof at === 'string' && isCanonicalInstant(at)) return at;
  const ms = Date.parse(String(at));
  return Number.isNaN(ms) ? UNREADABLE_TIME : new Date(ms).toISOString();
}

/** Canonical instants of four-digit years order as their text does; any other form is parsed. */
const later = (a: string, b: string) =>
  (isCanonicalInstant(a) && isCanonicalInstant(b) ? a >= b : Date.parse(a) >= Date.parse(b)) ? a : b;
