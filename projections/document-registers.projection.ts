import type { Projection } from './runner/projection.js';
import { addDecimals } from './support/decimal-sum.js';
import { readIssuedDocument } from './support/issued-document.js';
import { sortablePosition } from './support/streams.js';
import { DOCUMENTS_STREAM_PREFIX } from '../src/platform/event-store/stream-names.js';

/**
 * Per-issuer document registers: every document an issuer signed, in number order, with totals per
 * reporting period, kind and currency — what the issuer's accountants reconcile against. A number used
 * twice by one issuer for one kind is listed in `document_register_anomalies`.
 */
export const documentRegistersProjection: Projection = {
  name: 'document-registers',
  version: 1,
  filter: { streamPrefixes: [DOCUMENTS_STREAM_PREFIX], eventTypes: ['DocumentIssued'] },

  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('document_register')} (
      issuer TEXT NOT NULL, document_id TEXT NOT NULL, kind TEXT NOT NULL, number TEXT NOT NULL, sequence INTEGER,
      date TEXT NOT NULL, account_id TEXT NOT NULL, period_id TEXT NOT NULL, currency TEXT, net TEXT, vat TEXT,
      gross TEXT, position TEXT NOT NULL, PRIMARY KEY (issuer, document_id))`);
    await db.run(
      `CREATE INDEX IF NOT EXISTS ${table('document_register_by_number')} ON ${table('document_register')} (issuer, kind, number)`,
    );
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('document_register_totals')} (
      issuer TEXT NOT NULL, period_id TEXT NOT NULL, kind TEXT NOT NULL, currency TEXT NOT NULL,
      documents INTEGER NOT NULL, net TEXT NOT NULL, vat TEXT NOT NULL, gross TEXT NOT NULL,
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
    const d = parsed.document;
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
         currency, net, vat, gross, position) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
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
        recorded.position.toString(),
      ],
    );
    const currency = d.currency ?? '';
    const totals = await db.get<{ documents: number | string; net: string; vat: string; gross: string }>(
      `SELECT documents, net, vat, gross FROM ${table('document_register_totals')}
       WHERE issuer = $1 AND period_id = $2 AND kind = $3 AND currency = $4`,
      [d.issuer, d.periodId, d.kind, currency],
    );
    await db.run(
      `INSERT INTO ${table('document_register_totals')} (issuer, period_id, kind, currency, documents, net, vat, gross)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (issuer, period_id, kind, currency) DO UPDATE SET documents = excluded.documents,
         net = excluded.net, vat = excluded.vat, gross = excluded.gross`,
      [
        d.issuer,
        d.periodId,
        d.kind,
        currency,
        Number(totals?.documents ?? 0) + 1,
        addDecimals(totals?.net, d.net),
        addDecimals(totals?.vat, d.vat),
        addDecimals(totals?.gross, d.gross),
      ],
    );
  },
};
