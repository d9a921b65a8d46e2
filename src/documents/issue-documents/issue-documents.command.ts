import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandOutcome } from '../../platform/commands/command-outcome.js';
import { DocumentService, type ClosedPeriodIssued, type ClosedPeriodToIssue } from '../document-service.js';

/** A period closed: issue its closing documents and period bill (sent by the document issuer, once per close). */
export class IssuePeriodDocuments extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly periodId: string,
  ) {
    super();
  }
}

/** The credit limit was exhausted mid-period: issue the bill document for the ledger's mid-period bill. */
export class IssueMidPeriodBill extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly periodId: string,
    readonly billId: string,
  ) {
    super();
  }
}

@CommandHandler(IssuePeriodDocuments)
export class IssuePeriodDocumentsHandler implements ICommandHandler<IssuePeriodDocuments> {
  constructor(@Inject(DocumentService) private readonly documents: DocumentService) {}

  execute({ accountId, periodId }: IssuePeriodDocuments): Promise<CommandOutcome> {
    return this.documents.issueForClosedPeriod(accountId, periodId);
  }
}

@CommandHandler(IssueMidPeriodBill)
export class IssueMidPeriodBillHandler implements ICommandHandler<IssueMidPeriodBill> {
  constructor(@Inject(DocumentService) private readonly documents: DocumentService) {}

  execute({ accountId, periodId, billId }: IssueMidPeriodBill): Promise<CommandOutcome> {
    return this.documents.issueMidPeriodBill(accountId, periodId, billId);
  }
}

/** A legal entity asked for a top-up bill: issue its document (numbered in the bills' series). */
export class IssueTopUpBill extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly periodId: string,
    readonly billId: string,
  ) {
    super();
  }
}

@CommandHandler(IssueTopUpBill)
export class IssueTopUpBillHandler implements ICommandHandler<IssueTopUpBill> {
  constructor(@Inject(DocumentService) private readonly documents: DocumentService) {}

  execute({ accountId, periodId, billId }: IssueTopUpBill): Promise<CommandOutcome> {
    return this.documents.issueTopUpBill(accountId, periodId, billId);
  }
}

/** The account's legal details arrived: issue the documents withheld for want of them. */
export class IssueWithheldDocuments extends Command<string[]> {
  constructor(readonly accountId: string) {
    super();
  }
}

@CommandHandler(IssueWithheldDocuments)
export class IssueWithheldDocumentsHandler implements ICommandHandler<IssueWithheldDocuments> {
  constructor(@Inject(DocumentService) private readonly documents: DocumentService) {}

  execute({ accountId }: IssueWithheldDocuments): Promise<string[]> {
    return this.documents.issueWithheld(accountId);
  }
}

/**
 * A correction was booked (ChargeCorrected, issue 14): issue the corrective documents of the period it corrects
 * (sent by the document issuer, once per correction).
 */
export class IssueCorrectiveDocuments extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly periodId: string,
    readonly correctionId: string,
  ) {
    super();
  }
}

@CommandHandler(IssueCorrectiveDocuments)
export class IssueCorrectiveDocumentsHandler implements ICommandHandler<IssueCorrectiveDocuments> {
  constructor(@Inject(DocumentService) private readonly documents: DocumentService) {}

  execute({ accountId, periodId, correctionId }: IssueCorrectiveDocuments): Promise<CommandOutcome> {
    return this.documents.issueCorrectiveDocuments(accountId, periodId, correctionId);
  }
}

/**
 * Many periods closed (the issuer's batch at month end): issue their documents together — composed side by
 * side, numbered in one block per series, stored with the accounts' appends sharing commits. Answers per
 * period its outcome or the rule that withholds its documents.
 */
export class IssueClosedPeriodsDocuments extends Command<ClosedPeriodIssued[]> {
  constructor(readonly periods: readonly ClosedPeriodToIssue[]) {
    super();
  }
}

@CommandHandler(IssueClosedPeriodsDocuments)
export class IssueClosedPeriodsDocumentsHandler implements ICommandHandler<IssueClosedPeriodsDocuments> {
  constructor(@Inject(DocumentService) private readonly documents: DocumentService) {}

  execute({ periods }: IssueClosedPeriodsDocuments): Promise<ClosedPeriodIssued[]> {
    return this.documents.issueForClosedPeriods(periods);
  }
}
