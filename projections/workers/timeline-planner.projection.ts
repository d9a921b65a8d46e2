import type { AccountEvent } from '../../src/domain/account/account-events.js';
import type { LedgerEvent } from '../../src/domain/ledger/ledger-events.js';
import type { ProfileRegistry } from '../../src/domain/policies/profile-registry.js';
import type { Projection, ProjectionIdentity } from '../runner/projection.js';
import { withBatch, type BatchWrites, type ReadModelDb } from '../runner/read-model-db.js';
import { perTable, RowWriter } from '../support/row-writes.js';
import {
  closeDeadlineId,
  closureDeadlinesFor,
  deadlinesFor,
  PLANNING_LEDGER_EVENTS,
  retentionDeadlineFor,
  type Deadline,
} from '../../src/domain/timelines/deadline-plan.js';
import {
  ACCOUNT_STREAM_PREFIX,
  LEDGER_STREAM_PREFIX,
  ledgerStreamParts,
} from '../../src/platform/event-store/stream-names.js';

/**
 * Turns events into rows of the deadlines table. It runs as a checkpointed projection: the rows and the
 * checkpoint commit together, so after a crash every event's timers are planned exactly once.
 */
export const TIMELINE_PLANNER: ProjectionIdentity = {
  name: 'timeline-deadlines',
  // v2: tables prefixed, so they cannot collide with read models when both share one PostgreSQL database.
  // v3: each deadline's kind (src/domain/timelines/deadline-kinds.ts) in its own column; re-planned from the log.
  version: 3,
  // Only the events it acts on (issue 18): the store leaves out the rest — most of the log, every charge —
  // instead of decoding it for an apply that would return at once. Same rows: those events plan nothing.
  filter: {
    streamPrefixes: [ACCOUNT_STREAM_PREFIX, LEDGER_STREAM_PREFIX],
    eventTypes: [
      'AccountOpened',
      'ContractChanged',
      'AccountDeleted',
      'AccountClosureRequested',
      'ClosedAccountDeletionDeferred',
      ...PLANNING_LEDGER_EVENTS,
    ],
  },
};

export function timelinePlannerProjection(profiles: ProfileRegistry): Projection {
  return {
    ...TIMELINE_PLANNER,
    // It plans (writes rows) and acts on nothing: it reads the log with the read models.
    sharesLogReader: true,
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
      const sql = statements(table);
      await withBatch(
        db,
        sql,
        () => new PlannerBatch(db, sql),
        async (batch) => {
          const event = { type: recorded.type, data: recorded.data } as AccountEvent | LedgerEvent;
          if (event.type === 'AccountOpened' || event.type === 'ContractChanged') {
            const d = event.data;
            const timeZone = event.type === 'AccountOpened' ? event.data.timeZone : undefined;
            batch.profileSet({
              account_id: d.accountId,
              time_zone: timeZone ?? '',
              profile_id: d.profileId,
              profile_version: d.profileVersion,
            });
            return;
          }
          const plan = (deadlines: Deadline[]) => {
            for (const deadline of deadlines) batch.plan(deadline, recorded.id);
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
          const account = await batch.account(accountId);
          if (!account) throw new Error(`No AccountOpened seen for ${accountId} before its ledger`);
          if (recorded.type === 'PeriodClosed') {
            // Closed by a command before its deadline fired (the close endpoint, a month-end batch): the
            // deadline is met, so the scheduler need not fire it.
            await batch.met(closeDeadlineId(accountId, periodId));
          }
          const profile = profiles.get(account.profile_id, Number(account.profile_version));
          plan(
            deadlinesFor(
              event as LedgerEvent,
              { accountId, timeZone: account.time_zone, profile },
              recorded.id,
              recorded.metadata.effectiveAt,
            ),
          );
        },
      );
    },
  };
}

interface AccountRow {
  account_id: string;
  time_zone: string;
  profile_id: string;
  profile_version: number;
}

const ACCOUNT_COLUMNS = ['account_id', 'time_zone', 'profile_id', 'profile_version'] as const;

const profileOf = (row: AccountRow) => ({ profile_id: row.profile_id, profile_version: row.profile_version });
const DEADLINE_COLUMNS = [
  'id',
  'account_id',
  'kind',
  'due_at',
  'ord',
  'action',
  'planned_by',
  'status',
  'outcome',
] as const;

