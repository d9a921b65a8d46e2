/**
 * The derivation of a closing document (issue 19): from the usage records a line is made of, through the
 * document's basis, rounding to minor units, the per-SKU allocation by largest remainder and VAT per line, to
 * the totals. Nothing here is a second formula: the records are summed as the ledger sums them, the lines are
 * recomposed by `closingDocumentsFor` — the function that composed the issued document — and the allocation
 * and VAT steps shown are `allocateMinorUnits` and `vatOfGross`, which that composition uses.
 *
 * Records are folded one at a time (`UsageSums`, memory per SKU, not per record), so a caller can stream the
 * records' rows while it reads them and derive the lines at the end. Corrections of the period itself (issue 14:
 * a void, re-rate or adjustment with `correctsPeriod` = the period) are folded in beside them, exactly as the
 * ledger folds them into the per-service/SKU totals the document was composed from.
 */
import Big from 'big.js';
import { isRatingRejected, rateUsage, type PriceCatalog, type RatedSegment } from '../catalog/index.js';
import { usageInstant } from '../ledger/decisions/instants.js';
import {
  COMMITMENT_SHORTFALL_CATEGORY,
  COMMITMENT_SHORTFALL_SERVICE,
  discountedAmount,
} from '../pricing/account-pricing.js';
import { excludedFromDocuments, type FundingPart, type FundingSource } from '../ledger/funding.js';
import type { ChargeCorrection, LedgerEventOf, ServiceTotals, SkuTotals } from '../ledger/ledger-events.js';
import { ADJUSTMENT_SKU } from '../ledger/ledger-state.js';
import type { PolicyProfile } from '../policies/policy-profile.js';
import { Decimal, divideRounded } from '../shared/decimal.js';
import { Money } from '../shared/money.js';
import { VAT_SCHEDULE, vatOfGross, type VatSchedule } from '../shared/vat.js';
import { closingDocumentsFor, documentedAmount, type ClosingDocumentKind } from './closing-documents.js';
import { allocateMinorUnits, printed, toMinorUnits, vatContextFor } from './document-lines.js';
import type {
  ClosingDocument,
  DocumentAccount,
  DocumentLine,
  DocumentTotals,
  IssuerDetails,
} from './document-types.js';

export type ResourceConsumedData = LedgerEventOf<'ResourceConsumed'>['data'];
type PeriodClosedData = LedgerEventOf<'PeriodClosed'>['data'];

/** The documents whose lines come from usage records; bills and advance invoices are derived otherwise. */
export const DERIVABLE_KINDS: readonly ClosingDocumentKind[] = ['act', 'upd', 'vat-invoice'];
export const isDerivable = (kind: string): boolean => (DERIVABLE_KINDS as readonly string[]).includes(kind);

/** How a usage record was priced, re-rated by the catalog the ledger rates with. */
export interface PriceStep {
  readonly catalogVersion: string;
  readonly model: 'flat' | 'graduated';
  /** Tier by tier: the quantity in the tier, its unit price and exact amount. */
  readonly segments: readonly RatedSegment[];
  readonly freeQuantity: string;
  /** The rated amount (6 decimals, half-up); what the record's `ratedAmount` (or `amount`) should be. */
  readonly rated: string;
  /** Per-account pricing the record applied: the catalog's amount and the percent taken off it. */
  readonly listAmount?: string;
  readonly discountPercent?: string;
  readonly matchesRecord: boolean;
}

/** One usage record and what it adds to its line. */
export interface UsageStep {
  readonly usageRecordId: string;
  readonly service: string;
  readonly category: string;
  readonly sku: string;
  readonly unit: string;
  readonly quantity: string;
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly catalogVersion: string;
  /** The exact rated amount and its billing hour, when recorded (hourly rounding, §2). */
  readonly ratedAmount?: string;
  readonly billingHour?: string;
  /** The charge booked: what the billing hour's rounded running total added. */
  readonly amount: string;
  readonly fromGrants: ReadonlyArray<{ readonly grantId: string; readonly amount: string }>;
  readonly fromBalance: string;
  readonly fromBalanceBy: readonly FundingPart[];
  /** Spending paid through channels that do not count in documents (first provider's cards). */
  readonly excluded: string;
  /** What the record adds to its line's basis: `amount` or `fromBalance` by the act basis, less `excluded`. */
  readonly documented: string;
  readonly price?: PriceStep;
}

