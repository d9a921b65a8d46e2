import { randomUUID } from 'node:crypto';
import { documentRegistersProjection } from '../../projections/document-registers.projection.js';
import type { ProjectionHost } from '../../projections/runner/projection-host.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { caughtUp, startHost } from './support/hosts.js';

const projections = [documentRegistersProjection];
const ISSUER = 'ru-moscow-llc';

const amounts = (net: string, vat: string, gross: string) => ({ net, vat, gross });
const document = (kind: string, number: string, documentId: string, extra: Record<string, unknown> = {}) => ({
  documentId,
  kind,
  number,
  sequence: Number(number.slice(-6)),
  issuer: { id: ISSUER },
  date: '2026-03-31',
  accountId: 'reg-a',
  periodId: '2026-03',
  currency: 'RUB',
  totals: amounts('1000.00', '220.00', '1220.00'),
  ...extra,
});
/** A corrective act of March: its totals are March after the correction, its change what it changed. */
const corrective = (number: string, key: string, totals: string, change: Record<string, unknown>) =>
  document('corrective-act', number, `reg-a/2026-03/corrective-act/${key}`, {
    date: '2026-04-02',
    totals: amounts('0', '0', totals),
    corrects: { documentId: 'reg-a/2026-03/act', kind: 'act', number: 'RU-2026-000001', date: '2026-03-31' },
    change,
  });

/** The issuer's registers: a corrective document registers its change (issue 14), not the period's new total. */
describe('document-registers projection', () => {
  let store: SqliteEventStore;
  let db: SqliteReadModelDb;
  let host: ProjectionHost;
  beforeEach(async () => {
    store = SqliteEventStore.open({ path: ':memory:' });
    db = new SqliteReadModelDb(':memory:');
    host = await startHost(store, db, projections);
  });
  afterEach(async () => {
    await host.stop();
    await db.close();
    await store.close();
  });

  const issue = (...documents: object[]) =>
    store.append(
      'documents-reg-a',
      documents.map((data) => ({ id: randomUUID(), type: 'DocumentIssued', data })),
      'any',
    );
  const table = (name: string) => host.runner('document-registers')!.table(name);
  const read = async () => {
    await caughtUp(host, store, projections);
    return {
      rows: await db.all(
        `SELECT kind, number, net, vat, gross, increase_gross, decrease_gross, corrects_number
         FROM ${table('document_register')} ORDER BY number`,
      ),
      totals: await db.all(
        `SELECT kind, documents, net, vat, gross, increase_net, increase_vat, increase_gross, decrease_net,
           decrease_vat, decrease_gross FROM ${table('document_register_totals')} ORDER BY kind`,
      ),
      anomalies: await db.all(`SELECT document_id, reason FROM ${table('document_register_anomalies')}`),
    };
  };

  it('corrective documents are registered by their change: signed difference, increase and decrease', async () => {
    await issue(
      document('act', 'RU-2026-000001', 'reg-a/2026-03/act'),
      // +12.20: March is 1 232.20 after it.
      corrective('RU-2026-000002', 'adjustment:a1', '1232.20', {
        increase: amounts('10.00', '2.20', '12.20'),
        decrease: amounts('0.00', '0.00', '0.00'),
        difference: amounts('10.00', '2.20', '12.20'),
      }),
      // −61.00 on one line, +1.22 on another: March is 1 172.42 after it.
      corrective('RU-2026-000003', 'adjustment:a2', '1172.42', {
        increase: amounts('1.00', '0.22', '1.22'),
        decrease: amounts('50.00', '11.00', '61.00'),
        difference: amounts('-49.00', '-10.78', '-59.78'),
      }),
    );
    const { rows, totals, anomalies } = await read();
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'act', gross: '1220.00', increase_gross: null, corrects_number: null }),
      expect.objectContaining({
        kind: 'corrective-act',
        net: '10.00',
        vat: '2.20',
        gross: '12.20',
        increase_gross: '12.20',
        decrease_gross: '0.00',
        corrects_number: 'RU-2026-000001',
      }),
      expect.objectContaining({
        kind: 'corrective-act',
        gross: '-59.78',
        increase_gross: '1.22',
        decrease_gross: '61.00',
      }),
    ]);
    expect(totals).toEqual([
      {
        kind: 'act',
        documents: 1,
        net: '1000',
        vat: '220',
        gross: '1220',
        increase_net: '0',
        increase_vat: '0',
        increase_gross: '0',
        decrease_net: '0',
        decrease_vat: '0',
        decrease_gross: '0',
      },
      {
        // What the corrections changed: 1 220.00 + (−47.58) = 1 172.42, the period as it now stands.
        kind: 'corrective-act',
        documents: 2,
        net: '-39',
        vat: '-8.58',
        gross: '-47.58',
        increase_net: '11',
        increase_vat: '2.42',
        increase_gross: '13.42',
        decrease_net: '50',
        decrease_vat: '11',
        decrease_gross: '61',
      },
    ]);
    expect(anomalies).toEqual([]);
  });

  it('a corrective document without a readable change is an anomaly, not summed', async () => {
    await issue(corrective('RU-2026-000004', 'adjustment:a3', '1232.20', { increase: 'oops' }));
    const { rows, totals, anomalies } = await read();
    expect(rows).toEqual([]);
    expect(totals).toEqual([]);
    expect(anomalies).toEqual([
      {
        document_id: 'reg-a/2026-03/corrective-act/adjustment:a3',
        reason: 'corrective document without a readable change (increase, decrease, difference)',
      },
    ]);
  });
});
