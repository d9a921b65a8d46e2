import Big from 'big.js';
import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../platform/clock/clock.js';
import { AggregateStreams } from '../platform/commands/aggregate-streams.js';
import { AccountBook } from '../accounts/account-book.js';
import { LedgerBook } from '../ledger/ledger-book.js';
import {
  EVENT_STORE,
  type EventStore,
  type RecordedEvent,
} from '../platform/event-store/event-store.port.js';
import type { PolicyProfile } from '../domain/policies/policy-profile.js';
import { StreamNotFoundError } from '../platform/event-store/errors.js';
import {
  assignNumbers,
  billBasisFromLedgerState,
  billForClosedPeriod,
  composeBill,
  composeTopUpBill,
  closingDocumentsFor,
  correctiveDocumentsFor,
  overConfirmedCorrectiveDocumentsFor,
  formsMidPeriodClosingDocuments,
  initialNumberCounter,
  periodSoFar,
  numberingSeriesOf,
  redate,
  type AccountDocument,
  type ClosingDocument,
  type DocumentAccount,
  type Numbered,
} from '../domain/documents/index.js';
import type { ChargeCorrection, LedgerEvent, LedgerEventOf } from '../domain/ledger/ledger-events.js';
import { evolveLedger, initialLedgerState } from '../domain/ledger/ledger-state.js';
import type { LocalDate } from '../domain/shared/calendar.js';
import { DomainError } from '../domain/shared/errors.js';
import { localDate, periodById } from '../domain/shared/reporting-period.js';
import { documentsStream, ledgerStream, numberingStream } from '../platform/event-store/stream-names.js';
import { issuerDetails } from './issuers.js';
import { DocumentRetention } from './document-retention.js';
import type { CommandOutcome } from '../platform/commands/command-outcome.js';

interface NumberingState {
  lastNumber: number;
  /** The latest accounting document date numbered (absent: a bills' series, or numbered before dates were kept). */
  latestDate?: LocalDate;
  /** Numbers already given, by document id: a retried batch gets the same numbers (and dates), never new ones. */
  assigned: Map<string, { number: string; sequence: number; date?: LocalDate }>;
}
type NumberingEvent = {
  type: 'DocumentNumbersAssigned';
  data: {
    issuer: string;
    year: number;
    lastNumber: number;
    /** The series' latest date after the batch; absent on bills' series and on events from before it was kept. */
    latestDate?: LocalDate;
    /** `date` only for a late document: the day it was drawn up on (numbering.ts), instead of its own. */
    assignments: Array<{ documentId: string; number: string; sequence: number; date?: LocalDate }>;
  };
};

interface DocumentsState {
  issued: Map<string, Numbered>;
  /** Documents that could not be composed (e.g. legal details missing), by withheld id, until released. */
  withheld: Map<string, DocumentsWithheld>;
}

/** Which issue a withheld entry waits on: a period's close, or one bill raised in the period. */
export interface WithheldSource {
  periodId: string;
  source: 'period' | 'mid-period' | 'top-up';
  billId?: string;
}

/** The fact that an account's documents for a close or a bill are withheld, with the rule that stops them. */
export interface DocumentsWithheld extends WithheldSource {
  withheldId: string;
  code: string;
  reason: string;
  at: string;
}

type DocumentsEvent =
  | { type: 'DocumentIssued'; data: Numbered }
  | { type: 'DocumentsWithheld'; data: DocumentsWithheld }
  | { type: 'WithheldDocumentsReleased'; data: { withheldId: string; at: string } };

export const withheldIdOf = (entry: WithheldSource) =>
  `${entry.periodId}/${entry.source}${entry.billId ? `/${entry.billId}` : ''}`;

/**
 * Issues an account's documents when a period closes: computes them (pure domain), numbers them gaplessly
 * per issuer per year — the numbering stream is the serialisation point, guarded by its expected revision —
 * and stores each as a DocumentIssued event. Every step is idempotent by document id, so a retry after a
 * crash issues nothing twice and leaves no gap.
 */
