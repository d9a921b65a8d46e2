/**
 * The deadline planner as it was before its writes were batched (a read of the account per planning ledger
 * event, an INSERT per deadline), kept verbatim as the reference the batched planner must equal
 * (planner-batched.test.ts).
 */
import type { AccountEvent } from '../../../src/domain/account/account-events.js';
import type { LedgerEvent } from '../../../src/domain/ledger/ledger-events.js';
import type { ProfileRegistry } from '../../../src/domain/policies/profile-registry.js';
import type { Projection } from '../../../projections/runner/projection.js';
import { TIMELINE_PLANNER } from '../../../projections/workers/timeline-planner.projection.js';
import {
  closeDeadlineId,
  closureDeadlinesFor,
  deadlinesFor,
  PLANNING_LEDGER_EVENTS,
  retentionDeadlineFor,
  type Deadline,
} from '../../../src/domain/timelines/deadline-plan.js';
import { ledgerStreamParts } from '../../../src/platform/event-store/stream-names.js';

export function timelinePlannerReference(profiles: ProfileRegistry): Projection {
  return {
    ...TIMELINE_PLANNER,
    async setup(db, table) {
      await db.run(`CREATE TABLE IF NOT EXISTS ${table('timeline_accounts')} (
        account_id TEXT PRIMARY KEY, time_zone TEXT NOT NULL, profile_id TEXT NOT NULL, profile_version INTEGER NOT NULL)`);
      await db.run(`CREATE TABLE IF NOT EXISTS ${table('timeline_deadlines')} (
        id TEXT PRIMARY KEY, account_id TEXT NOT NULL, kind TEXT NOT NULL, due_at TEXT NOT NULL, ord INTEGER NOT NULL,
        action TEXT NOT NULL, planned_by TEXT NOT NULL, status TEXT NOT NULL, outcome TEXT, fired_at TEXT)`);
      await db.run(
        `CREATE INDEX IF NOT EXISTS ${table('timeline_deadlines_due')} ON ${table('timeline_deadlines')} (status, due_at, ord)`,
      );
    },
    async apply(db, recorded, table) {
      const event = { type: recorded.type, data: recorded.data } as AccountEvent | LedgerEvent;
      if (event.type === 'AccountOpened' || event.type === 'ContractChanged') {
        const d = event.data;
        const timeZone = event.type === 'AccountOpened' ? event.data.timeZone : undefined;
        await db.run(
          `INSERT INTO ${table('timeline_accounts')} (account_id, time_zone, profile_id, profile_version) VALUES ($1, $2, $3, $4)
           ON CONFLICT (account_id) DO UPDATE SET profile_id = excluded.profile_id, profile_version = excluded.profile_version`,
          [d.accountId, timeZone ?? '', d.profileId, d.profileVersion],
        );
        return;
      }
      const plan = async (deadlines: Deadline[]) => {
        for (const deadline of deadlines) {
          await db.run(
            `INSERT INTO ${table('timeline_deadlines')} (id, account_id, kind, due_at, ord, action, planned_by, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending') ON CONFLICT (id) DO NOTHING`,
            [
              deadline.id,
              deadline.accountId,
              deadline.kind,
              deadline.dueAt,
              deadline.order,
              JSON.stringify(deadline.action),
              recorded.id,
            ],
          );
        }
      };
      // A deletion that keeps documents' personal data plans the end of their retention.
      if (event.type === 'AccountDeleted') return plan(retentionDeadlineFor(event, recorded.id));
      // The closure saga (issue 14, item 5): the final close at the closure instant, deferred deletions.
      if (event.type === 'AccountClosureRequested' || event.type === 'ClosedAccountDeletionDeferred')
        return plan(closureDeadlinesFor(event));
      const ledger = ledgerStreamParts(recorded.streamId);
      if (!ledger) return;
      // Most ledger events (every charge) plan nothing: no read of the account's row for them.
      if (!PLANNING_LEDGER_EVENTS.has(recorded.type as LedgerEvent['type'])) return;
      const { accountId, periodId } = ledger;
      const account = await db.get<{ time_zone: string; profile_id: string; profile_version: number }>(
        `SELECT time_zone, profile_id, profile_version FROM ${table('timeline_accounts')} WHERE account_id = $1`,
        [accountId],
      );
      if (!account) throw new Error(`No AccountOpened seen for ${accountId} before its ledger`);
      if (recorded.type === 'PeriodClosed') {
        // Closed by a command before its deadline fired (the close endpoint, a month-end batch): the
        // deadline is met, so the scheduler need not fire it.
        await db.run(
          `UPDATE ${table('timeline_deadlines')} SET status = 'done', outcome = 'met: period closed' WHERE id = $1 AND status = 'pending'`,
          [closeDeadlineId(accountId, periodId)],
        );
      }
      const profile = profiles.get(account.profile_id, Number(account.profile_version));
      await plan(
        deadlinesFor(
          event as LedgerEvent,
          { accountId, timeZone: account.time_zone, profile },
          recorded.id,
          recorded.metadata.effectiveAt,
        ),
      );
    },
  };
}
