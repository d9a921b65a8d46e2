/**
 * What every document shares: the VAT jurisdiction of an account, amounts brought to minor units with
 * the profile's rounding, and service lines with VAT computed and rounded per line by the shared VAT
 * module (totals = sums of the rounded lines, never rounded on their own).
 */
import type { AccountFacts, LegalDetails } from '../account/account-events.js';
import type { DocumentKind, PolicyProfile } from '../policies/policy-profile.js';
import { Decimal, divideRounded } from '../shared/decimal.js';
import { Money, type Currency } from '../shared/money.js';
import { InvalidAllocationWeightsError, roundToMinor, type RoundingPolicy } from '../shared/rounding.js';
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
  /**
   * The service's SKUs, when the close recorded them (PeriodClosed.bySku): the service's line becomes one
   * line per SKU, its rounded amount allocated over them (skuGrossLines). Absent: one line per service.
   */
  readonly skus?: readonly SkuAmount[];
}

/** One SKU of a service: what its line confirms. */
export interface SkuAmount {
  readonly sku: string;
  /** The quantity the line confirms; absent when unknown (the forms then print 1 conventional unit). */
  readonly quantity?: string;
  /** The SKU's part of the service's amount, at charge precision: its weight in the allocation. */
  readonly amount: string;
}

/**
 * The most decimals a unit price has (issue 13): the charge precision. A unit price is net ÷ quantity,
 * rounded half-up to this many decimals and printed with as many as it needs (at least two). The amount
 * column is authoritative: quantity × price may differ from it by that rounding, as on any Russian form.
 */
export const UNIT_PRICE_MAX_FRACTION_DIGITS = 6;

/** The most decimals a quantity has: the rating's (MAX_QUANTITY_FRACTION_DIGITS), kept when a line splits. */
const QUANTITY_FRACTION_DIGITS = 9;

/** Net price per unit: net ÷ quantity, half-up to UNIT_PRICE_MAX_FRACTION_DIGITS, at least two decimals. */
export function unitPriceOf(net: string, quantity: string): string {
  const price = divideRounded(
    new Decimal(net),
    new Decimal(quantity),
    UNIT_PRICE_MAX_FRACTION_DIGITS,
    'half-up',
  );
  const [whole, fraction = ''] = price.toFixed(UNIT_PRICE_MAX_FRACTION_DIGITS).split('.');
  return `${whole}.${fraction.replace(/0+$/, '').padEnd(2, '0')}`;
}

/**
 * Allocates `total` (whole minor units) over `weights` by the largest remainder (issue 13): every part is
 * its exact share rounded down or up and the parts add up to `total` exactly; ties go to the earlier part;
 * a negative weight counts as zero. Big weights at any precision, compared exactly (no division rounding).
 */
export function allocateMinorUnits(total: Money, weights: readonly string[]): Money[] {
  const zero = new Decimal('0');
  const clamped = weights.map((weight) => {
    const value = new Decimal(weight);
    return value.gt(zero) ? value : zero;
  });
  const sum = clamped.reduce((acc, weight) => acc.plus(weight), zero);
  if (sum.eq(zero)) throw new InvalidAllocationWeightsError('the weights must not all be zero');
  const scale = new Decimal('10').pow(total.minorUnitDigits);
  const units = total.amount.times(scale);
  const shares = clamped.map((weight, index) => {
    const exact = units.times(weight);
    let floor = divideRounded(exact, sum, 0, 'down');
    let remainder = exact.minus(floor.times(sum));
    if (remainder.lt(zero)) {
      floor = floor.minus(new Decimal('1'));
      remainder = remainder.plus(sum);
    }
    return { index, floor, remainder };
  });
  let leftover = shares.reduce((rest, share) => rest.minus(share.floor), units);
  const parts = shares.map((share) => share.floor);
  for (const share of [...shares].sort((a, b) => b.remainder.cmp(a.remainder) || a.index - b.index)) {
    if (leftover.lte(zero)) break;
    parts[share.index] = parts[share.index]!.plus(new Decimal('1'));
    leftover = leftover.minus(new Decimal('1'));
  }
  return parts.map((part) => Money.fromDecimal(part.div(scale), total.currency));
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
    positive.flatMap(
      ({ service, gross }) => skuGrossLines(service, gross) ?? [serviceGrossLine(service, gross)],
    ),
    servicePeriod,
    context,
  );
}