export interface DerivationBasis {
  readonly actBasis: PolicyProfile['documents']['actBasis'];
  readonly eligibleChannels: PolicyProfile['documents']['eligibleChannels'];
}

/** A record's funding parts as the ledger counts them: unattributed when stored before tracking. */
const partsOf = (data: ResourceConsumedData): FundingPart[] =>
  data.fromBalanceBy ?? [{ source: 'unattributed', amount: data.fromBalance }];

/** One record's step (pure): its funding split and its contribution to the line's basis. */
export function usageStep(data: ResourceConsumedData, basis: DerivationBasis, price?: PriceStep): UsageStep {
  const parts = partsOf(data);
  const excluded = excludedFromDocuments(parts, basis.eligibleChannels);
  const documented = documentedAmount(
    { consumption: data.amount, fromBalance: data.fromBalance, fromBalanceBy: parts },
    basis,
  );
  return {
    usageRecordId: data.usageRecordId,
    service: data.service,
    category: data.category,
    sku: data.sku,
    unit: data.unit,
    quantity: data.quantity,
    windowStart: data.windowStart,
    windowEnd: data.windowEnd,
    catalogVersion: data.catalogVersion,
    ...(data.ratedAmount !== undefined ? { ratedAmount: data.ratedAmount } : {}),
    ...(data.billingHour !== undefined ? { billingHour: data.billingHour } : {}),
    amount: data.amount,
    fromGrants: data.fromGrants.map((g) => ({ ...g })),
    fromBalance: data.fromBalance,
    fromBalanceBy: parts.map((p) => ({ ...p })),
    excluded: excluded.toFixed(),
    documented: documented.toFixed(),
    ...(price ? { price } : {}),
  };
}

/** A correction of the document's own period (ChargeCorrected) and what it changes on its line. */
export interface CorrectionStep {
  readonly correctionId: string;
  readonly kind: ChargeCorrection['kind'];
  readonly correctsPeriod: string;
  readonly service: string;
  readonly category: string;
  /** The SKU line it changes: the one it names, else the adjustment's own line (as the ledger books it). */
  readonly sku: string;
  readonly usageRecordId?: string;
  /** Signed change of the SKU's quantity ('0' for an adjustment). */
  readonly quantityChange: string;
  /** Signed: > 0 charges more, < 0 gives back. */
  readonly amount: string;
  readonly fromGrants: ReadonlyArray<{ readonly grantId: string; readonly amount: string }>;
  readonly fromBalance: string;
  readonly fromBalanceBy: readonly FundingPart[];
  readonly excluded: string;
  /** What it adds to (or takes from) its line's basis, signed. */
  readonly documented: string;
  /** Who (API key name) and why. */
  readonly by: string;
  readonly reason: string;
  readonly reference?: string;
  readonly at: string;
}

/** One correction's step (pure): its signed funding split and its contribution to the line's basis. */
export function correctionStep(data: ChargeCorrection, basis: DerivationBasis): CorrectionStep {
  const parts = data.fromBalanceBy ?? [{ source: 'unattributed' as const, amount: data.fromBalance }];
  return {
    correctionId: data.correctionId,
    kind: data.kind,
    correctsPeriod: data.correctsPeriod,
    service: data.service,
    category: data.category,
    sku: data.sku ?? ADJUSTMENT_SKU,
    ...(data.usageRecordId !== undefined ? { usageRecordId: data.usageRecordId } : {}),
    quantityChange: data.quantityChange ?? '0',
    amount: data.amount,
    fromGrants: data.fromGrants.map((g) => ({ ...g })),
    fromBalance: data.fromBalance,
    fromBalanceBy: parts.map((p) => ({ ...p })),
    excluded: excludedFromDocuments(parts, basis.eligibleChannels).toFixed(),
    documented: documentedAmount(
      { consumption: data.amount, fromBalance: data.fromBalance, fromBalanceBy: parts },
      basis,
    ).toFixed(),
    by: data.by,
    reason: data.reason,
    ...(data.reference !== undefined ? { reference: data.reference } : {}),
    at: data.at,
  };
}

interface Sums {
  service: string;
  category: string;
  unit: string;
  quantity: Big;
  consumption: Big;
  fromGrants: Big;
  fromBalance: Big;
  by: Map<FundingSource, Big>;
}

