import type { Projection } from './runner/projection.js';
import { withBatch, type BatchWrites, type ReadModelDb } from './runner/read-model-db.js';
import { HeldRows, perTable, RowWriter } from './support/row-writes.js';
import { addDecimals } from './support/decimal-sum.js';
import { readIssuedDocument } from './support/issued-document.js';
import { sortablePosition } from './support/streams.js';
import { DOCUMENTS_STREAM_PREFIX } from '../src/platform/event-store/stream-names.js';
import { isCorrectiveDocument } from '../src/domain/documents/corrective-documents.js';
import { isDecimalString } from './support/decimal-sum.js';

/**
 * Per-issuer document registers: every document an issuer signed, in number order, with totals per
 * reporting period, kind and currency — what the issuer's accountants reconcile against. A number used
 * twice by one issuer for one kind is listed in `document_register_anomalies`.
 *
 * A corrective document (КСФ, УКД, corrective act; issue 14) registers its change, not its `totals` (which are the
 * period's amounts after the correction): net/vat/gross are `change.difference` (signed: < 0 a decrease), beside
 * the increase and the decrease, so a register's sum per kind is what the corrections changed. Version 2: the
 * tables gained the increase/decrease columns and corrective rows changed meaning (a deploy rebuilds them).
 */
export const documentRegistersProjection: Projection = {
  name: 'document-registers',
  version: 2,
  filter: { streamPrefixes: [DOCUMENTS_STREAM_PREFIX], eventTypes: ['DocumentIssued'] },

  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('document_register')} (
      issuer TEXT NOT NULL, document_id TEXT NOT NULL, kind TEXT NOT NULL, number TEXT NOT NULL, sequence INTEGER,
      date TEXT NOT NULL, account_id TEXT NOT NULL, period_id TEXT NOT NULL, currency TEXT, net TEXT, vat TEXT,
      gross TEXT, increase_net TEXT, increase_vat TEXT, increase_gross TEXT, decrease_net TEXT, decrease_vat TEXT,
      decrease_gross TEXT, corrects_number TEXT, position TEXT NOT NULL, PRIMARY KEY (issuer, document_id))`);
    await db.run(
      `CREATE INDEX IF NOT EXISTS ${table('document_register_by_number')} ON ${table('document_register')} (issuer, kind, number)`,
    );
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('document_register_totals')} (
      issuer TEXT NOT NULL, period_id TEXT NOT NULL, kind TEXT NOT NULL, currency TEXT NOT NULL,
      documents INTEGER NOT NULL, net TEXT NOT NULL, vat TEXT NOT NULL, gross TEXT NOT NULL,
      increase_net TEXT NOT NULL, increase_vat TEXT NOT NULL, increase_gross TEXT NOT NULL,
      decrease_net TEXT NOT NULL, decrease_vat TEXT NOT NULL, decrease_gross TEXT NOT NULL,
      PRIMARY KEY (issuer, period_id, kind, currency))`);
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('document_register_anomalies')} (
      position TEXT PRIMARY KEY, issuer TEXT NOT NULL, document_id TEXT NOT NULL, kind TEXT, number TEXT,
      reason TEXT NOT NULL)`);
  },

  async apply(db, recorded, table) {
    const parsed = readIssuedDocument(recorded.data);
    if ('problem' in parsed) {
      await db.run(
        `INSERT INTO ${table('document_register_anomalies')} (position, issuer, document_id, kind, number, reason)
         VALUES ($1, '', $2, NULL, NULL, $3) ON CONFLICT DO NOTHING`,
        [sortablePosition(recorded), recorded.id, `unrecognised DocumentIssued: ${parsed.problem}`],
      );
      return;
    }
    const change = changeOf(recorded.data);
    if (change === 'unreadable') {
      // Its totals are no change: summing them would overstate the register, so it is listed instead.
      await db.run(
        `INSERT INTO ${table('document_register_anomalies')} (position, issuer, document_id, kind, number, reason)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [
          sortablePosition(recorded),
          parsed.document.issuer,
          parsed.document.documentId,
          parsed.document.kind,
          parsed.document.number,
          'corrective document without a readable change (increase, decrease, difference)',
        ],
      );
      return;
    }
    // A corrective document's amounts are its change; any other document's are its totals.
    const d = change ? { ...parsed.document, ...change.difference } : parsed.document;
    const known = await db.get(
      `SELECT 1 AS found FROM ${table('document_register')} WHERE issuer = $1 AND document_id = $2`,
      [d.issuer, d.documentId],
    );
    if (known) return;
    const sameNumber = await db.get<{ document_id: string }>(
      `SELECT document_id FROM ${table('document_register')} WHERE issuer = $1 AND kind = $2 AND number = $3`,
      [d.issuer, d.kind, d.number],
    );
    if (sameNumber) {
      await db.run(
        `INSERT INTO ${table('document_register_anomalies')} (position, issuer, document_id, kind, number, reason)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
        [
          sortablePosition(recorded),
          d.issuer,
          d.documentId,
          d.kind,
          d.number,
          `number already used by document ${sameNumber.document_id}`,
        ],
      );
    }
    await db.run(
      `INSERT INTO ${table('document_register')} (issuer, document_id, kind, number, sequence, date, account_id, period_id,
         currency, net, vat, gross, increase_net, increase_vat, increase_gross, decrease_net, decrease_vat,
         decrease_gross, corrects_number, position)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
      [
        d.issuer,
        d.documentId,
        d.kind,
        d.number,
        d.sequence,
        d.date,
        d.accountId,
        d.periodId,
        d.currency,
        d.net,
        d.vat,
        d.gross,
        change?.increase.net ?? null,
        change?.increase.vat ?? null,
        change?.increase.gross ?? null,
        change?.decrease.net ?? null,
        change?.decrease.vat ?? null,
        change?.decrease.gross ?? null,
        change?.correctsNumber ?? null,
        recorded.position.toString(),
      ],
    );
    const currency = d.currency ?? '';
    // The totals row of the issuer's period, kind and currency: read once per batch, written at its end.
    const sql = statements(table);
    await withBatch(
      db,
      sql,
      () => new TotalsBatch(db, sql),
      async (batch) => {
        const key = { issuer: d.issuer, period_id: d.periodId, kind: d.kind, currency };
        const totals = await batch.get(key);
        batch.put({
          ...key,
          documents: Number(totals?.documents ?? 0) + 1,
          net: addDecimals(totals?.net, d.net),
          vat: addDecimals(totals?.vat, d.vat),
          gross: addDecimals(totals?.gross, d.gross),
          increase_net: addDecimals(totals?.increase_net, change?.increase.net),
          increase_vat: addDecimals(totals?.increase_vat, change?.increase.vat),
          increase_gross: addDecimals(totals?.increase_gross, change?.increase.gross),
          decrease_net: addDecimals(totals?.decrease_net, change?.decrease.net),
          decrease_vat: addDecimals(totals?.decrease_vat, change?.decrease.vat),
          decrease_gross: addDecimals(totals?.decrease_gross, change?.decrease.gross),
        });
      },
    );
  },
};

