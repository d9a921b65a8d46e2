import { Inject, Injectable } from '@nestjs/common';
import { AccountBook } from '../../accounts/account-book.js';
import { DocumentService } from '../../documents/document-service.js';
import { issuerDetails } from '../../documents/issuers.js';
import { LedgerBook } from '../../ledger/ledger-book.js';
import { PriceCatalogProvider } from '../../ledger/price-catalog.provider.js';
import {
  deriveClosingDocument,
  isDerivable,
  UsageSums,
  type CorrectionStep,
  type DocumentDerivation,
  type ResourceConsumedData,
  type UsageStep,
} from '../../domain/documents/derivation.js';
import type { ClosingDocument, Numbered } from '../../domain/documents/index.js';
import type { LedgerEventOf } from '../../domain/ledger/ledger-events.js';
import { NotFoundError } from '../../platform/commands/command-outcome.js';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../../platform/event-store/event-store.port.js';
import {
  documentsStream,
  ledgerStream,
  NUMBERING_STREAM_PREFIX,
} from '../../platform/event-store/stream-names.js';
import { StreamNotFoundError } from '../../platform/event-store/errors.js';

/** Where an event sits in the log and when it was true and recorded: what an auditor cites. */
export interface EventReference {
  readonly eventId: string;
  readonly stream: string;
  readonly revision: number;
  readonly position: string;
  readonly effectiveAt: string | null;
  readonly recordedAt: string | null;
}

export const referenceOf = (event: RecordedEvent): EventReference => ({
  eventId: event.id,
  stream: event.streamId,
  revision: event.revision,
  position: event.position.toString(),
  effectiveAt: event.metadata.effectiveAt ?? null,
  recordedAt: event.metadata.recordedAt ?? event.storedAt.toISOString(),
});

/** A numbered closing document, the event that issued it and the account's documents issued before it. */
export interface LocatedDocument {
  readonly accountId: string;
  readonly document: Numbered<ClosingDocument>;
  readonly issuedBy: EventReference;
  readonly earlier: readonly ClosingDocument[];
}

/** A usage record's row: the event, the lines it feeds, its price and funding split. */
export interface UsageRow extends UsageStep {
  readonly event: EventReference;
  /** The 1-based numbers of the document's lines this record adds to. */
  readonly lines: readonly number[];
}

/** A correction of the document's own period: the event, who and why, its signed amount and the lines it changes. */
export interface CorrectionRow extends CorrectionStep {
  readonly event: EventReference;
  readonly lines: readonly number[];
}

/** Rows are read a page at a time: the period is never held in memory whole. */
const PAGE = 500;

type NumberAssignment = {
  assignments: Array<{ documentId: string; number: string }>;
};

/**
 * Reads what a document's derivation needs straight from the event log (not the read models): the document,
 * its period's usage records page by page, and the account's facts and profile the composition used.
 */