const emptySums = (data: ResourceConsumedData): Sums => ({
  service: data.service,
  category: data.category,
  unit: data.unit,
  quantity: new Big(0),
  consumption: new Big(0),
  fromGrants: new Big(0),
  fromBalance: new Big(0),
  by: new Map(),
});

function addTo(sums: Sums, data: ResourceConsumedData): void {
  sums.quantity = sums.quantity.plus(data.quantity);
  sums.consumption = sums.consumption.plus(data.amount);
  sums.fromGrants = data.fromGrants.reduce((total, g) => total.plus(g.amount), sums.fromGrants);
  sums.fromBalance = sums.fromBalance.plus(data.fromBalance);
  for (const part of partsOf(data))
    sums.by.set(part.source, (sums.by.get(part.source) ?? new Big(0)).plus(part.amount));
}

const partsFrom = (by: Map<FundingSource, Big>): FundingPart[] =>
  [...by]
    .filter(([, amount]) => !amount.eq(0))
    .map(([source, amount]) => ({ source, amount: amount.toFixed() }));

/**
 * The running sums of a period's usage records per service and per SKU — the same sums the ledger keeps for
 * PeriodClosed (byService, bySku), in the same order — and the running quantity per SKU the rating needs.
 */
export class UsageSums {
  private readonly services = new Map<string, Sums>();
  private readonly skus = new Map<string, Sums & { sku: string }>();
  private readonly ratedQuantity = new Map<string, Big>();
  private records = 0;
  private corrected = 0;

  constructor(
    private readonly basis: DerivationBasis,
    private readonly pricing?: { readonly catalog: PriceCatalog; readonly currency: string },
  ) {}

  /** Folds one record in and returns its step (with its price, when a catalog is given). */
  add(data: ResourceConsumedData): UsageStep {
    const usedBefore = this.ratedQuantity.get(data.sku) ?? new Big(0);
    this.ratedQuantity.set(data.sku, usedBefore.plus(data.quantity));
    const service = this.services.get(data.service) ?? emptySums(data);
    this.services.set(data.service, service);
    addTo(service, data);
    const key = `${data.service}\u0000${data.sku}`;
    const sku = this.skus.get(key) ?? { ...emptySums(data), sku: data.sku };
    this.skus.set(key, sku);
    addTo(sku, data);
    this.records += 1;
    return usageStep(data, this.basis, this.pricing && priceOf(data, usedBefore, this.pricing));
  }

  /**
   * A correction of the period itself, summed as the ledger sums it (ledger-state's chargeCorrected): the
   * service's and SKU's amounts move by the signed amount (grants by amount − fromBalance), the SKU's quantity
   * by `quantityChange` — which later records' tiers count too. Corrections of other periods are not this
   * period's documents' (they go to corrective documents): refused here so a caller cannot mix them in.
   */
  addCorrection(data: ChargeCorrection, periodId: string): CorrectionStep {
    if (data.correctsPeriod !== periodId)
      throw new Error(`correction ${data.correctionId} corrects ${data.correctsPeriod}, not ${periodId}`);
    const step = correctionStep(data, this.basis);
    const quantityChange = new Big(step.quantityChange);
    if (!quantityChange.eq(0))
      this.ratedQuantity.set(step.sku, (this.ratedQuantity.get(step.sku) ?? new Big(0)).plus(quantityChange));
    const first = {
      service: data.service,
      category: data.category,
      unit: data.usage?.unit ?? '',
      quantity: new Big(0),
      consumption: new Big(0),
      fromGrants: new Big(0),
      fromBalance: new Big(0),
      by: new Map<FundingSource, Big>(),
    };
    const service = this.services.get(data.service) ?? { ...first, by: new Map() };
    this.services.set(data.service, service);
    const key = `${data.service}\u0000${step.sku}`;
    const sku = this.skus.get(key) ?? { ...first, by: new Map(), sku: step.sku };
    this.skus.set(key, sku);
    for (const sums of [service, sku]) {
      sums.consumption = sums.consumption.plus(data.amount);
      sums.fromGrants = sums.fromGrants.plus(new Big(data.amount).minus(data.fromBalance));
      sums.fromBalance = sums.fromBalance.plus(data.fromBalance);
      for (const part of step.fromBalanceBy)
        sums.by.set(part.source, (sums.by.get(part.source) ?? new Big(0)).plus(part.amount));
    }
    sku.quantity = sku.quantity.plus(quantityChange);
    this.corrected += 1;
    return step;
  }

  get correctionCount(): number {
    return this.corrected;
  }

