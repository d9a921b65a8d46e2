/**
 * An auditor's export of one period for every account of an issuer (issue 19), as JSON Lines an external
 * auditor verifies offline with `scripts/verify-audit-export.mjs` (docs/audit.md). Records, in order:
 *
 * - `header`: format, issuer, period, when exported;
 * - `event`: every event of the accounts' ledger streams of the period and of their documents streams, with
 *   its stream, revision, position, data and metadata (which carries the hash chain: prevHash, hash);
 * - `head`: each exported stream's last revision and hash;
 * - `document`: each document of the period, with the id of the DocumentIssued event that issued it;
 * - `derivation`: for each act, UPD and VAT invoice, its derivation (usage rows, services, lines, totals);
 * - `checkpoint`: the latest signed checkpoint of the log and the anchor's public key (null when none).
 *
 * Written as it is read: a stream page by page, one derivation at a time.
 */
import type {
  CorrectionRow,
  DocumentDerivations,
  UsageRow,
} from '../document-derivation/document-derivations.js';
import { isDerivable } from '../../domain/documents/derivation.js';
import type { ClosingDocument, Numbered } from '../../domain/documents/index.js';
import type { EventStore, RecordedEvent } from '../../platform/event-store/event-store.port.js';
import { StreamNotFoundError } from '../../platform/event-store/errors.js';
import { documentsStream, ledgerStream, numberingStream } from '../../platform/event-store/stream-names.js';

export const EXPORT_FORMAT = 'billing-audit-export/v1';

/** A signed checkpoint as the anchor stores it, with the public key that verifies it. */
export interface ExportedCheckpoint {
  readonly number: number;
  readonly events: number;
  readonly position: string;
  readonly chain: string;
  readonly signed_at: string;
  readonly key_id: string;
  readonly signature: string;
  readonly publicKey: string;
}

const PAGE = 500;

async function* streamEvents(store: EventStore, stream: string): AsyncGenerator<RecordedEvent> {
  let from = 0;
  for (;;) {
    let page: RecordedEvent[];
    try {
      page = await store.readStream(stream, { fromRevision: from, maxCount: PAGE });
    } catch (error) {
      if (error instanceof StreamNotFoundError) return;
      throw error;
    }
    yield* page;
    if (page.length < PAGE) return;
    from = page.at(-1)!.revision + 1;
  }
}

/** The accounts with documents of `periodId` in the issuer's numbering series (that year's and the next). */
async function accountsOf(store: EventStore, issuer: string, periodId: string): Promise<string[]> {
  const year = Number(periodId.slice(0, 4));
  const accounts = new Set<string>();
  for (const stream of [numberingStream(issuer, year), numberingStream(issuer, year + 1)])
    for await (const event of streamEvents(store, stream))
      for (const a of (event.data as { assignments?: Array<{ documentId: string }> }).assignments ?? []) {
        const [accountId, period] = a.documentId.split('/');
        if (period === periodId && accountId) accounts.add(accountId);
      }
  return [...accounts].sort();
}

export async function exportPeriod(
  store: EventStore,
  derivations: DocumentDerivations,
  issuer: string,
  periodId: string,
  write: (line: string) => void | Promise<void>,
  checkpoint: ExportedCheckpoint | null,
  exportedAt: string = new Date().toISOString(),
): Promise<{ accounts: number; documents: number }> {
  const record = (value: object) => write(JSON.stringify(value) + '\n');
  await record({ record: 'header', format: EXPORT_FORMAT, issuer, periodId, exportedAt });
  const accounts = await accountsOf(store, issuer, periodId);
  let count = 0;
  for (const accountId of accounts) {
    const issued: Array<{ eventId: string; document: Numbered }> = [];
    for (const stream of [ledgerStream(accountId, periodId), documentsStream(accountId)]) {
      let last: RecordedEvent | undefined;
      for await (const event of streamEvents(store, stream)) {
        await record({
          record: 'event',
          stream: event.streamId,
          revision: event.revision,
          position: event.position.toString(),
          id: event.id,
          type: event.type,
          data: event.data,
          metadata: event.metadata,
        });
        const data = event.data as Numbered;
        if (event.type === 'DocumentIssued' && data.periodId === periodId && data.issuer?.id === issuer)
          issued.push({ eventId: event.id, document: data });
        last = event;
      }
      if (last) await record({ record: 'head', stream, revision: last.revision, hash: last.metadata.hash });
    }
    for (const { eventId, document } of issued) {
      count += 1;
      await record({ record: 'document', accountId, eventId, document });
      if (!isDerivable(document.kind)) continue;
      const located = await derivations.locate(document.number);
      const usage: UsageRow[] = [];
      const corrections: CorrectionRow[] = [];
      const derivation = await derivations.derive(
        {
          accountId,
          document: located as Numbered<ClosingDocument>,
          issuedBy: located.issuedBy,
          earlier: located.earlier,
        },
        (row) => void usage.push(row),
        (row) => void corrections.push(row),
      );
      // One document's usage rows at a time: a derivation record is one line of the file.
      await record({
        record: 'derivation',
        accountId,
        number: document.number,
        usage,
        corrections,
        ...derivation,
      });
    }
  }
  await record({ record: 'checkpoint', checkpoint });
  return { accounts: accounts.length, documents: count };
}