@Injectable()
export class DocumentService {
  readonly numbering: AggregateStreams<NumberingState, NumberingEvent>;
  readonly documents: AggregateStreams<DocumentsState, DocumentsEvent>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AccountBook) private readonly accounts: AccountBook,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    /** Seals a person's requisites in what is stored and opens them on every read. */
    @Inject(DocumentRetention) readonly retention: DocumentRetention,
  ) {
    this.numbering = new AggregateStreams<NumberingState, NumberingEvent>(
      store,
      clock,
      () => ({ lastNumber: 0, assigned: new Map() }),
      (state, event) => {
        state.lastNumber = event.data.lastNumber;
        if (event.data.latestDate !== undefined) state.latestDate = event.data.latestDate;
        for (const a of event.data.assignments)
          state.assigned.set(a.documentId, {
            number: a.number,
            sequence: a.sequence,
            ...(a.date !== undefined ? { date: a.date } : {}),
          });
        return state;
      },
      100,
    );
    this.documents = new AggregateStreams<DocumentsState, DocumentsEvent>(
      store,
      clock,
      () => ({ issued: new Map(), withheld: new Map() }),
      (state, event) => {
        if (event.type === 'DocumentIssued') state.issued.set(event.data.documentId, event.data);
        else if (event.type === 'DocumentsWithheld') state.withheld.set(event.data.withheldId, event.data);
        else state.withheld.delete(event.data.withheldId);
        return state;
      },
      5_000,
    );
  }

  /**
   * The period's payments that count in documents, as the advance VAT invoice names them (Tax Code art. 169
   * p. 5.1): the payment id as the payment document's number, the local date it was paid. Read only for
   * profiles that issue advance VAT invoices (the whole period's stream).
   */
  private async paymentDocumentsOf(accountId: string, periodId: string, timeZone: string, upTo?: number) {
    const events = await this.store.readStream(ledgerStream(accountId, periodId));
    return events
      .filter((e) => e.type === 'FundsDeposited')
      .filter((e) => upTo === undefined || Date.parse(String(e.metadata.effectiveAt)) <= upTo)
      .map((e) => e.data as LedgerEventOf<'FundsDeposited'>['data'])
      .filter((d) => d.countsInDocuments)
      .map((d) => ({ number: d.paymentId, date: localDate(d.at, timeZone) }));
  }

  /** The documents of a closed period: closing documents per the profile and the period bill. */
  async issueForClosedPeriod(accountId: string, periodId: string): Promise<CommandOutcome> {
    const { closed, ledgerBill } = await this.closeOf(accountId, periodId);
    const { account, unnumbered, withheld } = await this.composeForClose(accountId, closed.data, ledgerBill);
    const outcome = await this.issue(accountId, unnumbered, closed.id, this.today(account));
    await this.recordWithheld(accountId, { periodId, source: 'period' }, withheld, closed.id);
    if (withheld) throw withheld;
    return outcome;
  }

  /**
   * The documents a close would issue, unnumbered — composed exactly as issueForClosedPeriod composes them
   * (the invoice preview reads them without a close: one composition, no second formula). Stores nothing.
   * `asOf` (a preview at a past instant) leaves out payments effective after it and mid-period documents
   * dated after its local day.
   */
  async composeForClose(
    accountId: string,
    closed: LedgerEventOf<'PeriodClosed'>['data'],
    ledgerBill: LedgerEventOf<'BillIssued'>['data'] | undefined,
    asOf?: string,
  ): Promise<{
    account: DocumentAccount;
    profile: PolicyProfile;
    unnumbered: AccountDocument[];
    withheld: DomainError | undefined;
  }> {
    const periodId = closed.periodId;
    const { account, profile } = await this.accountContext(accountId);
    const issuer = issuerDetails(account.facts.issuer);
    const unnumbered: AccountDocument[] = [];
    let withheld: DomainError | undefined;
    if (account.facts.payerType !== 'individual') {
      try {
        const asOfDay = asOf === undefined ? undefined : localDate(asOf, account.facts.timeZone);
        const alreadyDocumented = (await this.midPeriodClosingDocuments(accountId, periodId)).filter(
          (d) => asOfDay === undefined || d.date <= asOfDay,
        );
        // An advance is at most the eligible deposits: without any, no advance invoice, no read of the period.
        const paymentDocuments =
          profile.documents.advanceVatInvoice && new Big(closed.documentEligibleDeposits).gt(0)
            ? await this.paymentDocumentsOf(
                accountId,
                periodId,
                account.facts.timeZone,
                asOf === undefined ? undefined : Date.parse(asOf),
              )
            : undefined;
        const closing = closingDocumentsFor({
          closed,
          account,
          issuer,
          profile,
          alreadyDocumented,
          ...(paymentDocuments ? { paymentDocuments } : {}),
        });
        // A give-back after the mid-period documents: their excess is decreased by a corrective document
        // issued (and numbered) with the month-end ones, on their date.
        const corrective = closing.overConfirmed
          ? overConfirmedCorrectiveDocumentsFor({
              account,
              issuer,
              profile,
              periodId,
              overConfirmed: closing.overConfirmed,
              issued: alreadyDocumented,
              date: closed.finalDay ?? periodById(periodId, account.facts.timeZone).lastDay,
            }).documents
          : [];
        unnumbered.push(...closing.documents, ...corrective);
      } catch (error) {
        // The bill is still issued (it may go without full requisites); the closing documents wait.
        if (!(error instanceof DomainError)) throw error;
        withheld = error;
      }
      try {
        const bill = billForClosedPeriod(closed, {
          account,
          issuer,
          profile,
          ledgerBill,
          agreement: agreementOf(account),
        });
        if (bill.issued) unnumbered.push(bill.bill);
      } catch (error) {
        // A non-resident's bill without a registered agreement waits too; the closing documents still go.
        if (!(error instanceof DomainError)) throw error;
        withheld ??= error;
      }
    }
    return { account, profile, unnumbered, withheld };
  }

  /**
   * A closed period's PeriodClosed and its period bill. The close decision appends [GrantExpired…,
   * BillIssued (period)?, PeriodClosed] and nothing follows it, so the stream's last two events hold both;
   * the whole period (≈ 100 events) is read only if the stream does not end that way.
   */
  private async closeOf(accountId: string, periodId: string) {
    type Closed = RecordedEvent<LedgerEventOf<'PeriodClosed'>['data']>;
    type Bill = LedgerEventOf<'BillIssued'>['data'];
    const stream = ledgerStream(accountId, periodId);
    const periodBill = (events: RecordedEvent[]) =>
      events
        .filter((e) => e.type === 'BillIssued')
        .map((e) => e.data as Bill)
        .find((bill) => bill.kind === 'period');
    const tail = await this.store.readStream(stream, { direction: 'backwards', maxCount: 2 });
    if (tail[0]?.type === 'PeriodClosed')
      return { closed: tail[0] as Closed, ledgerBill: periodBill(tail.slice(1)) };
    const events = await this.store.readStream(stream);
    const closed = events.find((e) => e.type === 'PeriodClosed') as Closed | undefined;
    if (!closed) throw new Error(`Period ${periodId} of ${accountId} is not closed`);
    return { closed, ledgerBill: periodBill(events) };
  }

  /** The bill for a mid-period BillIssued (credit limit exhausted), from the ledger state just before it. */
  async issueMidPeriodBill(accountId: string, periodId: string, billId: string): Promise<CommandOutcome> {
    const events = await this.store.readStream(ledgerStream(accountId, periodId));
    const index = events.findIndex(
      (e) => e.type === 'BillIssued' && (e.data as { billId: string }).billId === billId,
    );
    if (index < 0) throw new Error(`No bill ${billId} in ${periodId} of ${accountId}`);
    const ledgerBill = events[index]!.data as LedgerEventOf<'BillIssued'>['data'];
    const before = events
      .slice(0, index)
      .reduce(
        (state, e) => evolveLedger(state, { type: e.type, data: e.data } as LedgerEvent),
        initialLedgerState(),
      );
    const { basis, alreadyBilled } = billBasisFromLedgerState(before);
    const { account, profile } = await this.accountContext(accountId);
    const issuer = issuerDetails(account.facts.issuer);
    const unnumbered: AccountDocument[] = [];
    let withheld: DomainError | undefined;
    // Credit limit exhausted (seed 003, 4.2): the act and the VAT invoice are formed with the bill, for the
    // services up to that day; the month-end documents then confirm only the rest.
    if (account.facts.payerType !== 'individual' && formsMidPeriodClosingDocuments(ledgerBill)) {
      try {
        const alreadyDocumented = await this.midPeriodClosingDocuments(accountId, periodId);
        unnumbered.push(
          ...closingDocumentsFor({
            closed: periodSoFar(before),
            account,
            issuer,
            profile,
            midPeriod: { issuedOn: ledgerBill.issuedOn, billId },
            alreadyDocumented,
          }).documents,
        );
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        withheld = error;
      }
    }
    try {
      const decision = composeBill({
        kind: 'mid-period',
        issuedOn: ledgerBill.issuedOn,
        dueDate: ledgerBill.dueDate,
        ledgerBillId: billId,
        account,
        issuer,
        profile,
        periodId,
        basis,
        alreadyBilled,
        agreement: agreementOf(account),
      });
      if (decision.issued) unnumbered.push(decision.bill);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      withheld ??= error;
    }
    const outcome = await this.issue(accountId, unnumbered, events[index]!.id, this.today(account));
    await this.recordWithheld(
      accountId,
      { periodId, source: 'mid-period', billId },
      withheld,
      events[index]!.id,
    );
    if (withheld) throw withheld;
    return outcome;
  }

  /** The document of a top-up bill the account asked for (TopUpBillIssued): numbered in the bills' series. */
  async issueTopUpBill(accountId: string, periodId: string, billId: string): Promise<CommandOutcome> {
    const events = await this.store.readStream(ledgerStream(accountId, periodId));
    const issued = events.find(
      (e) => e.type === 'TopUpBillIssued' && (e.data as { billId: string }).billId === billId,
    );
    if (!issued) throw new Error(`No top-up bill ${billId} in ${periodId} of ${accountId}`);
    const { at: _at, ...bill } = issued.data as LedgerEventOf<'TopUpBillIssued'>['data'];
    const { account, profile } = await this.accountContext(accountId);
    const entry: WithheldSource = { periodId, source: 'top-up', billId };
    let document: AccountDocument;
    try {
      document = composeTopUpBill({
        account,
        issuer: issuerDetails(account.facts.issuer),
        profile,
        bill,
        agreement: agreementOf(account),
      });
    } catch (error) {
      if (error instanceof DomainError) await this.recordWithheld(accountId, entry, error, issued.id);
      throw error;
    }
    const outcome = await this.issue(accountId, [document], issued.id, this.today(account));
    await this.recordWithheld(accountId, entry, undefined, issued.id);
    return outcome;
  }

  /**
   * The corrective documents (КСФ, УКД, corrective act) for one correction booked in the open period `periodId`
   * (a `ChargeCorrected` event, issue 14) when it corrects a closed period that had closing documents: composed
   * from the documents as issued (corrective-documents.ts), numbered in the issuer's series, dated the
   * correction's local day. Idempotent: a retry finds its documents by id (the correction's) and issues nothing
   * twice; it is composed without them, so a retry after a crash composes exactly the same documents.
   */
  async issueCorrectiveDocuments(
    accountId: string,
    periodId: string,
    correctionId: string,
  ): Promise<CommandOutcome> {
    const events = await this.store.readStream(ledgerStream(accountId, periodId));
    const booked = events.find(
      (e) => e.type === 'ChargeCorrected' && (e.data as ChargeCorrection).correctionId === correctionId,
    );
    if (!booked) throw new Error(`No correction ${correctionId} in ${periodId} of ${accountId}`);
    const correction = booked.data as ChargeCorrection;
    const stream = documentsStream(accountId);
    const issued = (await this.documents.exists(stream))
      ? [...(await this.documents.load(stream)).state.issued.values()]
      : [];
    const { account, profile } = await this.accountContext(accountId);
    const { documents } = correctiveDocumentsFor({
      account,
      issuer: issuerDetails(account.facts.issuer),
      profile,
      periodId: correction.correctsPeriod,
      bookedInPeriod: periodId,
      corrections: [correction],
      issued: issued.filter((d) => !('correctionIds' in d && d.correctionIds.includes(correctionId))),
    });
    if (documents.length === 0) return { status: 'duplicate', streamId: stream, eventTypes: [] };
    return this.issue(accountId, documents, booked.id, this.today(account));
  }

  /**
   * Issues again what an account's documents were withheld for — once its legal details arrive: each close
   * or bill is composed from the events as then, with its original date; numbered after later-dated documents
   * of its series, an accounting document is drawn up on the day of the release instead (numbering.ts), its
   * service period and shipment date unchanged. What still cannot be composed stays withheld. Answers the
   * withheld ids released.
   */
  async issueWithheld(accountId: string): Promise<string[]> {
    const open = [...(await this.withheldState(accountId)).values()];
    const released: string[] = [];
    for (const entry of open) {
      try {
        if (entry.source === 'period') await this.issueForClosedPeriod(accountId, entry.periodId);
        else if (entry.source === 'mid-period')
          await this.issueMidPeriodBill(accountId, entry.periodId, entry.billId!);
        else await this.issueTopUpBill(accountId, entry.periodId, entry.billId!);
        released.push(entry.withheldId);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
    return released;
  }

  /** The account's documents withheld now, oldest first. */
  async withheldOf(accountId: string): Promise<DocumentsWithheld[]> {
    return [...(await this.withheldState(accountId)).values()];
  }

  private async withheldState(accountId: string): Promise<Map<string, DocumentsWithheld>> {
    const stream = documentsStream(accountId);
    if (!(await this.documents.exists(stream))) return new Map();
    return (await this.documents.load(stream)).state.withheld;
  }

  /**
   * Records in the account's documents stream that a close's or a bill's documents are withheld (once, with
   * the rule), or that they were issued after all — so the log, the metrics and the account show it.
   */
  private async recordWithheld(
    accountId: string,
    entry: WithheldSource,
    withheld: DomainError | undefined,
    causationId: string,
  ): Promise<void> {
    const withheldId = withheldIdOf(entry);
    const stream = documentsStream(accountId);
    // The common case — issued, nothing withheld before — records nothing: no pass through the stream's queue.
    if (!withheld && !(await this.withheldState(accountId)).has(withheldId)) return;
    const at = this.clock.now().toISOString();
    await this.documents.decide(
      stream,
      (state) => {
        const open = state.withheld.has(withheldId);
        if (withheld && !open) {
          const data: DocumentsWithheld = {
            ...entry,
            withheldId,
            code: withheld.code,
            reason: withheld.message,
            at,
          };
          return { ok: true, events: [{ type: 'DocumentsWithheld' as const, data }] };
        }
        if (!withheld && open) {
          return {
            ok: true,
            events: [{ type: 'WithheldDocumentsReleased' as const, data: { withheldId, at } }],
          };
        }
        return { ok: true, events: [] };
      },
      {
        commandId: `${withheld ? 'withhold' : 'release'}/${accountId}/${withheldId}/${causationId}`,
        actor: 'document-issuer',
        causationId,
      },
      at,
    );
  }

  /** The act/UPD and VAT invoices already issued mid-period in a period (credit limit exhausted). */
  private async midPeriodClosingDocuments(
    accountId: string,
    periodId: string,
  ): Promise<Numbered<ClosingDocument>[]> {
    const stream = documentsStream(accountId);
    // An account with no documents yet (a preview before its first close): nothing issued mid-period.
    if (!(await this.documents.exists(stream))) return [];
    const issued = (await this.documents.load(stream)).state.issued;
    return [...issued.values()].filter(
      (d): d is Numbered<ClosingDocument> =>
        d.kind !== 'bill' && d.periodId === periodId && d.documentId.includes('-mid/'),
    );
  }

  private async accountContext(
    accountId: string,
  ): Promise<{ account: DocumentAccount; profile: PolicyProfile }> {
    const facts = await this.accounts.account(accountId);
    const state = await this.accounts.state(accountId);
    return {
      account: { facts, legalDetails: state.legalDetails },
      profile: this.ledger.contextFor(facts).profile,
    };
  }

  /** The local day in the account's time zone: a late document is drawn up on it (numbering.ts). */
  private today(account: DocumentAccount): LocalDate {
    return localDate(this.clock.now().toISOString(), account.facts.timeZone);
  }

  private async issue(
    accountId: string,
    unnumbered: AccountDocument[],
    causationId: string,
    today: LocalDate,
  ): Promise<CommandOutcome> {
    const stream = documentsStream(accountId);
    const already = (await this.documents.load(stream)).state.issued;
    const pending = unnumbered.filter((d) => !already.has(d.documentId));
    const numbered: Numbered[] = [];
    const bySeries = new Map<string, AccountDocument[]>();
    const enqueue = (document: AccountDocument) => {
      const { issuer, year } = numberingSeriesOf(document);
      const key = `${issuer}|${year}`;
      bySeries.set(key, [...(bySeries.get(key) ?? []), document]);
    };
    pending.forEach(enqueue);
    // Series one at a time; a late document re-dated into a later year is queued for that year's series.
    for (let next = bySeries.keys().next(); !next.done; next = bySeries.keys().next()) {
      const key = next.value;
      const documents = bySeries.get(key)!;
      bySeries.delete(key);
      const [issuer, yearText] = key.split('|') as [string, string];
      const year = Number(yearText);
      const series = numberingStream(issuer, year);
      await this.numbering.decide(
        series,
        (state) => {
          const fresh = documents.filter((d) => !state.assigned.has(d.documentId));
          if (fresh.length === 0) return { ok: true, events: [] };
          const result = assignNumbers(
            {
              ...initialNumberCounter(issuer, year),
              lastNumber: state.lastNumber,
              ...(state.latestDate !== undefined ? { latestDate: state.latestDate } : {}),
            },
            fresh,
            { today },
          );
          if (result.documents.length === 0) return { ok: true, events: [] };
          const composedDate = new Map(fresh.map((d) => [d.documentId, d.date]));
          return {
            ok: true,
            events: [
              {
                type: 'DocumentNumbersAssigned',
                data: {
                  issuer,
                  year,
                  lastNumber: result.counter.lastNumber,
                  ...(result.counter.latestDate !== undefined
                    ? { latestDate: result.counter.latestDate }
                    : {}),
                  assignments: result.documents.map((d) => ({
                    documentId: d.documentId,
                    number: d.number,
                    sequence: d.sequence,
                    ...(d.date !== composedDate.get(d.documentId) ? { date: d.date } : {}),
                  })),
                },
              },
            ],
          };
        },
        {
          commandId: `number/${accountId}/${documents.map((d) => d.documentId).join(',')}`,
          actor: 'document-issuer',
          causationId,
        },
        this.clock.now().toISOString(),
      );
      const { state } = await this.numbering.load(series);
      for (const document of documents) {
        const assigned = state.assigned.get(document.documentId);
        if (assigned) {
          const { date, ...number } = assigned;
          numbered.push({ ...redate(document, date ?? document.date), ...number } as Numbered);
          continue;
        }
        // Not numbered here: late, and drawn up in a later year — that year's series numbers it.
        const drawnUpOn =
          state.latestDate !== undefined && state.latestDate > today ? state.latestDate : today;
        if (Number(drawnUpOn.slice(0, 4)) <= year)
          throw new Error(`document ${document.documentId} was not numbered in ${series}`);
        enqueue(redate(document, drawnUpOn));
      }
    }
    // A person's requisites are stored sealed under the account's retention key (document-retention.ts).
    const stored = await this.retention.sealForIssue(accountId, numbered);
    return this.documents.decide(
      stream,
      (state) => ({
        ok: true,
        events: stored
          .filter((d) => !state.issued.has(d.documentId))
          .map((d) => ({ type: 'DocumentIssued' as const, data: d })),
      }),
      {
        commandId: `issue/${accountId}/${numbered.map((d) => d.documentId).join(',')}`,
        actor: 'document-issuer',
        causationId,
      },
      this.clock.now().toISOString(),
    );
  }

  /** The account's issued documents as issued (a person's sealed requisites opened, or read as erased). */
  async list(accountId: string): Promise<Numbered[]> {
    try {
      const stored = [...(await this.documents.load(documentsStream(accountId))).state.issued.values()];
      return this.retention.open(stored);
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }
}

/** The agreement in the account's contract register; none registered: undefined (a non-resident's bill waits). */
function agreementOf(account: DocumentAccount) {
  return account.facts.agreement ? { ...account.facts.agreement } : undefined;
}