  /**
   * A commitment's shortfall charged at the close: its own service line (no usage record, no SKU), summed
   * as the ledger sums it into PeriodClosed.byService.
   */
  addShortfall(data: { readonly shortfall: string; readonly fromBalanceBy: readonly FundingPart[] }): void {
    const service = this.services.get(COMMITMENT_SHORTFALL_SERVICE) ?? {
      service: COMMITMENT_SHORTFALL_SERVICE,
      category: COMMITMENT_SHORTFALL_CATEGORY,
      unit: '',
      quantity: new Big(0),
      consumption: new Big(0),
      fromGrants: new Big(0),
      fromBalance: new Big(0),
      by: new Map(),
    };
    this.services.set(COMMITMENT_SHORTFALL_SERVICE, service);
    service.consumption = service.consumption.plus(data.shortfall);
    service.fromBalance = service.fromBalance.plus(data.shortfall);
    for (const part of data.fromBalanceBy)
      service.by.set(part.source, (service.by.get(part.source) ?? new Big(0)).plus(part.amount));
  }

  get recordCount(): number {
    return this.records;
  }

  byService(): ServiceTotals[] {
    return [...this.services.values()]
      .sort((a, b) => a.service.localeCompare(b.service))
      .map((s) => ({
        service: s.service,
        category: s.category,
        consumption: s.consumption.toFixed(),
        fromGrants: s.fromGrants.toFixed(),
        fromBalance: s.fromBalance.toFixed(),
        fromBalanceBy: partsFrom(s.by),
      }));
  }

  bySku(): SkuTotals[] {
    return [...this.skus.values()]
      .sort((a, b) => a.service.localeCompare(b.service) || a.sku.localeCompare(b.sku))
      .map((s) => ({
        sku: s.sku,
        service: s.service,
        category: s.category,
        unit: s.unit,
        quantity: s.quantity.toFixed(),
        consumption: s.consumption.toFixed(),
        fromGrants: s.fromGrants.toFixed(),
        fromBalance: s.fromBalance.toFixed(),
        fromBalanceBy: partsFrom(s.by),
      }));
  }

  consumption(): string {
    return [...this.services.values()].reduce((sum, s) => sum.plus(s.consumption), new Big(0)).toFixed();
  }
}

/** Re-rates a record with the catalog, as the ledger did: the same usage instant and period quantity before. */
function priceOf(
  data: ResourceConsumedData,
  usedBefore: Big,
  pricing: { readonly catalog: PriceCatalog; readonly currency: string },
): PriceStep | undefined {
  const rated = rateUsage({
    catalog: pricing.catalog,
    skuId: data.sku,
    quantity: data.quantity,
    usageAt: usageInstant(data.windowStart, data.windowEnd),
    currency: pricing.currency,
    usedThisPeriodBefore: usedBefore.toFixed(),
  });
  if (isRatingRejected(rated)) return undefined;
  // A discount or commitment rate the record applied is taken off the catalog's amount, as the ledger did.
  const percent = data.discountPercent;
  const amount = percent === undefined ? rated.amount : discountedAmount(rated.amount, percent);
  return {
    catalogVersion: rated.catalogVersion,
    model: rated.priceModel,
    segments: rated.segments,
    freeQuantity: rated.freeQuantityApplied,
    rated: amount,
    ...(percent === undefined ? {} : { listAmount: rated.amount, discountPercent: percent }),
    matchesRecord: new Big(amount).eq(data.ratedAmount ?? data.amount),
  };
}

/** A service's step: its basis summed over its records, rounded once, then allocated over its SKUs. */
export interface ServiceStep {
  readonly service: string;
  readonly category: string;
  /** The sum of the records' `documented` amounts (charge precision). */
  readonly exact: string;
  /** Rounded to minor units with the profile's rounding mode, once. */
  readonly rounded: string;
  /** Already confirmed by closing documents formed mid-period in this period. */
  readonly confirmedEarlier: string;
  /** What this document confirms of the service: rounded less confirmed earlier. */
  readonly gross: string;
  /** The largest-remainder allocation over the SKUs (null: one line per service). */
  readonly allocation: ReadonlyArray<{
    readonly sku: string;
    readonly quantity: string;
    /** The SKU's weight: its records' documented sum, less what earlier documents confirmed of it. */
    readonly weight: string;
    /** Its exact share of `gross` in minor units before rounding (weight × gross ÷ Σ weights). */
    readonly exactShare: string;
    readonly allocated: string;
  }> | null;
}

