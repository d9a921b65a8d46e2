/**
 * A usage record as it stands after its corrections (issue 14): what it charged when booked (on time, as
 * ResourceConsumed, or late, as ChargeCorrected 'late-usage'), plus every void and re-rate of it since. The
 * handler that voids or re-rates a record reads the account's periods and hands these facts to the decider.
 */
import Big from 'big.js';
import type { FundingPart, FundingSource } from './funding.js';
import type { ChargeCorrection, LedgerEvent } from './ledger-events.js';
import { storedAttribution } from './usage-attribution.js';

export interface UsageRecordFacts {
  usageRecordId: string;
  /** The period the usage belongs to (the one a void or re-rate corrects). */
  periodId: string;
  sku: string;
  service: string;
  category: string;
  unit: string;
  /** The quantity as it stands (a re-rate may have corrected it). */
  quantity: string;
  windowStart: string;
  windowEnd: string;
  catalogVersion: string;
  /** What the record charges now: the booked amount plus its corrections. */
  charged: string;
  /** `charged` by grant and by funding source, net of corrections, in the order first drawn. */
  fromGrants: Array<{ grantId: string; amount: string }>;
  fromBalanceBy: FundingPart[];
  /** The quantity of the SKU its period had rated before it (graduated prices and free quotas). */
  quantityBefore: string;
  voided: boolean;
  /** Ids of the corrections of this record so far (a re-rate's id counts them). */
  correctionIds: string[];
  /** Where the record belongs (issue 15), as it was booked; its voids and re-rates carry the same. */
  project?: string;
  resourceId?: string;
  labels?: Record<string, string>;
}

/** The record's facts from the events of the account's periods (oldest period first), or undefined. */
export function usageRecordFacts(
  usageRecordId: string,
  periods: ReadonlyArray<{ periodId: string; events: readonly LedgerEvent[] }>,
): UsageRecordFacts | undefined {
  let facts: UsageRecordFacts | undefined;
  for (const { periodId, events } of periods) {
    const quantities = new Map<string, Big>();
    for (const event of events) {
      if (event.type === 'ResourceConsumed') {
        const d = event.data;
        const before = quantities.get(d.sku) ?? new Big(0);
        quantities.set(d.sku, before.plus(d.quantity));
        if (d.usageRecordId !== usageRecordId || facts) continue;
        facts = {
          usageRecordId,
          periodId,
          sku: d.sku,
          service: d.service,
          category: d.category,
          unit: d.unit,
          quantity: d.quantity,
          windowStart: d.windowStart,
          windowEnd: d.windowEnd,
          catalogVersion: d.catalogVersion,
          charged: d.amount,
          fromGrants: d.fromGrants.map((g) => ({ ...g })),
          fromBalanceBy: d.fromBalanceBy ?? unattributed(d.fromBalance),
          quantityBefore: before.toFixed(),
          voided: false,
          correctionIds: [],
          ...storedAttribution(d),
        };
      } else if (event.type === 'ChargeCorrected' && event.data.usageRecordId === usageRecordId) {
        facts = facts ? corrected(facts, event.data) : lateRecord(event.data);
      }
    }
  }
  return facts;
}

function lateRecord(d: ChargeCorrection): UsageRecordFacts | undefined {
  if (d.kind !== 'late-usage' || !d.usage || !d.sku) return undefined;
  return {
    usageRecordId: d.usageRecordId!,
    periodId: d.correctsPeriod,
    sku: d.sku,
    service: d.service,
    category: d.category,
    unit: d.usage.unit,
    quantity: d.usage.quantity,
    windowStart: d.usage.windowStart,
    windowEnd: d.usage.windowEnd,
    catalogVersion: d.usage.catalogVersion,
    charged: d.amount,
    fromGrants: d.fromGrants.map((g) => ({ ...g })),
    fromBalanceBy: d.fromBalanceBy ?? unattributed(d.fromBalance),
    // A late record is rated after everything its period held when it came (decisions/late-usage.ts).
    quantityBefore: '0',
    voided: false,
    correctionIds: [d.correctionId],
    ...storedAttribution(d),
  };
}

function corrected(facts: UsageRecordFacts, d: ChargeCorrection): UsageRecordFacts {
  return {
    ...facts,
    quantity: d.usage?.quantity ?? facts.quantity,
    catalogVersion: d.usage?.catalogVersion ?? facts.catalogVersion,
    charged: new Big(facts.charged).plus(d.amount).toFixed(),
    fromGrants: netParts(
      facts.fromGrants.map((g) => ({ key: g.grantId, amount: g.amount })),
      d.fromGrants.map((g) => ({ key: g.grantId, amount: g.amount })),
    ).map(({ key, amount }) => ({ grantId: key, amount })),
    fromBalanceBy: netParts(
      facts.fromBalanceBy.map((p) => ({ key: p.source, amount: p.amount })),
      (d.fromBalanceBy ?? unattributed(d.fromBalance)).map((p) => ({ key: p.source, amount: p.amount })),
    ).map(({ key, amount }) => ({ source: key as FundingSource, amount })),
    voided: facts.voided || d.kind === 'usage-voided',
    correctionIds: [...facts.correctionIds, d.correctionId],
  };
}

const unattributed = (fromBalance: string): FundingPart[] =>
  new Big(fromBalance).eq('0') ? [] : [{ source: 'unattributed', amount: fromBalance }];

/** Parts summed by key, in the order first seen, those netting to zero left out. */
function netParts(
  a: ReadonlyArray<{ key: string; amount: string }>,
  b: ReadonlyArray<{ key: string; amount: string }>,
): Array<{ key: string; amount: string }> {
  const sums = new Map<string, Big>();
  for (const part of [...a, ...b]) sums.set(part.key, (sums.get(part.key) ?? new Big(0)).plus(part.amount));
  return [...sums]
    .filter(([, amount]) => !amount.eq('0'))
    .map(([key, amount]) => ({ key, amount: amount.toFixed() }));
}
