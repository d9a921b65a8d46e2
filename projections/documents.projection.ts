import type { Projection } from './runner/projection.js';
import { readIssuedDocument } from './support/issued-document.js';
import { sortablePosition } from './support/streams.js';
import {
  DOCUMENTS_STREAM_PREFIX,
  accountIdOfDocumentsStream,
} from '../src/platform/event-store/stream-names.js';

/**
 * The documents index (by account, kind, date, number) and each document's content as issued. Events in
 * `documents-<accountId>` streams that these tables do not understand — or a document id issued again — are
 * listed in `documents_unrecognised` with the reason, so nothing is dropped without a trace (and the account
 * documents read answers from the log for that stream).
 */
export const documentsProjection: Projection = {
  name: 'documents',
  // v2: a repeated document id is recorded as unrecognised; unrecognised events indexed by stream.
  // v3: withheld documents (DocumentsWithheld / WithheldDocumentsReleased) in documents_withheld.
  version: 3,
  filter: { streamPrefixes: [DOCUMENTS_STREAM_PREFIX] },

  async setup(db, table) {
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('documents')} (
      document_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, kind TEXT NOT NULL, number TEXT NOT NULL,
      sequence INTEGER, issuer TEXT NOT NULL, date TEXT NOT NULL, period_id TEXT NOT NULL, currency TEXT,
      net TEXT, vat TEXT, gross TEXT, content TEXT NOT NULL, stream_id TEXT NOT NULL, position TEXT NOT NULL)`);
    await db.run(
      `CREATE INDEX IF NOT EXISTS ${table('documents_by_account')} ON ${table('documents')} (account_id, date, number)`,
    );
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('documents_unrecognised')} (
      position TEXT PRIMARY KEY, event_id TEXT NOT NULL, event_type TEXT NOT NULL, stream_id TEXT NOT NULL,
      reason TEXT NOT NULL)`);
    await db.run(
      `CREATE INDEX IF NOT EXISTS ${table('documents_unrecognised_by_stream')} ON ${table('documents_unrecognised')} (stream_id)`,
    );
    await db.run(`CREATE TABLE IF NOT EXISTS ${table('documents_withheld')} (
      account_id TEXT NOT NULL, withheld_id TEXT NOT NULL, content TEXT NOT NULL, position TEXT NOT NULL,
      PRIMARY KEY (account_id, withheld_id))`);
  },

  async apply(db, recorded, table) {
    const accountId = accountIdOfDocumentsStream(recorded.streamId);
    if (recorded.type === 'DocumentsWithheld' && accountId !== undefined) {
      const { withheldId } = recorded.data as { withheldId: string };
      await db.run(
        `INSERT INTO ${table('documents_withheld')} (account_id, withheld_id, content, position)
         VALUES ($1, $2, $3, $4) ON CONFLICT (account_id, withheld_id) DO UPDATE SET content = excluded.content, position = excluded.position`,
        [accountId, withheldId, JSON.stringify(recorded.data), recorded.position.toString()],
      );
      return;
    }
    if (recorded.type === 'WithheldDocumentsReleased' && accountId !== undefined) {
      const { withheldId } = recorded.data as { withheldId: string };
      await db.run(`DELETE FROM ${table('documents_withheld')} WHERE account_id = $1 AND withheld_id = $2`, [
        accountId,
        withheldId,
      ]);
      return;
    }
    const parsed =
      recorded.type === 'DocumentIssued'
        ? readIssuedDocument(recorded.data)
        : { problem: `event type ${recorded.type} is not indexed` };
    if ('problem' in parsed) {
      await db.run(
        `INSERT INTO ${table('documents_unrecognised')} (position, event_id, event_type, stream_id, reason)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [sortablePosition(recorded), recorded.id, recorded.type, recorded.streamId, parsed.problem],
      );
      return;
    }
    const d = parsed.document;
    // A document id is issued once; a repeated event (a retried append under a new id) changes nothing
    // here, and is recorded, as the documents stream itself would show it.
    const issued = await db.get<{ stream_id: string }>(
      `SELECT stream_id FROM ${table('documents')} WHERE document_id = $1`,
      [d.documentId],
    );
    if (issued) {
      await db.run(
        `INSERT INTO ${table('documents_unrecognised')} (position, event_id, event_type, stream_id, reason)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
        [
          sortablePosition(recorded),
          recorded.id,
          recorded.type,
          recorded.streamId,
          `document ${d.documentId} was already issued in ${issued.stream_id}`,
        ],
      );
      return;
    }
    await db.run(
      `INSERT INTO ${table('documents')} (document_id, account_id, kind, number, sequence, issuer, date, period_id,
         currency, net, vat, gross, content, stream_id, position)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [
        d.documentId,
        d.accountId,
        d.kind,
        d.number,
        d.sequence,
        d.issuer,
        d.date,
        d.periodId,
        d.currency,
        d.net,
        d.vat,
        d.gross,
        JSON.stringify(recorded.data),
        recorded.streamId,
        recorded.position.toString(),
      ],
    );
  },
};