const serviceGrossLine = (service: ServiceAmount, gross: Money): GrossLine => ({
  description: service.service,
  service: service.service,
  category: service.category,
  gross,
});

/**
 * A service's rounded gross as one line per SKU (issue 13): allocated in minor units over the SKUs' amounts
 * by the largest remainder, so the SKU lines add up to exactly the service's line. A SKU whose part is zero
 * gets no line. Null when there are no SKUs to allocate over.
 */
function skuGrossLines(service: ServiceAmount, gross: Money): GrossLine[] | null {
  const skus = service.skus ?? [];
  if (!skus.some((sku) => new Decimal(sku.amount).gt(new Decimal('0')))) return null;
  const parts = allocateMinorUnits(
    gross,
    skus.map((sku) => sku.amount),
  );
  return skus.flatMap((sku, index): GrossLine[] => {
    const part = parts[index]!;
    if (!part.isPositive()) return [];
    const quantity =
      sku.quantity !== undefined && new Decimal(sku.quantity).gt(new Decimal('0')) ? sku.quantity : undefined;
    return [
      {
        description: `${service.service}: ${sku.sku}`,
        service: service.service,
        category: service.category,
        gross: part,
        sku: sku.sku,
        ...(quantity !== undefined ? { quantity } : {}),
      },
    ];
  });
}

export interface GrossLine {
  readonly description: string;
  readonly service: string | null;
  readonly category: string | null;
  /** In minor units, positive. */
  readonly gross: Money;
  /** A SKU's line: the SKU and, when known, its quantity (the unit price is computed per printed line). */
  readonly sku?: string;
  readonly quantity?: string;
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
    const parts = computed.parts.filter((candidate) => !candidate.gross.isZero());
    const quantities =
      source.quantity !== undefined ? splitQuantity(source.quantity, source.gross, parts) : [];
    parts.forEach((part, partIndex) => {
      const amounts = printedAmounts(part);
      const quantity = quantities[partIndex];
      lines.push({
        description: source.description,
        service: source.service,
        category: source.category,
        servicePeriod: { firstDay: part.firstDay, lastDay: part.lastDay },
        vatRate: { ...part.rate },
        ...amounts,
        ...(source.sku !== undefined ? { sku: source.sku } : {}),
        ...(quantity !== undefined ? { quantity, unitPrice: unitPriceOf(amounts.net, quantity) } : {}),
      });
    });
  });
  return { lines, totals: printedAmounts(breakdown.totals) };
}

/**
 * A SKU line split by rate (the 'split-by-day' policy) splits its quantity in the proportion its gross was
 * split, down to QUANTITY_FRACTION_DIGITS; the last part takes the rest, so the parts add up to the quantity.
 * A part whose quantity comes to zero prints no quantity.
 */
function splitQuantity(
  quantity: string,
  gross: Money,
  parts: readonly VatAmounts[],
): Array<string | undefined> {
  if (parts.length === 1) return [new Decimal(quantity).toFixed()];
  let rest = new Decimal(quantity);
  return parts.map((part, index) => {
    const share =
      index === parts.length - 1
        ? rest
        : divideRounded(
            new Decimal(quantity).times(part.gross.amount),
            gross.amount,
            QUANTITY_FRACTION_DIGITS,
            'down',
          );
    rest = rest.minus(share);
    return share.gt(new Decimal('0')) ? share.toFixed() : undefined;
  });
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