type DeadlineRow = Record<(typeof DEADLINE_COLUMNS)[number], string | number | null>;

/** SQL and writers built once per build's table names. */
const statements = perTable((table) => ({
  account: `SELECT ${ACCOUNT_COLUMNS.join(', ')} FROM ${table('timeline_accounts')} WHERE account_id = $1`,
  met: `UPDATE ${table('timeline_deadlines')} SET status = 'done', outcome = 'met: period closed' WHERE id = $1 AND status = 'pending'`,
  accounts: new RowWriter({
    table: table('timeline_accounts'),
    columns: ACCOUNT_COLUMNS,
    types: { profile_version: 'integer' },
    key: ['account_id'],
    update: ['profile_id', 'profile_version'],
  }),
  deadlines: new RowWriter({
    table: table('timeline_deadlines'),
    columns: DEADLINE_COLUMNS,
    types: { ord: 'integer' },
    key: ['id'],
    update: [],
  }),
}));

/**
 * What one batch plans: each account read once, the deadlines planned written at the end in one go (INSERT
 * … DO NOTHING: a deadline already planned keeps its row). Within the batch these, not the tables, are the
 * truth for the accounts and the deadlines planned in it.
 */
class PlannerBatch implements BatchWrites {
  /** Rows read in this batch (null: not in the table), with this batch's changes. */
  private readonly accounts = new Map<string, AccountRow | null>();
  /** Profile changes of accounts this batch has not read: the table's row (if any) keeps its time zone. */
  private readonly profileChanges = new Map<string, AccountRow>();
  private readonly changed = new Set<string>();
  private readonly planned = new Map<string, DeadlineRow>();

  constructor(
    private readonly db: ReadModelDb,
    private readonly sql: ReturnType<typeof statements>,
  ) {}

  /** Read once per batch, and only for an event that may plan (the command path reads nothing for a charge). */
  async account(accountId: string): Promise<AccountRow | undefined> {
    let row = this.accounts.get(accountId);
    if (row === undefined) {
      const stored = (await this.db.get<AccountRow>(this.sql.account, [accountId])) ?? null;
      const change = this.profileChanges.get(accountId);
      row = change && stored ? { ...stored, ...profileOf(change) } : (change ?? stored);
      this.accounts.set(accountId, row);
    }
    return row ?? undefined;
  }

  /**
   * INSERT … ON CONFLICT DO UPDATE SET profile, without reading the row: an account already known keeps its
   * time zone (the flush's upsert keeps the table's).
   */
  profileSet(row: AccountRow): void {
    const id = row.account_id;
    const known = this.accounts.get(id);
    if (known) this.accounts.set(id, { ...known, ...profileOf(row) });
    else if (known === null) this.accounts.set(id, row);
    else {
      const pending = this.profileChanges.get(id);
      this.profileChanges.set(id, pending ? { ...pending, ...profileOf(row) } : row);
    }
    this.changed.add(id);
  }

  /** INSERT … ON CONFLICT DO NOTHING: the first plan of a deadline stays. */
  plan(deadline: Deadline, plannedBy: string): void {
    if (this.planned.has(deadline.id)) return;
    this.planned.set(deadline.id, {
      id: deadline.id,
      account_id: deadline.accountId,
      kind: deadline.kind,
      due_at: deadline.dueAt,
      ord: deadline.order,
      action: JSON.stringify(deadline.action),
      planned_by: plannedBy,
      status: 'pending',
      outcome: null,
    });
  }

  /** A pending deadline met: in the table (planned by an earlier batch) and among this batch's plans. */
  async met(deadlineId: string): Promise<void> {
    await this.db.run(this.sql.met, [deadlineId]);
    const planned = this.planned.get(deadlineId);
    if (planned?.status === 'pending')
      this.planned.set(deadlineId, { ...planned, status: 'done', outcome: 'met: period closed' });
  }

  async flush(db: ReadModelDb): Promise<void> {
    await this.sql.accounts.write(
      db,
      [...this.changed].map((id) => {
        const row = this.accounts.get(id) ?? this.profileChanges.get(id)!;
        return ACCOUNT_COLUMNS.map((c) => row[c]);
      }),
    );
    await this.sql.deadlines.write(
      db,
      [...this.planned.values()].map((row) => DEADLINE_COLUMNS.map((c) => row[c])),
    );
  }
}
