import type { Projection, ProjectionIdentity } from '../runner/projection.js';
import type { ChargeCorrection, LedgerEventOf } from '../../src/domain/ledger/ledger-events.js';
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
}

export function documentIssuerProjection(documents: DocumentIssuing): Projection {
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
      try {
        if (recorded.type === 'PeriodClosed') await documents.issueForClosedPeriod(accountId, periodId);
        else if (recorded.type === 'ChargeCorrected') {
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
        await db.run(
          `INSERT INTO ${table('withheld')} (event_id, account_id, period_id, code, reason) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (event_id) DO NOTHING`,
          [recorded.id, accountId, periodId, error.code, error.message],
        );
      }
    },
  };
}
