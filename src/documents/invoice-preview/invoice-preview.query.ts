import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { AccountBook } from '../../accounts/account-book.js';
import { LedgerBook } from '../../ledger/ledger-book.js';
import { previewClose, type AccountDocument } from '../../domain/documents/index.js';
import { outstandingBills } from '../../domain/ledger/ledger-state.js';
import { DocumentService } from '../document-service.js';

/** A document as the close would issue it: unnumbered, marked as a preview, with the date it would carry. */
export type PreviewDocument = AccountDocument & { readonly number: null; readonly preview: true };

export interface InvoicePreview {
  readonly accountId: string;
  readonly asOf: string;
  readonly preview: true;
  readonly periodId: string;
  /** When the period closes: the documents are composed as the close at that instant would compose them. */
  readonly closesAt: string;
  readonly currency: string;
  readonly payerType: string;
  readonly totals: {
    readonly openingBalance: string;
    readonly deposits: string;
    readonly consumption: string;
    readonly grantsUsed: string;
    readonly grantsExpired: string;
    readonly penalties: string;
    readonly closingBalance: string;
    /** Bills already raised and still unpaid (mid-period, top-up), besides the period bill. */
    readonly outstandingBills: string;
    /** What the period bill would ask: 0 when the close raises none (prepaid and in credit, or no period bills). */
    readonly amountToPay: string;
  };
  readonly documents: PreviewDocument[];
  /** The closing documents or bill could not be composed now (e.g. legal details missing): the rule. */
  readonly withheld?: { readonly code: string; readonly reason: string };
}

/** The would-be documents and totals of an account's open period as of an instant (issue 14, item 6). */
export class PreviewInvoice extends Query<InvoicePreview> {
  constructor(
    readonly accountId: string,
    readonly asOf: string,
  ) {
    super();
  }
}

/**
 * Reads the period's ledger state as of the instant without writing (LedgerBook.stateAsOf), lets the close's
 * own decision say what it would record (previewClose), and composes the documents with the issuer's own
 * composition (DocumentService.composeForClose). Stores nothing: no period opened or closed, no number taken.
 */
@QueryHandler(PreviewInvoice)
export class PreviewInvoiceHandler implements IQueryHandler<PreviewInvoice, InvoicePreview> {
  constructor(
    @Inject(AccountBook) private readonly accounts: AccountBook,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    @Inject(DocumentService) private readonly documents: DocumentService,
  ) {}

  async execute({ accountId, asOf }: PreviewInvoice): Promise<InvoicePreview> {
    const facts = await this.accounts.account(accountId);
    const state = await this.ledger.stateAsOf(accountId, asOf);
    const { closed, ledgerBill } = previewClose(state, await this.ledger.pricedContextFor(facts));
    const { unnumbered, withheld } = await this.documents.composeForClose(
      accountId,
      closed,
      ledgerBill,
      asOf,
    );
    return {
      accountId,
      asOf,
      preview: true,
      periodId: closed.periodId,
      closesAt: state.endsAt,
      currency: facts.currency,
      payerType: facts.payerType,
      totals: {
        openingBalance: closed.openingBalance,
        deposits: closed.deposits,
        consumption: closed.consumption,
        grantsUsed: closed.grantsUsed,
        grantsExpired: closed.grantsExpired,
        penalties: closed.penalties,
        closingBalance: closed.closingBalance,
        outstandingBills: outstandingBills(state).toFixed(),
        amountToPay: ledgerBill?.amount ?? '0',
      },
      documents: unnumbered.map((d) => ({ ...d, number: null, preview: true as const })),
      ...(withheld ? { withheld: { code: withheld.code, reason: withheld.message } } : {}),
    };
  }
}
