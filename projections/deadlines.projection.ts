import type { RecordedEvent } from '../src/platform/event-store/event-store.port.js';
import type { LedgerEvent } from '../src/domain/ledger/ledger-events.js';
import type { DeadlineKind } from '../src/domain/timelines/deadline-kinds.js';
import type { Projection } from './runner/projection.js';
import type { ReadModelDb } from './runner/read-model-db.js';
import { ledgerStreamParts } from './support/streams.js';
import { LEDGER_STREAM_PREFIX } from '../src/platform/event-store/stream-names.js';

/** The kinds this read model tracks, in the vocabulary the planner and the account summary share. */
type TrackedKind = Extract<DeadlineKind, 'delete-frozen-objects' | 'suspend' | 'bill-due' | 'delete-account'>;

interface Deadline {
  kind: TrackedKind;
  /** The same deadline gets the same id whether it comes from its event or from a period's carried state. */
  id: string;
  dueAt: string;
  reason: string;
}

const deleteFrozenObjects = (dueAt: string): Deadline => ({
  kind: 'delete-frozen-objects',
  id: `delete-frozen-objects@${dueAt}`,
  dueAt,
  reason: 'frozen objects are queued for deletion unless the balance is restored',
});
const suspend = (dueAt: string): Deadline => ({
  kind: 'suspend',
  id: `suspend@${dueAt}`,
  dueAt,
  reason: 'the account is suspended unless paid',
});
const billDue = (billId: string, dueAt: string): Deadline => ({
  kind: 'bill-due',
  id: `bill-due/${billId}`,
  dueAt,
  reason: `bill ${billId} is due`,
});
const deleteAccount = (dueAt: string): Deadline => ({
  kind: 'delete-account',
  id: `delete-account@${dueAt}`,
  dueAt,
  reason: 'the account is blocked and its data deleted unless the debt is paid',
});

/**
 * The deadlines an account faces, for "what happens next" queries: when frozen objects are deleted,
 * when an unpaid account is suspended, when bills fall due, when a suspended account is blocked and its
 * data deleted. Each is pending until the event that meets it (done) or makes it moot (cleared). The
 * timelines fire deadlines from their own table; this one is for reading. Kinds are the shared
 * vocabulary (src/domain/timelines/deadline-kinds.ts).
 */
export const deadlinesProjection: Projection = {
  name: 'deadlines',
  // v2: kinds in the shared vocabulary ('block' is now 'delete-account', as in the account summary).
  version: 2,
  filter: { streamPrefixes: [LEDGER_STREAM_PREFIX] },

  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('account_deadlines')} (
      account_id TEXT NOT NULL, deadline_id TEXT NOT NULL, kind TEXT NOT NULL, due_at TEXT NOT NULL,
      state TEXT NOT NULL, reason TEXT NOT NULL, planned_by TEXT NOT NULL, settled_by TEXT,
      PRIMARY KEY (account_id, deadline_id))`);
    await db.run(
      `CREATE INDEX IF NOT EXISTS ${table('account_deadlines_due')} ON ${table('account_deadlines')} (state, due_at)`,
    );
  },

  async apply(db, recorded, table) {
    const ledger = ledgerStreamParts(recorded.streamId);
    if (!ledger) return;
    const rows = new DeadlineRows(db, table('account_deadlines'), ledger.accountId, recorded);
    const event = { type: recorded.type, data: recorded.data } as LedgerEvent;
    switch (event.type) {
      case 'PeriodOpened': {
        const { freeze, suspension, openBills } = event.data.carried;
        if (freeze && !freeze.objectsQueued) await rows.plan(deleteFrozenObjects(freeze.deleteObjectsAt));
        if (suspension?.suspendAt && !suspension.suspendedAt) await rows.plan(suspend(suspension.suspendAt));
        if (suspension?.suspendedAt && suspension.deleteAt)
          await rows.plan(deleteAccount(suspension.deleteAt));
        for (const bill of openBills) await rows.plan(billDue(bill.billId, bill.dueDate));
        return;
      }
      case 'AccountFrozen':
        return rows.plan(deleteFrozenObjects(event.data.deleteObjectsAt));
      case 'AccountUnfrozen':
        return rows.settle('delete-frozen-objects', 'cleared');
      case 'FrozenObjectsQueuedForDeletion':
        return rows.settle('delete-frozen-objects', 'done');
      case 'PaymentRequired':
        return rows.plan(suspend(event.data.suspendAt));
      case 'PaymentRequirementCleared':
        return rows.settle('suspend', 'cleared');
      case 'AccountSuspended':
        await rows.settle('suspend', 'done');
        return rows.plan(deleteAccount(event.data.deleteAt));
      case 'AccountRestored':
        return rows.settle('delete-account', 'cleared');
      case 'AccountBlocked':
        return rows.settle('delete-account', 'done');
      case 'BillIssued':
        return rows.plan(billDue(event.data.billId, event.data.dueDate));
      case 'BillPaymentApplied':
        if (event.data.fullyPaid) await rows.settle('bill-due', 'cleared', `bill-due/${event.data.billId}`);
        return;
      default:
        return;
    }
  },
};

class DeadlineRows {
  constructor(
    private readonly db: ReadModelDb,
    private readonly table: string,
    private readonly accountId: string,
    private readonly recorded: RecordedEvent,
  ) {}

  async plan(deadline: Deadline): Promise<void> {
    await this.db.run(
      `INSERT INTO ${this.table} (account_id, deadline_id, kind, due_at, state, reason, planned_by)
       VALUES ($1, $2, $3, $4, 'pending', $5, $6) ON CONFLICT (account_id, deadline_id) DO NOTHING`,
      [this.accountId, deadline.id, deadline.kind, deadline.dueAt, deadline.reason, this.recorded.id],
    );
  }

  async settle(kind: TrackedKind, state: 'done' | 'cleared', deadlineId?: string): Promise<void> {
    await this.db.run(
      `UPDATE ${this.table} SET state = $3, settled_by = $4
       WHERE account_id = $1 AND kind = $2 AND state = 'pending' ${deadlineId ? 'AND deadline_id = $5' : ''}`,
      [this.accountId, kind, state, this.recorded.id, ...(deadlineId ? [deadlineId] : [])],
    );
  }
}