/** One line: the issued figures beside the recomputed ones, and the VAT rounding. */
export interface LineStep {
  /** 1-based, as printed. */
  readonly line: number;
  readonly description: string;
  readonly service: string | null;
  readonly sku: string | null;
  readonly quantity: string | null;
  readonly unitPrice: string | null;
  readonly vatRate: string;
  readonly gross: string;
  /** gross × rate ÷ (100 + rate), before rounding to minor units. */
  readonly vatExact: string;
  readonly vat: string;
  readonly net: string;
  readonly issued: DocumentTotals;
  readonly matches: boolean;
}

export interface TotalsStep {
  /** The sums of the issued lines (totals are never rounded on their own). */
  readonly sumOfLines: DocumentTotals;
  readonly issued: DocumentTotals;
  /** What the document confirms as payable: its gross total. */
  readonly amountDue: string;
  readonly matches: boolean;
}

export interface DocumentDerivation {
  readonly services: readonly ServiceStep[];
  readonly lines: readonly LineStep[];
  readonly totals: TotalsStep;
  /** Every recomputed line and total equals the issued one, to the minor unit. */
  readonly reconciles: boolean;
}

export interface DerivationRequest {
  readonly document: ClosingDocument;
  readonly sums: UsageSums;
  readonly account: DocumentAccount;
  readonly issuer: IssuerDetails;
  readonly profile: PolicyProfile;
  /** The account's closing documents issued before this one: those formed mid-period for other bills count. */
  readonly earlier?: readonly ClosingDocument[];
  readonly vatSchedule?: VatSchedule;
}

const rateText = (line: DocumentLine) => (line.vatRate.kind === 'none' ? 'none' : `${line.vatRate.percent}%`);

/**
 * Recomposes the document's lines from the summed records with `closingDocumentsFor` and sets them beside the
 * issued ones, with the steps in between.
 */
