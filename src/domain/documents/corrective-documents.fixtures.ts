/**
 * Test data for corrective documents (issue 14): a closed period's documents composed and numbered as the
 * issuer would, and ChargeCorrected data built by hand (the event the correction commands append to the
 * open period's ledger stream).
 */
import type { ChargeCorrection, LedgerEventOf } from '../ledger/ledger-events.js';
import type { PolicyProfile } from '../policies/policy-profile.js';
import { closingDocumentsFor } from './closing-documents.js';
import type { CorrectiveDocument } from './corrective-documents.js';
import type { AccountDocument, DocumentAccount, Numbered } from './document-types.js';
import { RU_ISSUER, type PeriodClosedData } from './documents.fixtures.js';
import { assignNumbers, initialNumberCounter, type DocumentNumberCounter } from './numbering.js';

/** The event the correction commands append. */
export type ChargeCorrectedEvent = LedgerEventOf<'ChargeCorrected'>;

/** A correction of March 2026 booked on 10 April: by default a debit of `amount` paid by bank transfer. */
export function correction(
  correctionId: string,
  amount: string,
  overrides: Partial<ChargeCorrection> = {},
): ChargeCorrection {
  return {
    correctionId,
    kind: 'adjustment',
    correctsPeriod: '2026-03',
    service: 'compute',
    category: 'compute',
    amount,
    fromGrants: [],
    fromBalance: amount,
    fromBalanceBy: [{ source: 'bank-transfer', amount }],
    balanceAfter: '0',
    reason: 'ticket',
    by: 'ops-key',
    at: '2026-04-10T09:00:00.000Z',
    ...overrides,
  };
}

/** A series that numbers documents one batch after another, as the issuer's numbering stream would. */
export class TestSeries {
  private counter: DocumentNumberCounter = initialNumberCounter(RU_ISSUER.id, 2026);
  readonly issued: Array<Numbered<AccountDocument>> = [];

  number<D extends AccountDocument>(documents: readonly D[]): Array<Numbered<D>> {
    const result = assignNumbers(this.counter, documents);
    this.counter = result.counter;
    // Numbered<D> is an AccountDocument with its number; the generic loses that.
    this.issued.push(...(result.documents as unknown as Array<Numbered<AccountDocument>>));
    return result.documents;
  }

  get last(): number {
    return this.counter.lastNumber;
  }
}

/** The period's closing documents, numbered in `series`. */
export function closeAndNumber(
  series: TestSeries,
  account: DocumentAccount,
  profile: PolicyProfile,
  closed: PeriodClosedData,
): Array<Numbered<AccountDocument>> {
  return series.number(closingDocumentsFor({ closed, account, issuer: RU_ISSUER, profile }).documents);
}

export const correctiveOfKind = (
  documents: readonly CorrectiveDocument[],
  kind: CorrectiveDocument['kind'],
): CorrectiveDocument => {
  const found = documents.find((d) => d.kind === kind);
  if (!found) throw new Error(`no ${kind} among ${documents.map((d) => d.kind).join(', ')}`);
  return found;
};
