import type { AccountEvent } from '../src/domain/account/account-events.js';
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
import type { Projection } from './runner/projection.js';
import type { ReadModelDb } from './runner/read-model-db.js';

/** A period's state as a PeriodOpened would carry it in: what the summary is a pure function of. */
export type LedgerSnapshot = LedgerEventOf<'PeriodOpened'>['data'];

/** Stands for an effective time that cannot be read: such a state is never served as "now". */
export const UNREADABLE_TIME = '9999-12-31T23:59:59.999Z';

/**
 * The account summary now (GET /v1/accounts/:id), kept by the account-status projection in its
 * `account_summary` table: per account, its facts from the account stream and the state of its latest
 * reporting period, folded with the domain's own `evolveLedger` — the same state the summary reads by
 * replaying that period's stream, so status, `why` and `nextDeadlines` come out the same. The state is kept
 * as the PeriodOpened that would reopen it (grants kept even when used up, in their order), and with it the
 * latest effective time folded in: a summary as of an earlier instant (an event dated ahead) is answered
 * from the log.
 */
export const accountSummaryTable: Pick<Projection, 'setup'> & {
  /** Applies the event; when it changes the latest period's balance (or opens a period), the balance now. */
  apply(
    db: ReadModelDb,
    recorded: RecordedEvent,
    table: (name: string) => string,
  ): Promise<{ accountId: string; balance: string } | undefined>;
} = {
  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('account_summary')} (
      account_id TEXT PRIMARY KEY, currency TEXT NOT NULL, payer_type TEXT NOT NULL, profile_id TEXT NOT NULL,
      profile_version INTEGER NOT NULL, opened_at TEXT NOT NULL, period_id TEXT, ledger TEXT,
      latest_effective_at TEXT, position TEXT NOT NULL, payment_method TEXT, closure_requested_at TEXT,
      closed_at TEXT, final_day TEXT, opened_day TEXT, deleted_at TEXT)`);
  },

  async apply(db, recorded, table) {
    const event = { type: recorded.type, data: recorded.data } as LedgerEvent | AccountEvent;
    const position = recorded.position.toString();
    if (event.type === 'AccountOpened') {
      const d = event.data;
      await db.run(
        `INSERT INTO ${table('account_summary')} (account_id, currency, payer_type, profile_id, profile_version,
           opened_at, period_id, ledger, latest_effective_at, position, payment_method, opened_day)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, NULL, $7, $8, $9) ON CONFLICT (account_id) DO NOTHING`,
        [
          d.accountId,
          d.currency,
          d.payerType,
          d.profileId,
          d.profileVersion,
          d.openedAt,
          position,
          d.paymentMethod ?? null,
          localDate(d.openedAt, d.timeZone),
        ],
      );
      return undefined;
    }
    if (event.type === 'PaymentMethodChanged') {
      await db.run(
        `UPDATE ${table('account_summary')} SET payment_method = $2, position = $3 WHERE account_id = $1`,
        [event.data.accountId, event.data.paymentMethod, position],
      );
      return undefined;
    }
    if (event.type === 'ContractChanged') {
      await db.run(
        `UPDATE ${table('account_summary')} SET profile_id = $2, profile_version = $3, position = $4
         WHERE account_id = $1`,
        [event.data.accountId, event.data.profileId, event.data.profileVersion, position],
      );
      return undefined;
    }
    if (event.type === 'AccountClosureRequested') {
      await db.run(
        `UPDATE ${table('account_summary')} SET closure_requested_at = $2, position = $3 WHERE account_id = $1`,
        [event.data.accountId, event.data.at, position],
      );
      return undefined;
    }
    if (event.type === 'AccountDeleted') {
      await db.run(`UPDATE ${table('account_summary')} SET deleted_at = $2 WHERE account_id = $1`, [
        event.data.accountId,
        event.data.at,
      ]);
      return undefined;
    }
    const ledger = ledgerStreamParts(recorded.streamId);
    if (!ledger) return undefined;
    if (event.type === 'PeriodClosed' && event.data.endsEarlyAt) {
      // The final period's close (its state is not kept: a snapshot reopens a period): when it ended.
      await db.run(
        `UPDATE ${table('account_summary')} SET closed_at = $2, final_day = $3 WHERE account_id = $1`,
        [ledger.accountId, event.data.endsEarlyAt, event.data.finalDay ?? null],
      );
    }
    const row = await db.get<{
      period_id: string | null;
      ledger: string | null;
      latest_effective_at: string;
    }>(
      `SELECT period_id, ledger, latest_effective_at FROM ${table('account_summary')} WHERE account_id = $1`,
      [ledger.accountId],
    );
    // An account never opened has no summary (the log answers 404); the summary reads the latest period
    // only, so an earlier one changes nothing it shows.
    if (!row || (row.period_id !== null && ledger.periodId < row.period_id)) return undefined;
    // Replaying a period's stream starts from the initial state (its PeriodOpened carries the rest in).
    const samePeriod = row.period_id === ledger.periodId && row.ledger !== null;
    const before = samePeriod
      ? restoreLedgerState(JSON.parse(row.ledger!) as LedgerSnapshot)
      : initialLedgerState();
    const state = evolveLedger(before, event as LedgerEvent);
    const latest = samePeriod
      ? later(row.latest_effective_at, effectiveTime(recorded))
      : effectiveTime(recorded);
    await db.run(
      `UPDATE ${table('account_summary')} SET period_id = $2, ledger = $3, latest_effective_at = $4, position = $5
       WHERE account_id = $1`,
      [ledger.accountId, ledger.periodId, JSON.stringify(snapshotOf(state)), latest, position],
    );
    // A new period restates the balance; within one, only a change of it is news.
    if (samePeriod && state.balance.eq(before.balance)) return undefined;
    return { accountId: ledger.accountId, balance: state.balance.toFixed() };
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
  const ms = Date.parse(String(recorded.metadata.effectiveAt));
  return Number.isNaN(ms) ? UNREADABLE_TIME : new Date(ms).toISOString();
}

const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);
