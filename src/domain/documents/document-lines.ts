/**
 * What every document shares: the VAT jurisdiction of an account, amounts brought to minor units with
 * the profile's rounding, and service lines with VAT computed and rounded per line by the shared VAT
 * module (totals = sums of the rounded lines, never rounded on their own).
 */
import type { AccountFacts, LegalDetails } from '../account/account-events.js';
import type { DocumentKind, PolicyProfile } from '../policies/policy-profile.js';
import { Money, type Currency } from '../shared/money.js';
import { roundToMinor, type RoundingPolicy } from '../shared/rounding.js';
import {
  VAT_SCHEDULE,
  vatForPeriodLines,
  type VatAmounts,
  type VatJurisdiction,
  type VatRateChangePolicy,
  type VatSchedule,
} from '../shared/vat.js';
import {
  DocumentCurrencyError,
  IssuerMismatchError,
  NegativeDocumentLineError,
  PayerDetailsRequiredError,
  type DocumentLine,
  type DocumentParty,
  type DocumentTotals,
  type IssuerDetails,
  type ServicePeriodDays,
} from './document-types.js';

const CURRENCY_OF_JURISDICTION: Readonly<Record<VatJurisdiction, Currency>> = {
  RU: 'RUB',
  KZ: 'KZT',
  'non-resident': 'USD',
};

/** Residents pay the VAT of the region's country; non-residents' prices exclude taxes. */
export function vatJurisdictionOf(facts: Pick<AccountFacts, 'region' | 'residency'>): VatJurisdiction {
  if (facts.residency === 'non-resident') return 'non-resident';
  return facts.region === 'kz' ? 'KZ' : 'RU';
}

/** The jurisdiction, checked against the account's currency (fixed by residency, rules §2). */
export function checkedJurisdiction(facts: AccountFacts): VatJurisdiction {
  const jurisdiction = vatJurisdictionOf(facts);
  if (CURRENCY_OF_JURISDICTION[jurisdiction] !== facts.currency) {
    throw new DocumentCurrencyError(facts.accountId, facts.currency, jurisdiction);
  }
  return jurisdiction;
}

/** How a document computes VAT: the account's jurisdiction and the profile's policies. */
export interface VatContext {
  readonly jurisdiction: VatJurisdiction;
  readonly currency: Currency;
  readonly rounding: RoundingPolicy;
  readonly rateChangePolicy: VatRateChangePolicy;
  /** Effective-dated rates; the shared schedule unless a test or a new law supplies another. */
  readonly schedule: VatSchedule;
}

export function vatContextFor(
  facts: AccountFacts,
  profile: Pick<PolicyProfile, 'rounding' | 'vat'>,
  schedule: VatSchedule = VAT_SCHEDULE,
): VatContext {
  return {
    jurisdiction: checkedJurisdiction(facts),
    currency: facts.currency,
    rounding: profile.rounding,
    rateChangePolicy: profile.vat.midMonthChange,
    schedule,
  };
}

/** The issuer signs and numbers the documents: it must be the one the account records. */
export function assertAccountIssuer(facts: AccountFacts, issuer: IssuerDetails): void {
  if (issuer.id !== facts.issuer) throw new IssuerMismatchError(facts.accountId, facts.issuer, issuer.id);
}

/** A service's amount at charge precision (up to 6 decimals), as the ledger recorded it. */
export interface ServiceAmount {
  readonly service: string;
  readonly category: string;
  readonly amount: string;
}

export interface LinesAndTotals {
  readonly lines: DocumentLine[];
  readonly totals: DocumentTotals;
}

/** A document amount in minor units: the profile's rounding mode, once. */
export function toMinorUnits(amount: string, context: Pick<VatContext, 'currency' | 'rounding'>): Money {
  return roundToMinor(Money.of(amount, context.currency), context.rounding);
}

export const printed = (money: Money): string => money.toMinorUnitString();

export function zeroTotals(currency: Currency): DocumentTotals {
  const zero = printed(Money.zero(currency));
  return { net: zero, vat: zero, gross: zero };
}

/**
 * Service lines with VAT. Each service's amount is rounded to minor units first (the sub-minor rule of
 * the first provider already applied to every charge in the ledger, so a line is a derived total);
 * lines that round to zero are left out; a negative line is refused.
 */
export function serviceLines(
  amounts: readonly ServiceAmount[],
  servicePeriod: ServicePeriodDays,
  context: VatContext,
): LinesAndTotals {
  const positive: Array<{ service: ServiceAmount; gross: Money }> = [];
  for (const service of amounts) {
    const gross = toMinorUnits(service.amount, context);
    if (gross.isNegative()) throw new NegativeDocumentLineError(service.service, gross.toString());
    if (gross.isPositive()) positive.push({ service, gross });
  }
  return linesWithVat(
    positive.map(({ service, gross }) => ({
      description: service.service,
      service: service.service,
      category: service.category,
      gross,
    })),
    servicePeriod,
    context,
  );
}

export interface GrossLine {
  readonly description: string;
  readonly service: string | null;
  readonly category: string | null;
  /** In minor units, positive. */
  readonly gross: Money;
}

/** VAT for lines that are already in minor units, split into one line per rate where the policy splits. */
export function linesWithVat(
  grossLines: readonly GrossLine[],
  servicePeriod: ServicePeriodDays,
  context: VatContext,
): LinesAndTotals {
  if (grossLines.length === 0) return { lines: [], totals: zeroTotals(context.currency) };
  const breakdown = vatForPeriodLines(
    grossLines.map((line) => line.gross),
    {
      jurisdiction: context.jurisdiction,
      servicePeriod,
      rateChangePolicy: context.rateChangePolicy,
      rounding: context.rounding,
      schedule: context.schedule,
    },
  );
  const lines: DocumentLine[] = [];
  breakdown.lines.forEach((computed, index) => {
    const source = grossLines[index]!;
    // A part that got no money from the day split (a tiny line) is not a line of the document.
    for (const part of computed.parts.filter((candidate) => !candidate.gross.isZero())) {
      lines.push({
        description: source.description,
        service: source.service,
        category: source.category,
        servicePeriod: { firstDay: part.firstDay, lastDay: part.lastDay },
        vatRate: { ...part.rate },
        ...printedAmounts(part),
      });
    }
  });
  return { lines, totals: printedAmounts(breakdown.totals) };
}

export function printedAmounts(amounts: VatAmounts): DocumentTotals {
  return { net: printed(amounts.net), vat: printed(amounts.vat), gross: printed(amounts.gross) };
}

/** The payer's requisites; legal entities' closing documents cannot go out without them. */
export function payerParty(
  facts: AccountFacts,
  legalDetails: LegalDetails | undefined,
  kind: DocumentKind,
): DocumentParty {
  if (!legalDetails) throw new PayerDetailsRequiredError(facts.accountId, kind);
  return partyOf(legalDetails);
}

export function partyOf(details: LegalDetails): DocumentParty {
  return {
    name: details.name,
    taxId: details.taxId,
    ...(details.kpp !== undefined ? { kpp: details.kpp } : {}),
    address: details.address,
    ...(details.bank
      ? {
          bank: {
            bankName: details.bank.bankName,
            accountNumber: details.bank.accountNumber,
            bik: details.bank.bik,
          },
        }
      : {}),
  };
}
