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
  billBasisFromLedgerState,
  billForClosedPeriod,
  composeBill,
  composeTopUpBill,
  closingDocumentsFor,
  correctiveDocumentsFor,
  overConfirmedCorrectiveDocumentsFor,
  formsMidPeriodClosingDocuments,
  periodSoFar,
  numberingSeriesOf,
  type AccountDocument,
  type ClosingDocument,
  type DocumentAccount,
  type Numbered,
} from '../domain/documents/index.js';
import type { ChargeCorrection, LedgerEvent, LedgerEventOf } from '../domain/ledger/ledger-events.js';
import { foldLedger } from '../domain/ledger/ledger-state.js';
import type { LocalDate } from '../domain/shared/calendar.js';
import { DomainError } from '../domain/shared/errors.js';
import { localDate, periodById } from '../domain/shared/reporting-period.js';
import { documentsStream, ledgerStream } from '../platform/event-store/stream-names.js';
import { issuerDetails } from './issuers.js';
import { DocumentRetention } from './document-retention.js';
import { NumberingSeries } from './numbering-series.js';
import type { CommandOutcome } from '../platform/commands/command-outcome.js';

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
  /** The gapless series per issuer and year: bounded state, read from each series' last events. */
  readonly numbering: NumberingSeries;
  readonly documents: AggregateStreams<DocumentsState, DocumentsEvent>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AccountBook) private readonly accounts: AccountBook,
    @Inject(LedgerBook) private readonly ledger: LedgerBook,
    /** Seals a person's requisites in what is stored and opens them on every read. */
    @Inject(DocumentRetention) readonly retention: DocumentRetention,
  ) {
    this.numbering = new NumberingSeries(store, clock);
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
      // An account's stream keeps every document it was ever issued (≈ 2.8 KiB in memory each for a one-SKU
      // month, measured for issue 18): weighed by events, ≈ 30 MiB at most, not 5 000 whole histories.
      { maxEvents: 10_000, maxStreams: 5_000, eventsPerStream: 1 },
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
    const [issued] = await this.issueForClosedPeriods([{ accountId, periodId }]);
    if (issued!.withheld) throw issued!.withheld;
    return issued!.outcome!;
  }

  /**
   * The documents of many closed periods at once (the issuer's batch at month end): each period composed as
   * issueForClosedPeriod composes it, all numbered together — one block per series (numbering-series.ts) —
   * then each account's documents appended side by side, so the appends share commits. A period given with
   * its PeriodClosed is not read again. A period whose documents are withheld answers the rule (DomainError)
   * and does not hold back the others; an account named twice has its periods issued one after the other.
   */
  async issueForClosedPeriods(periods: readonly ClosedPeriodToIssue[]): Promise<ClosedPeriodIssued[]> {
    const answers: ClosedPeriodIssued[] = new Array(periods.length);
    const seen = new Map<string, number>();
    const rounds: number[][] = [];
    periods.forEach((period, index) => {
      const round = seen.get(period.accountId) ?? 0;
      seen.set(period.accountId, round + 1);
      (rounds[round] ??= []).push(index);
    });
    for (const round of rounds) {
      const composed = await inParallel(round, COMPOSING_IN_PARALLEL, async (index) => {
        const { accountId, periodId, closed: given } = periods[index]!;
        const { closed, ledgerBill } = given
          ? { closed: given, ledgerBill: periodBillOf(accountId, given.data) }
          : await this.closeOf(accountId, periodId);
        return {
          accountId,
          periodId,
          closed,
          ...(await this.composeForClose(accountId, closed.data, ledgerBill)),
        };
      });
      const outcomes = await this.issueMany(
        composed.map((c) => ({
          accountId: c.accountId,
          unnumbered: c.unnumbered,
          causationId: c.closed.id,
          today: this.today(c.account),
        })),
      );
      await Promise.all(
        composed.map((c) =>
          this.recordWithheld(
            c.accountId,
            { periodId: c.periodId, source: 'period' },
            c.withheld,
            c.closed.id,
          ),
        ),
      );
      composed.forEach((c, i) => {
        answers[round[i]!] = c.withheld ? { withheld: c.withheld } : { outcome: outcomes[i]! };
      });
    }
    return answers;
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
    const before = foldLedger(
      events.slice(0, index).map((e) => ({ type: e.type, data: e.data }) as LedgerEvent),
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
    const [outcome] = await this.issueMany([{ accountId, unnumbered, causationId, today }]);
    return outcome!;
  }

  /**
   * Numbers and stores the documents of one or many accounts: what an account's stream already holds is not
   * numbered again (a retry); the rest is numbered series by series, every account's documents of a series in
   * one block (one append) in the order given; a late document re-dated into a later year is numbered in that
   * year's series. Then each account's documents are appended, all accounts side by side.
   */
  private async issueMany(requests: readonly IssueRequest[]): Promise<CommandOutcome[]> {
    const pending = await Promise.all(
      requests.map(async ({ accountId, unnumbered }) => {
        const already = (await this.documents.load(documentsStream(accountId))).state.issued;
        return unnumbered.filter((d) => !already.has(d.documentId));
      }),
    );
    const numbered: Numbered[][] = requests.map(() => []);
    // Per series (in order of appearance), the accounts' parts in the order of the requests.
    const bySeries = new Map<string, Map<number, AccountDocument[]>>();
    const enqueue = (index: number, document: AccountDocument) => {
      const { issuer, year } = numberingSeriesOf(document);
      const key = `${issuer}|${year}`;
      const parts = bySeries.get(key) ?? new Map<number, AccountDocument[]>();
      bySeries.set(key, parts);
      parts.set(index, [...(parts.get(index) ?? []), document]);
    };
    pending.forEach((documents, index) => documents.forEach((d) => enqueue(index, d)));
    for (let next = bySeries.keys().next(); !next.done; next = bySeries.keys().next()) {
      const key = next.value;
      const parts = [...bySeries.get(key)!].sort(([a], [b]) => a - b);
      bySeries.delete(key);
      const [issuer, yearText] = key.split('|') as [string, string];
      const year = Number(yearText);
      const block = await this.numbering.reserve(
        issuer,
        year,
        parts.map(([index, documents]) => ({ documents, today: requests[index]!.today })),
        { actor: 'document-issuer', causationId: requests[parts[0]![0]]!.causationId },
      );
      block.forEach(({ documents, carriedOver }, i) => {
        const index = parts[i]![0];
        numbered[index]!.push(...(documents as Numbered[]));
        for (const document of carriedOver) {
          // Late, and drawn up in a later year: that year's series numbers it.
          if (Number(document.date.slice(0, 4)) <= year)
            throw new Error(`document ${document.documentId} was not numbered in ${key}`);
          enqueue(index, document);
        }
      });
    }
    return Promise.all(
      requests.map(async ({ accountId, causationId }, index) => {
        // A person's requisites are stored sealed under the account's retention key (document-retention.ts).
        const stored = await this.retention.sealForIssue(accountId, numbered[index]!);
        return this.documents.decide(
          documentsStream(accountId),
          (state) => ({
            ok: true,
            events: stored
              .filter((d) => !state.issued.has(d.documentId))
              .map((d) => ({ type: 'DocumentIssued' as const, data: d })),
          }),
          {
            commandId: `issue/${accountId}/${numbered[index]!.map((d) => d.documentId).join(',')}`,
            actor: 'document-issuer',
            causationId,
          },
          this.clock.now().toISOString(),
        );
      }),
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

/** A closed period for the issuer's batch; `closed`: its PeriodClosed as the issuer received it (not read again). */
export interface ClosedPeriodToIssue {
  accountId: string;
  periodId: string;
  closed?: RecordedEvent<LedgerEventOf<'PeriodClosed'>['data']>;
}

/** What a closed period's documents came to: stored (the outcome), or withheld by a rule. */
export type ClosedPeriodIssued =
  { outcome: CommandOutcome; withheld?: undefined } | { withheld: DomainError };

interface IssueRequest {
  accountId: string;
  unnumbered: AccountDocument[];
  causationId: string;
  /** The local day in the account's time zone: a late document is drawn up on it. */
  today: LocalDate;
}

/** Periods composed side by side in a batch: their reads (account, documents) overlap, CPU stays serial. */
const COMPOSING_IN_PARALLEL = 16;

/**
 * The period bill a close issued, from the PeriodClosed itself: the close decision issues it unpaid with the id
 * `<account>-<period>` just before PeriodClosed, so the carried open bills hold it (only id and dates are used).
 */
function periodBillOf(
  accountId: string,
  closed: LedgerEventOf<'PeriodClosed'>['data'],
): LedgerEventOf<'BillIssued'>['data'] | undefined {
  const billId = `${accountId}-${closed.periodId}`;
  const bill = closed.carried.openBills.find((b) => b.kind === 'period' && b.billId === billId);
  return bill && { ...bill, reason: 'period closed with an amount to pay' };
}

/** Runs `work` for each item, at most `limit` at a time; answers in the items' order. */
async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** The agreement in the account's contract register; none registered: undefined (a non-resident's bill waits). */
function agreementOf(account: DocumentAccount) {
  return account.facts.agreement ? { ...account.facts.agreement } : undefined;
}
