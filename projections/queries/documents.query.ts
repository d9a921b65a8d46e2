import type { Numbered } from '../../src/domain/documents/index.js';
import { documentsStream } from '../../src/platform/event-store/stream-names.js';
import type { ReadModelQuery } from './read-models.js';

/**
 * An account's issued documents as its documents stream holds them, in the order they were issued;
 * undefined when the read model did not understand every event of that stream (it lists those in
 * `documents_unrecognised`), so the caller reads the stream itself. With `number`, only that document.
 */
export const accountDocuments =
  (accountId: string, number?: string): ReadModelQuery<Numbered[] | undefined> =>
  async (db, table) => {
    const stream = documentsStream(accountId);
    const unrecognised = await db.get(
      `SELECT 1 AS found FROM ${table('documents_unrecognised')} WHERE stream_id = $1 LIMIT 1`,
      [stream],
    );
    if (unrecognised) return undefined;
    const rows = await db.all<{ content: string; position: string }>(
      `SELECT content, position FROM ${table('documents')} WHERE account_id = $1 AND stream_id = $2
       ${number === undefined ? '' : 'AND number = $3'}`,
      number === undefined ? [accountId, stream] : [accountId, stream, number],
    );
    return rows
      .sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1))
      .map((row) => JSON.parse(row.content) as Numbered);
  };

/** An account's documents withheld now (DocumentsWithheld not yet released), in the order they were withheld. */
export const withheldDocuments =
  (accountId: string): ReadModelQuery<unknown[]> =>
  async (db, table) => {
    const rows = await db.all<{ content: string; position: string }>(
      `SELECT content, position FROM ${table('documents_withheld')} WHERE account_id = $1`,
      [accountId],
    );
    return rows
      .sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1))
      .map((row) => JSON.parse(row.content) as unknown);
  };
