/**
 * Recompute and compare (issue 19): a period's documents rebuilt from the log alone — the account's stream and
 * the period's ledger stream copied into a scratch in-memory store, the documents issued there by the same
 * DocumentService the document issuer uses, in the order the ledger raised them — and compared with what was
 * issued (the DocumentIssued events) and, when given, what the read model serves. Corrections of the period
 * booked after its close (issue 14) are in later periods' streams: those are copied too, and the period's
 * corrective documents re-issued from them in the order they were booked. Numbers and requisites are
 * not compared (the scratch series starts at 1; a person's requisites are sealed): the money is.
 */
import type { Numbered } from '../../domain/documents/index.js';
import type { ChargeCorrection } from '../../domain/ledger/ledger-events.js';
import { VirtualClock } from '../../platform/clock/clock.js';
import type { EventStore, RecordedEvent } from '../../platform/event-store/event-store.port.js';
import { StreamNotFoundError } from '../../platform/event-store/errors.js';
import { SqliteEventStore } from '../../platform/event-store/sqlite/sqlite-event-store.js';
import { accountStream, documentsStream, ledgerStream } from '../../platform/event-store/stream-names.js';
import { documentServices, type AuditDependencies } from '../audit-dependencies.js';

export type RecomputeDependencies = AuditDependencies;

/** One difference between a recomputed document and a source of issued ones. */
export interface DocumentDifference {
  readonly source: string;
  readonly documentId: string;
  /** `document` when the whole document is missing on one side, else the field's path. */
  readonly field: string;
  readonly issued: unknown;
  readonly recomputed: unknown;
}

/** What the money of a document is: compared field by field. */
const comparable = (d: Numbered) => ({
  kind: d.kind,
  periodId: d.periodId,
  currency: d.currency,
  servicePeriod: 'servicePeriod' in d ? d.servicePeriod : undefined,
  totals: d.totals,
  lines: d.lines.map((l) => ({
    description: l.description,
    service: l.service,
    sku: l.sku,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    vatRate: l.vatRate,
    net: l.net,
    vat: l.vat,
    gross: l.gross,
  })),
  // A corrective document's money is also its change and its lines' before / after / difference.
  ...('change' in d
    ? {
        change: d.change,
        correctiveLines: d.correctiveLines.map((l) => ({
          service: l.service,
          sku: l.sku,
          vatRate: l.vatRate,
          before: l.before,
          after: l.after,
          increase: l.increase,
          decrease: l.decrease,
        })),
      }
    : {}),
});

async function readWhole(store: EventStore, stream: string): Promise<RecordedEvent[]> {
  try {
    return await store.readStream(stream);
  } catch (error) {
    if (error instanceof StreamNotFoundError) return [];
    throw error;
  }
}

/** The documents of `periodId` rebuilt in a scratch store from the account's and the period's events. */
export async function recomputePeriodDocuments(
  source: EventStore,
  accountId: string,
  periodId: string,
  deps: RecomputeDependencies,
): Promise<{ documents: Numbered[]; withheld: string[] }> {
  const ledgerEvents = await readWhole(source, ledgerStream(accountId, periodId));
  if (ledgerEvents.length === 0) throw new Error(`Account ${accountId} has no period ${periodId}`);
  const scratch = SqliteEventStore.open({ path: ':memory:' });
  try {
    for (const stream of [accountStream(accountId), ledgerStream(accountId, periodId)]) {
      const events = await readWhole(source, stream);
      if (events.length > 0)
        await scratch.append(
          stream,
          events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
          'no_stream',
        );
    }
    const closed = ledgerEvents.find((e) => e.type === 'PeriodClosed');
    // Documents are drawn up after the close: a clock there dates them as the issuer would on time.
    const clock = new VirtualClock(
      String(
        closed?.metadata.recordedAt ?? ledgerEvents.at(-1)!.metadata.recordedAt ?? new Date().toISOString(),
      ),
    );
    const { documents } = documentServices(scratch, clock, deps);
    const withheld: string[] = [];
    const attempt = async (issue: () => Promise<unknown>) => {
      try {
        await issue();
      } catch (error) {
        withheld.push((error as Error).message);
      }
    };
    // In the order the ledger raised them, as the document issuer sends the commands.
    for (const event of ledgerEvents) {
      const data = event.data as { billId?: string; kind?: string };
      if (event.type === 'BillIssued' && data.kind === 'mid-period')
        await attempt(() => documents.issueMidPeriodBill(accountId, periodId, data.billId!));
      else if (event.type === 'TopUpBillIssued')
        await attempt(() => documents.issueTopUpBill(accountId, periodId, data.billId!));
      else if (event.type === 'PeriodClosed')
        await attempt(() => documents.issueForClosedPeriod(accountId, periodId));
    }
    // The period's own corrections are in its documents already; later periods may book corrections of it.
    for (let later = followingMonth(periodId); ; later = followingMonth(later)) {
      const events = await readWhole(source, ledgerStream(accountId, later));
      if (events.length === 0) break;
      await scratch.append(
        ledgerStream(accountId, later),
        events.map((e) => ({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
        'no_stream',
      );
      for (const event of events) {
        const correction = event.data as ChargeCorrection;
        if (event.type === 'ChargeCorrected' && correction.correctsPeriod === periodId)
          await attempt(() => documents.issueCorrectiveDocuments(accountId, later, correction.correctionId));
      }
    }
    const rebuilt = (await documents.list(accountId)).filter((d) => d.periodId === periodId);
    return { documents: rebuilt, withheld };
  } finally {
    await scratch.close();
  }
}

/** `YYYY-MM` → the next month's id (periods are calendar months, one ledger stream each). */
function followingMonth(periodId: string): string {
  const [year, month] = periodId.split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`;
}

/** The documents of the period as the log says they were issued (DocumentIssued events). */
export async function issuedInLog(
  store: EventStore,
  accountId: string,
  periodId: string,
): Promise<Numbered[]> {
  return (await readWhole(store, documentsStream(accountId)))
    .filter((e) => e.type === 'DocumentIssued')
    .map((e) => e.data as Numbered)
    .filter((d) => d.periodId === periodId);
}

/** Every difference between the recomputed documents and one source of issued ones, by document id. */
export function compareDocuments(
  sourceName: string,
  recomputed: readonly Numbered[],
  issued: readonly Numbered[],
): DocumentDifference[] {
  const differences: DocumentDifference[] = [];
  const issuedById = new Map(issued.map((d) => [d.documentId, d]));
  for (const document of recomputed) {
    const other = issuedById.get(document.documentId);
    issuedById.delete(document.documentId);
    if (!other) {
      differences.push({
        source: sourceName,
        documentId: document.documentId,
        field: 'document',
        issued: null,
        recomputed: document.kind,
      });
      continue;
    }
    diff(comparable(other), comparable(document), '', (field, a, b) =>
      differences.push({
        source: sourceName,
        documentId: document.documentId,
        field,
        issued: a,
        recomputed: b,
      }),
    );
  }
  for (const [documentId, document] of issuedById)
    differences.push({
      source: sourceName,
      documentId,
      field: 'document',
      issued: document.kind,
      recomputed: null,
    });
  return differences;
}

function diff(
  a: unknown,
  b: unknown,
  path: string,
  report: (field: string, a: unknown, b: unknown) => void,
): void {
  if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys)
      diff(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
        report,
      );
    return;
  }
  if (a !== b) report(path, a, b);
}
