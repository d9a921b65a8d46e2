import type { Projection, ProjectionIdentity } from '../runner/projection.js';
import type { ReadModelDb } from '../runner/read-model-db.js';
import type { ChargeCorrection, LedgerEventOf } from '../../src/domain/ledger/ledger-events.js';
import type { EventStore, RecordedEvent } from '../../src/platform/event-store/event-store.port.js';
import { DomainError } from '../../src/domain/shared/errors.js';
import {
  ACCOUNT_STREAM_PREFIX,
  LEDGER_STREAM_PREFIX,
  accountIdOfAccountStream,
  ledgerStreamParts,
} from '../../src/platform/event-store/stream-names.js';

/**
 * Issues documents from the durable subscription: every PeriodClosed (mid-period BillIssued,
 * TopUpBillIssued, ChargeCorrected — its corrective documents) gets its documents exactly once, however the period was closed. A period whose documents cannot be composed (for
 * example a legal entity without legal details) is recorded as withheld, with the reason, instead of
 * stopping the issuer for every other account; the documents stream records it too (DocumentsWithheld), and
 * when the account's legal details are added or its contract changes the withheld documents are issued
 * (WithheldDocumentsReleased).
 *
 * At month end the issuer takes the closes that follow one another in the log together (up to
 * CLOSES_PER_BATCH, of different accounts, until any other kind of event): their documents are composed
 * from the PeriodClosed events themselves, numbered in one block per series and stored side by side; each
 * close's outcome is then applied in its own turn (a withheld row), so the checkpoint still moves event by
 * event and a crash mid-batch retries the batch, which numbers and stores nothing twice.
 */
export const DOCUMENT_ISSUER: ProjectionIdentity = {
  name: 'document-issuer',
  version: 1,
  filter: {
    streamPrefixes: [LEDGER_STREAM_PREFIX, ACCOUNT_STREAM_PREFIX],
    eventTypes: [
      'PeriodClosed',
      'BillIssued',
      'TopUpBillIssued',
      'LegalDetailsAdded',
      'ContractChanged',
      'ChargeCorrected',
    ],
  },
};

/** How the issuer has documents issued: the composition root sends the documents' commands through the bus. */
export interface DocumentIssuing {
  issueForClosedPeriod(accountId: string, periodId: string): Promise<unknown>;
  issueMidPeriodBill(accountId: string, periodId: string, billId: string): Promise<unknown>;
  issueTopUpBill(accountId: string, periodId: string, billId: string): Promise<unknown>;
  /** A correction booked in the open period `periodId` (issue 14): the corrective documents it calls for. */
  issueCorrectiveDocuments(accountId: string, periodId: string, correctionId: string): Promise<unknown>;
  /** The legal details arrived: issue what was withheld for want of them. */
  issueWithheld(accountId: string): Promise<unknown>;
  /**
   * Closes of different accounts issued together, each with its PeriodClosed (not read again): answers per
   * close the rule that withholds its documents, if any.
   */
  issueForClosedPeriods?(periods: ClosedPeriodForIssue[]): Promise<Array<{ withheld?: DomainError }>>;
}

/** A close for a batch: the account, the period and its PeriodClosed as the issuer received it. */
export interface ClosedPeriodForIssue {
  accountId: string;
  periodId: string;
  closed: RecordedEvent<LedgerEventOf<'PeriodClosed'>['data']>;
}

/** How many closes one batch takes at most: one numbering block per series, one commit for their documents. */
export const CLOSES_PER_BATCH = 200;

