/**
 * The charge's evolution as it was before issue 18's in-place command path (verbatim but for the `owned`
 * parameter, which the command path never passed): the oracle that evolve-owned.property.spec.ts holds the
 * faster evolution to. Every other event evolves as evolveLedger does.
 */
import Big from 'big.js';
import { addParts, drawFunding, type FundingPart } from './funding.js';
import { drawUnspent } from './refund-state.js';
import { projectOf } from './usage-attribution.js';
import type { LedgerEvent, LedgerEventOf } from './ledger-events.js';
import {
  evolveLedger,
  hourlyChargeKey,
  projectKey,
  skuKey,
  type LedgerState,
  type ProjectAccumulator,
  type ServiceAccumulator,
} from './ledger-state.js';

export const evolveLedgerBefore = (state: LedgerState, event: LedgerEvent): LedgerState =>
  event.type === 'ResourceConsumed' ? consumed(state, event.data) : evolveLedger(state, event);

/** A charge: grants it drew on, the balance, the period's totals, and the record id that makes it once. */
function consumed(state: LedgerState, d: LedgerEventOf<'ResourceConsumed'>['data']): LedgerState {
  const amount = new Big(d.amount);
  // Parsed once: the balance, the funding queues and four totals all take it.
  const fromBalance = new Big(d.fromBalance);
  let grants = state.grants;
  let grantsUsed = state.grantsUsed;
  if (d.fromGrants.length > 0) {
    const drawn = new Map(grants);
    for (const part of d.fromGrants) {
      const grant = drawn.get(part.grantId);
      if (grant)
        drawn.set(part.grantId, {
          ...grant,
          remaining: new Big(grant.remaining).minus(part.amount).toFixed(),
        });
      grantsUsed = grantsUsed.plus(part.amount);
    }
    grants = drawn;
  }
  const service = state.byService.get(d.service);
  const key = skuKey(d.service, d.sku);
  const sku = state.bySku.get(key);
  const parts = d.fromBalanceBy ?? [{ source: 'unattributed' as const, amount: d.fromBalance }];
  let hourlyCharges = state.hourlyCharges;
  if (d.billingHour !== undefined && d.ratedAmount !== undefined) {
    const key = hourlyChargeKey(d.sku, d.billingHour);
    const hour = hourlyCharges.get(key);
    hourlyCharges = hourlyCharges.set(key, {
      rated: (hour?.rated ?? new Big(0)).plus(d.ratedAmount),
      charged: (hour?.charged ?? new Big(0)).plus(amount),
    });
  }
  const changes = {
    ...(d.commitmentId !== undefined
      ? {
          committedSpend: withEntry(
            state.committedSpend ?? new Map(),
            d.commitmentId,
            (state.committedSpend?.get(d.commitmentId) ?? new Big(0)).plus(amount),
          ),
        }
      : {}),
    grants,
    grantsUsed,
    hourlyCharges,
    balance: state.balance.minus(fromBalance),
    funding: drawFunding(state.funding, fromBalance).rest,
    unspentDeposits: drawUnspent(state.unspentDeposits, fromBalance),
    consumption: state.consumption.plus(amount),
    usageRecords: state.usageRecords.add(d.usageRecordId),
    skuQuantities: withEntry(
      state.skuQuantities,
      d.sku,
      (state.skuQuantities.get(d.sku) ?? new Big(0)).plus(d.quantity),
    ),
    byService: withEntry(state.byService, d.service, {
      service: d.service,
      ...charged(service, d.category, amount, fromBalance, parts),
    }),
    bySku: withEntry(state.bySku, key, {
      service: d.service,
      sku: d.sku,
      unit: sku?.unit ?? d.unit,
      quantity: (sku?.quantity ?? new Big(0)).plus(d.quantity),
      ...charged(sku, d.category, amount, fromBalance, parts),
    }),
    byProject: chargedToProject(state.byProject, d, amount, fromBalance),
  };
  return { ...state, ...changes };
}

/** The project's SKU totals with one more charge (absent project: `default`). */
function chargedToProject(
  byProject: ReadonlyMap<string, ProjectAccumulator>,
  d: LedgerEventOf<'ResourceConsumed'>['data'],
  amount: Big,
  fromBalance: Big,
): ReadonlyMap<string, ProjectAccumulator> {
  const project = projectOf(d);
  const key = projectKey(project, d.service, d.sku);
  const before = byProject.get(key);
  return withEntry(byProject, key, {
    project,
    service: d.service,
    sku: d.sku,
    category: before?.category ?? d.category,
    consumption: (before?.consumption ?? new Big(0)).plus(amount),
    fromGrants: (before?.fromGrants ?? new Big(0)).plus(amount.minus(fromBalance)),
    fromBalance: (before?.fromBalance ?? new Big(0)).plus(fromBalance),
  });
}

/** A service's or a SKU's totals with one more charge (its category stays the one its first charge had). */
function charged(
  before: ServiceAccumulator | undefined,
  category: string,
  amount: Big,
  fromBalance: string | Big,
  parts: readonly FundingPart[],
): Omit<ServiceAccumulator, 'service'> {
  return {
    category: before?.category ?? category,
    consumption: (before?.consumption ?? new Big(0)).plus(amount),
    fromGrants: (before?.fromGrants ?? new Big(0)).plus(amount.minus(fromBalance)),
    fromBalance: (before?.fromBalance ?? new Big(0)).plus(fromBalance),
    fromBalanceBy: addParts(before?.fromBalanceBy ?? new Map(), parts),
  };
}

function withEntry<V>(map: ReadonlyMap<string, V>, key: string, value: V): ReadonlyMap<string, V> {
  const copy = new Map(map);
  copy.set(key, value);
  return copy;
}