export function deriveClosingDocument(request: DerivationRequest): DocumentDerivation {
  const { document, sums, account, profile } = request;
  const schedule = request.vatSchedule ?? VAT_SCHEDULE;
  const context = vatContextFor(account.facts, profile, schedule);
  const midPeriodBill = /-mid\/(.+)$/.exec(document.documentId)?.[1];
  // Only documents formed mid-period for another bill confirm part of this one's services already.
  const earlier = (request.earlier ?? []).filter((d) => {
    const bill = /-mid\/(.+)$/.exec(d.documentId)?.[1];
    return (
      d.periodId === document.periodId &&
      (d.kind === 'act' || d.kind === 'upd') &&
      bill !== undefined &&
      bill !== midPeriodBill
    );
  });
  const closed: PeriodClosedData = {
    periodId: document.periodId,
    closedAt: document.date,
    openingBalance: '0',
    closingBalance: '0',
    deposits: '0',
    documentEligibleDeposits: '0',
    grantsUsed: '0',
    grantsExpired: '0',
    consumption: sums.consumption(),
    spentFromBalance: '0',
    penalties: '0',
    byService: sums.byService(),
    bySku: sums.bySku(),
    carried: {
      balance: '0',
      creditLimit: '0',
      grants: [],
      status: 'active',
      statusSince: document.date,
      everPaid: false,
      openBills: [],
    },
  };
  const recomposed = closingDocumentsFor({
    closed,
    account,
    issuer: request.issuer,
    profile: { ...profile, documents: { ...profile.documents, advanceVatInvoice: false } },
    vatSchedule: schedule,
    alreadyDocumented: earlier,
    ...(midPeriodBill !== undefined
      ? { midPeriod: { issuedOn: document.servicePeriod.lastDay, billId: midPeriodBill } }
      : {}),
  }).documents.find((d) => d.kind === document.kind);
  const recomputedLines = recomposed?.lines ?? [];

  const services = closed.byService.map((s): ServiceStep => {
    const exact = sums
      .bySku()
      .filter((k) => k.service === s.service)
      .reduce((sum, k) => sum.plus(documentedOf(k, profile)), new Big(0));
    const serviceExact = documentedOf(s, profile);
    const rounded = toMinorUnits(serviceExact.toFixed(), context);
    const before = earlier.flatMap((d) => d.lines).filter((l) => l.service === s.service);
    const confirmedEarlier = before.reduce(
      (sum, l) => sum.add(Money.of(l.gross, context.currency)),
      Money.zero(context.currency),
    );
    const gross = rounded.subtract(confirmedEarlier);
    const skus = (closed.bySku ?? []).filter((k) => k.service === s.service);
    const weights = skus.map((k) =>
      before
        .filter((l) => l.sku === k.sku)
        .reduce((rest, l) => rest.minus(l.gross), documentedOf(k, profile)),
    );
    const perSku =
      skus.length > 0 &&
      exact.eq(serviceExact) &&
      before.every((l) => l.sku !== undefined) &&
      gross.isPositive() &&
      weights.some((w) => w.gt(0)) &&
      // As closing-documents.ts: a SKU given back below its earlier lines leaves the service one line.
      (before.length === 0 || weights.every((w) => w.gte(0)));
    let allocation: ServiceStep['allocation'] = null;
    if (perSku) {
      const parts = allocateMinorUnits(
        gross,
        weights.map((w) => w.toFixed()),
      );
      const total = weights.reduce((sum, w) => (w.gt(0) ? sum.plus(w) : sum), new Big(0));
      const units = gross.amount.times(new Decimal('10').pow(gross.minorUnitDigits));
      allocation = skus.map((k, index) => ({
        sku: k.sku,
        quantity: k.quantity,
        weight: weights[index]!.toFixed(),
        exactShare: divideRounded(
          units.times(weights[index]!.gt(0) ? new Decimal(weights[index]!.toFixed()) : new Decimal('0')),
          new Decimal(total.toFixed()),
          9,
          'half-up',
        ).toFixed(),
        allocated: printed(parts[index]!),
      }));
    }
    return {
      service: s.service,
      category: s.category,
      exact: serviceExact.toFixed(),
      rounded: printed(rounded),
      confirmedEarlier: printed(confirmedEarlier),
      gross: printed(gross),
      allocation,
    };
  });

  const lines = document.lines.map((line, index): LineStep => {
    const recomputed = recomputedLines[index];
    const vatAmounts = vatOfGross(Money.of(line.gross, context.currency), line.vatRate, context.rounding);
    const vatExact =
      line.vatRate.kind === 'none'
        ? '0'
        : divideRounded(
            new Decimal(line.gross).times(line.vatRate.percent),
            new Decimal(line.vatRate.percent).plus(new Decimal('100')),
            9,
            'half-up',
          ).toFixed();
    const matches =
      recomputed !== undefined &&
      recomputed.gross === line.gross &&
      recomputed.vat === line.vat &&
      recomputed.net === line.net &&
      recomputed.service === line.service &&
      (recomputed.sku ?? null) === (line.sku ?? null) &&
      printed(vatAmounts.vat) === line.vat &&
      printed(vatAmounts.net) === line.net;
    return {
      line: index + 1,
      description: line.description,
      service: line.service,
      sku: line.sku ?? null,
      quantity: line.quantity ?? null,
      unitPrice: line.unitPrice ?? null,
      vatRate: rateText(line),
      gross: recomputed?.gross ?? '0',
      vatExact,
      vat: recomputed?.vat ?? '0',
      net: recomputed?.net ?? '0',
      issued: { net: line.net, vat: line.vat, gross: line.gross },
      matches,
    };
  });

  const sum = (pick: (l: DocumentLine) => string) =>
    printed(
      document.lines.reduce(
        (total, l) => total.add(Money.of(pick(l), context.currency)),
        Money.zero(context.currency),
      ),
    );
  const sumOfLines = { net: sum((l) => l.net), vat: sum((l) => l.vat), gross: sum((l) => l.gross) };
  const totalsMatch =
    sumOfLines.net === document.totals.net &&
    sumOfLines.vat === document.totals.vat &&
    sumOfLines.gross === document.totals.gross &&
    (recomposed?.totals.gross ?? printed(Money.zero(context.currency))) === document.totals.gross;
  const totals: TotalsStep = {
    sumOfLines,
    issued: { ...document.totals },
    amountDue: document.totals.gross,
    matches: totalsMatch,
  };
  return {
    services,
    lines,
    totals,
    reconciles:
      totalsMatch && lines.every((l) => l.matches) && recomputedLines.length === document.lines.length,
  };
}

const documentedOf = (
  s: Pick<ServiceTotals, 'consumption' | 'fromBalance' | 'fromBalanceBy'>,
  profile: PolicyProfile,
): Big => documentedAmount(s, profile.documents);