const CHANGE_COLUMNS = [
  'increase_net',
  'increase_vat',
  'increase_gross',
  'decrease_net',
  'decrease_vat',
  'decrease_gross',
] as const;
type ChangeColumn = (typeof CHANGE_COLUMNS)[number];

type Amounts = Record<'net' | 'vat' | 'gross', string>;

const amountsOf = (value: unknown): Amounts | undefined => {
  const v = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  return isDecimalString(v.net) && isDecimalString(v.vat) && isDecimalString(v.gross)
    ? { net: v.net, vat: v.vat, gross: v.gross }
    : undefined;
};

/** A corrective document's change (increase, decrease, signed difference) and the original's number. */
function changeOf(
  data: unknown,
):
  | { increase: Amounts; decrease: Amounts; difference: Amounts; correctsNumber: string | null }
  | 'unreadable'
  | undefined {
  const d = data as { kind?: unknown; change?: Record<string, unknown>; corrects?: { number?: unknown } };
  if (typeof d.kind !== 'string' || !isCorrectiveDocument({ kind: d.kind })) return undefined;
  const increase = amountsOf(d.change?.increase);
  const decrease = amountsOf(d.change?.decrease);
  const difference = amountsOf(d.change?.difference);
  if (!increase || !decrease || !difference) return 'unreadable';
  const number = d.corrects?.number;
  return { increase, decrease, difference, correctsNumber: typeof number === 'string' ? number : null };
}

type TotalsKey = Record<'issuer' | 'period_id' | 'kind' | 'currency', string>;
type TotalsRow = TotalsKey & { documents: number } & Record<'net' | 'vat' | 'gross' | ChangeColumn, string>;

const TOTALS_COLUMNS = [
  'issuer',
  'period_id',
  'kind',
  'currency',
  'documents',
  'net',
  'vat',
  'gross',
  ...CHANGE_COLUMNS,
] as const;

/** SQL and writer built once per build's table names. */
const statements = perTable((table) => ({
  totals: `SELECT ${TOTALS_COLUMNS.join(', ')} FROM ${table('document_register_totals')}
       WHERE issuer = $1 AND period_id = $2 AND kind = $3 AND currency = $4`,
  totalsRows: new RowWriter({
    table: table('document_register_totals'),
    columns: TOTALS_COLUMNS,
    types: { documents: 'integer' },
    key: ['issuer', 'period_id', 'kind', 'currency'],
    update: TOTALS_COLUMNS.slice(4),
  }),
}));

/** The totals rows one batch touches (a close issues many documents into the same few): each written once. */
class TotalsBatch implements BatchWrites {
  private readonly rows: HeldRows<TotalsRow>;

  constructor(
    private readonly db: ReadModelDb,
    private readonly sql: ReturnType<typeof statements>,
  ) {
    this.rows = new HeldRows(sql.totalsRows, (row) => TOTALS_COLUMNS.map((c) => row[c]));
  }

  get(key: TotalsKey): Promise<TotalsRow | undefined> {
    return this.rows.get(keyOf(key), () =>
      this.db.get<TotalsRow>(this.sql.totals, [key.issuer, key.period_id, key.kind, key.currency]),
    );
  }

  put(row: TotalsRow): void {
    this.rows.put(keyOf(row), row);
  }

  flush(db: ReadModelDb): Promise<void> {
    return this.rows.flush(db);
  }
}

const keyOf = (key: TotalsKey) => `${key.issuer}\u0000${key.period_id}\u0000${key.kind}\u0000${key.currency}`;