@Injectable()
export class DocumentDerivations {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(AccountBook) private readonly accounts: AccountBook,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    @Inject(DocumentService) private readonly documents: DocumentService,
    @Inject(PriceCatalogProvider) private readonly catalog: PriceCatalogProvider,
  ) {}

  /** The document numbered `number`, found through the issuers' numbering series. */
  async locate(
    number: string,
  ): Promise<Numbered & { accountId: string; issuedBy: EventReference; earlier: ClosingDocument[] }> {
    const documentId = await this.documentIdOf(number);
    if (documentId === undefined) throw new NotFoundError(`No document is numbered ${number}`);
    const accountId = documentId.slice(0, documentId.indexOf('/'));
    const earlier: ClosingDocument[] = [];
    for (const event of await this.readWhole(documentsStream(accountId))) {
      if (event.type !== 'DocumentIssued') continue;
      const [document] = this.documents.retention.open([event.data as Numbered]);
      if (document!.number === number)
        return { ...document!, accountId, issuedBy: referenceOf(event), earlier };
      if (document!.kind !== 'bill') earlier.push(document as ClosingDocument);
    }
    throw new NotFoundError(`No document is numbered ${number}`);
  }

  private async documentIdOf(number: string): Promise<string | undefined> {
    let after: bigint | undefined;
    for (;;) {
      const page = await this.store.readAll({
        ...(after !== undefined ? { afterPosition: after } : {}),
        maxCount: PAGE,
        filter: { streamPrefixes: [NUMBERING_STREAM_PREFIX] },
      });
      for (const event of page) {
        if (!event.streamId.startsWith(NUMBERING_STREAM_PREFIX)) continue;
        const hit = (event.data as NumberAssignment).assignments?.find((a) => a.number === number);
        if (hit) return hit.documentId;
      }
      if (page.length < PAGE) return undefined;
      after = page.at(-1)!.position;
    }
  }

  private async readWhole(stream: string): Promise<RecordedEvent[]> {
    try {
      return await this.store.readStream(stream);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  /**
   * Streams the usage records of the document's period (up to its bill for a document formed mid-period)
   * to `onRow` as they are read — and the period's own corrections (void, re-rate, adjustment) to
   * `onCorrection` — then derives the lines from their sums.
   */
  async derive(
    located: LocatedDocument,
    onRow: (row: UsageRow) => void | Promise<void>,
    onCorrection: (row: CorrectionRow) => void | Promise<void> = () => undefined,
  ): Promise<DocumentDerivation> {
    const { accountId, document } = located;
    if (!isDerivable(document.kind)) throw new Error(`a ${document.kind} is not derived from usage records`);
    const facts = await this.accounts.account(accountId);
    const state = await this.accounts.state(accountId);
    const profile = this.ledger.contextFor(facts).profile;
    const sums = new UsageSums(profile.documents, {
      catalog: this.catalog.catalog,
      currency: facts.currency,
    });
    const lineNumbers = linesOfRecords(document);
    const billId = /-mid\/(.+)$/.exec(document.documentId)?.[1];
    const stream = ledgerStream(accountId, document.periodId);
    let from = 0;
    read: for (;;) {
      const page = await this.store.readStream(stream, { fromRevision: from, maxCount: PAGE });
      for (const event of page) {
        if (event.type === 'BillIssued' && (event.data as { billId: string }).billId === billId) break read;
        if (event.type === 'CommitmentShortfallCharged') {
          sums.addShortfall(event.data as LedgerEventOf<'CommitmentShortfallCharged'>['data']);
          continue;
        }
        if (event.type === 'ChargeCorrected') {
          const correction = event.data as LedgerEventOf<'ChargeCorrected'>['data'];
          // Late usage and corrections of a closed period belong to that period's corrective documents.
          if (correction.correctsPeriod !== document.periodId) continue;
          const step = sums.addCorrection(correction, document.periodId);
          await onCorrection({ ...step, event: referenceOf(event), lines: lineNumbers(step) });
          continue;
        }
        if (event.type !== 'ResourceConsumed') continue;
        const step = sums.add(
          event.data as LedgerEventOf<'ResourceConsumed'>['data'] as ResourceConsumedData,
        );
        await onRow({ ...step, event: referenceOf(event), lines: lineNumbers(step) });
      }
      if (page.length < PAGE) break;
      from = page.at(-1)!.revision + 1;
    }
    return deriveClosingDocument({
      document,
      sums,
      account: {
        facts, // The lines do not depend on the requisites; a document's own payer stands in when they were erased.
        legalDetails: state.legalDetails ?? {
          name: document.payer.name,
          taxId: document.payer.taxId,
          address: document.payer.address,
        },
      },
      issuer: issuerDetails(facts.issuer),
      profile,
      earlier: located.earlier,
    });
  }
}

/** The lines a record feeds: its SKU's lines, or its service's line when the service is one line. */
function linesOfRecords(document: ClosingDocument) {
  return (step: Pick<UsageStep, 'service' | 'sku'>): number[] =>
    document.lines.flatMap((line, index) =>
      line.service === step.service && (line.sku === undefined || line.sku === step.sku) ? [index + 1] : [],
    );
}