export function documentIssuerProjection(
  documents: DocumentIssuing,
  /** `store`: the log, to take the closes that follow together (without it, one close at a time). */
  options: { store?: Pick<EventStore, 'readAll'>; batch?: number } = {},
): Projection {
  const batch = options.store && documents.issueForClosedPeriods ? (options.batch ?? CLOSES_PER_BATCH) : 1;
  /** Closes issued with an earlier close's batch, by event id: the rule that withheld them, if any. */
  const issuedAhead = new Map<string, DomainError | undefined>();

  const withhold = (
    db: ReadModelDb,
    table: (name: string) => string,
    recorded: RecordedEvent,
    error: DomainError,
  ) => {
    const { accountId, periodId } = ledgerStreamParts(recorded.streamId)!;
    return db.run(
      `INSERT INTO ${table('withheld')} (event_id, account_id, period_id, code, reason) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (event_id) DO NOTHING`,
      [recorded.id, accountId, periodId, error.code, error.message],
    );
  };

  /** This close and the closes right after it in the log, of other accounts, up to `batch`. */
  const closesFrom = async (recorded: RecordedEvent): Promise<RecordedEvent[]> => {
    const run = [recorded];
    if (batch <= 1) return run;
    const accounts = new Set([ledgerStreamParts(recorded.streamId)!.accountId]);
    const ahead = await options.store!.readAll({
      afterPosition: recorded.position,
      maxCount: batch * 2,
      filter: DOCUMENT_ISSUER.filter,
    });
    for (const event of ahead) {
      if (run.length >= batch) break;
      // A period bill has no document of its own (its close issues it): it does not end the run.
      if (event.type === 'BillIssued' && (event.data as { kind: string }).kind === 'period') continue;
      if (event.type !== 'PeriodClosed') break;
      const accountId = ledgerStreamParts(event.streamId)?.accountId;
      // An account's next close waits for its turn: its documents may depend on this one's.
      if (accountId === undefined || accounts.has(accountId)) break;
      accounts.add(accountId);
      run.push(event);
    }
    return run;
  };

  /** Issues the batch starting at `recorded`; answers its own withholding rule, keeps the others' for later. */
  const issueClosesFrom = async (recorded: RecordedEvent): Promise<DomainError | undefined> => {
    const run = await closesFrom(recorded);
    const periods = run.map((event) => ({
      ...ledgerStreamParts(event.streamId)!,
      closed: event as ClosedPeriodForIssue['closed'],
    }));
    let answers: Array<{ withheld?: DomainError }>;
    try {
      answers = await documents.issueForClosedPeriods!(periods);
    } catch (error) {
      if (run.length === 1) throw error;
      // Not a rule: this close alone, so that a failure stops the issuer at the event that causes it.
      return issueOne(recorded);
    }
    if (issuedAhead.size > batch * 10) issuedAhead.clear(); // only a cache: issuing again stores nothing
    run.slice(1).forEach((event, index) => issuedAhead.set(event.id, answers[index + 1]?.withheld));
    return answers[0]?.withheld;
  };

  const issueOne = async (recorded: RecordedEvent): Promise<DomainError | undefined> => {
    const { accountId, periodId } = ledgerStreamParts(recorded.streamId)!;
    try {
      await documents.issueForClosedPeriod(accountId, periodId);
      return undefined;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return error;
    }
  };

  return {
    ...DOCUMENT_ISSUER,
    async setup(db, table) {
      await db.run(`CREATE TABLE IF NOT EXISTS ${table('withheld')} (
        event_id TEXT PRIMARY KEY, account_id TEXT NOT NULL, period_id TEXT NOT NULL, code TEXT NOT NULL, reason TEXT NOT NULL)`);
    },
    async apply(db, recorded, table) {
      const detailsOf = accountIdOfAccountStream(recorded.streamId);
      if (detailsOf !== undefined) {
        // Documents withheld for want of legal details (or of a registered agreement) go out now, with their
        // original dates.
        await documents.issueWithheld(detailsOf);
        await db.run(`DELETE FROM ${table('withheld')} WHERE account_id = $1`, [detailsOf]);
        return;
      }
      const { accountId, periodId } = ledgerStreamParts(recorded.streamId)!;
      if (recorded.type === 'PeriodClosed') {
        let withheld: DomainError | undefined;
        if (issuedAhead.has(recorded.id)) {
          withheld = issuedAhead.get(recorded.id);
          issuedAhead.delete(recorded.id);
        } else if (documents.issueForClosedPeriods) withheld = await issueClosesFrom(recorded);
        else withheld = await issueOne(recorded);
        if (withheld) await withhold(db, table, recorded, withheld);
        return;
      }
      try {
        if (recorded.type === 'ChargeCorrected') {
          const { correctionId } = recorded.data as ChargeCorrection;
          await documents.issueCorrectiveDocuments(accountId, periodId, correctionId);
        } else if (recorded.type === 'TopUpBillIssued') {
          const { billId } = recorded.data as LedgerEventOf<'TopUpBillIssued'>['data'];
          await documents.issueTopUpBill(accountId, periodId, billId);
        } else {
          const bill = recorded.data as LedgerEventOf<'BillIssued'>['data'];
          if (bill.kind === 'mid-period')
            await documents.issueMidPeriodBill(accountId, periodId, bill.billId);
        }
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        await withhold(db, table, recorded, error);
      }
    },
  };
}
