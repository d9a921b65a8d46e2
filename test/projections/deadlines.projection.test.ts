import { randomUUID } from 'node:crypto';
import { deadlinesProjection } from '../../projections/deadlines.projection.js';
import type { ProjectionHost } from '../../projections/runner/projection-host.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import type { LedgerEvent } from '../../src/domain/ledger/ledger-events.js';
import { isDeadlineKind } from '../../src/domain/timelines/deadline-kinds.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { caughtUp, startHost } from './support/hosts.js';

const AT = '2026-03-05T09:00:00.000Z';

describe('the deadlines read model speaks the shared deadline vocabulary', () => {
  let store: SqliteEventStore;
  let db: SqliteReadModelDb;
  let host: ProjectionHost;
  beforeEach(async () => {
    store = SqliteEventStore.open({ path: ':memory:' });
    db = new SqliteReadModelDb(':memory:');
    host = await startHost(store, db, [deadlinesProjection]);
  });
  afterEach(async () => {
    await host.stop();
    await db.close();
    await store.close();
  });

  const append = (...events: LedgerEvent[]) =>
    store.append(
      'ledger-dl@2026-03',
      events.map((e) => ({ id: randomUUID(), type: e.type, data: e.data })),
    );
  const rows = async () => {
    await caughtUp(host, store, [deadlinesProjection]);
    return db.all<{ deadline_id: string; kind: string; due_at: string; state: string }>(
      `SELECT deadline_id, kind, due_at, state FROM ${host.runner('deadlines')!.table('account_deadlines')}
       WHERE account_id = 'dl' ORDER BY due_at, deadline_id`,
    );
  };

  it('a suspended account faces the deletion of its account (delete-account, as the summary says), cleared by paying', async () => {
    await append(
      {
        type: 'PaymentRequired',
        data: { availableFunds: '0', at: AT, suspendAt: '2026-03-12T09:00:00.000Z' },
      },
      {
        type: 'BillIssued',
        data: {
          billId: 'b-1',
          kind: 'mid-period',
          amount: '10',
          paid: '0',
          issuedOn: '2026-03-05',
          dueDate: '2026-03-07',
          reason: 'credit limit reached',
        },
      },
      {
        type: 'AccountSuspended',
        data: {
          at: '2026-03-12T09:00:00.000Z',
          reason: 'funds-exhausted',
          debt: '10',
          deleteAt: '2026-05-11T09:00:00.000Z',
        },
      },
      {
        type: 'AccountFrozen',
        data: { balance: '-1', at: AT, deleteObjectsAt: '2026-03-08T09:00:00.000Z', everPaid: true },
      },
    );
    expect(await rows()).toEqual([
      { deadline_id: 'bill-due/b-1', kind: 'bill-due', due_at: '2026-03-07', state: 'pending' },
      {
        deadline_id: 'delete-frozen-objects@2026-03-08T09:00:00.000Z',
        kind: 'delete-frozen-objects',
        due_at: '2026-03-08T09:00:00.000Z',
        state: 'pending',
      },
      {
        deadline_id: 'suspend@2026-03-12T09:00:00.000Z',
        kind: 'suspend',
        due_at: '2026-03-12T09:00:00.000Z',
        state: 'done',
      },
      {
        deadline_id: 'delete-account@2026-05-11T09:00:00.000Z',
        kind: 'delete-account',
        due_at: '2026-05-11T09:00:00.000Z',
        state: 'pending',
      },
    ]);
    await append({
      type: 'AccountRestored',
      data: { at: '2026-03-20T09:00:00.000Z', suspendedAt: '2026-03-12T09:00:00.000Z', balance: '0' },
    });
    const after = await rows();
    expect(after.find((r) => r.kind === 'delete-account')).toMatchObject({ state: 'cleared' });
    expect(after.filter((r) => !isDeadlineKind(r.kind))).toEqual([]);
  });
});
