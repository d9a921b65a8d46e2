import Big from 'big.js';
import { emptyIdSet, type IdSet } from '../shared/id-set.js';
import { emptyPersistentMap, type PersistentMap } from '../shared/persistent-map.js';
import {
  EMPTY_FUNDING,
  addParts,
  depositFunding,
  drawFunding,
  fundingLeft,
  fundingOf,
  fundingParts,
  type FundingPart,
  type FundingQueue,
  type FundingSource,
} from './funding.js';
import { carriedAutoTopUp, type AutoTopUpState } from './auto-top-up-state.js';
import { COMMITMENT_SHORTFALL_CATEGORY, COMMITMENT_SHORTFALL_SERVICE } from '../pricing/account-pricing.js';
import {
  depositUnspent,
  depositsOf,
  drawUnspent,
  fundingOfDeposits,
  giveBack,
  takeParts,
  unspentDeposits,
  type DepositQueue,
  type RefundRecord,
} from './refund-state.js';
import { DEFAULT_PROJECT, projectOf } from './usage-attribution.js';
import type {
  AccountStatus,
  CarriedState,
  ChargeCorrection,
  GrantSnapshot,
  LedgerEvent,
  LedgerEventOf,
  OpenBill,
  PeriodCorrections,
  ProjectTotals,
  ServiceTotals,
  SkuTotals,
  TopUpBill,
} from './ledger-events.js';

/** What one service consumed this period, and how it was paid. Replaced, never changed, by each charge. */
export interface ServiceAccumulator {
  readonly service: string;
  readonly category: string;
  readonly consumption: Big;
  readonly fromGrants: Big;
  readonly fromBalance: Big;
  readonly fromBalanceBy: ReadonlyMap<FundingSource, Big>;
}

/** What one SKU of one service consumed this period: the service's totals, split by SKU, with the quantity. */
export interface SkuAccumulator extends ServiceAccumulator {
  readonly sku: string;
  readonly unit: string;
  readonly quantity: Big;
}

/** What one SKU of one service consumed in one project this period (issue 15). */
export interface ProjectAccumulator {
  readonly project: string;
  readonly service: string;
  readonly sku: string;
  readonly category: string;
  readonly consumption: Big;
  readonly fromGrants: Big;
  readonly fromBalance: Big;
}

export const projectKey = (project: string, service: string, sku: string) =>
  joinedKey(projectKeys, project, skuKey(service, sku));

/** SKUs are kept per service too, so every SKU entry adds to exactly one service's totals. */
export const skuKey = (service: string, sku: string) => joinedKey(skuKeys, service, sku);

/**
 * The keys above, each made once: a key joined afresh on every charge was hashed afresh on every lookup of
 * the totals (5–8 % of a cold period's fold, issue 18). Bounded, as project names come from users.
 */
const skuKeys = new Map<string, Map<string, string>>();
const projectKeys = new Map<string, Map<string, string>>();
const KEYS_REMEMBERED = 10_000;

function joinedKey(keys: Map<string, Map<string, string>>, first: string, second: string): string {
  let byFirst = keys.get(first);
  const known = byFirst?.get(second);
  if (known !== undefined) return known;
  if (keys.size >= KEYS_REMEMBERED) keys.clear();
  if (!byFirst) keys.set(first, (byFirst = new Map()));
  const key = `${first}\u0000${second}`;
  if (byFirst.size < KEYS_REMEMBERED) byFirst.set(second, key);
  return key;
}

/**
 * The current period of an account's ledger. Immutable: evolveLedger returns a new state that shares every
 * collection the event did not touch, so previews and cached states never see later events.
 */
export interface LedgerState {
  readonly phase: 'not-opened' | 'open' | 'closed';
  readonly accountId: string;
  readonly periodId: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly lastDay: string;
  readonly currency: string;
  readonly profileId: string;
  readonly profileVersion: number;
  readonly balance: Big;
  /** The balance above zero by source: unspent deposits, oldest first (src/domain/ledger/funding.ts). */
  readonly funding: FundingQueue;
  readonly openingBalance: Big;
  readonly creditLimit: Big;
  readonly grants: ReadonlyMap<string, Readonly<GrantSnapshot>>;
  readonly status: AccountStatus;
  readonly statusSince: string;
  readonly everPaid: boolean;
  readonly openBills: ReadonlyMap<string, Readonly<OpenBill>>;
  /**
   * Top-up bills: never overdue, never a debt. Those issued this period (paid or not, so a resent request
   * is recognised) and the unpaid ones carried in; a paid one is carried once more, then forgotten.
   */
  readonly topUpBills: ReadonlyMap<string, Readonly<TopUpBill>>;
  /** Usage record ids and payment ids already applied in this period: retries change nothing. */
  readonly usageRecords: IdSet;
  readonly payments: IdSet;
  /** Quantity per SKU rated this period: free quotas and graduated tiers are per period. */
  readonly skuQuantities: ReadonlyMap<string, Big>;
  /** Per SKU and billing hour (`hourlyChargeKey`): the exact rated amount and what was charged for it. */
  readonly hourlyCharges: PersistentMap<HourlyCharge>;
  readonly deposits: Big;
  readonly documentEligibleDeposits: Big;
  readonly grantsUsed: Big;
  readonly grantsExpired: Big;
  readonly consumption: Big;
  readonly byService: ReadonlyMap<string, ServiceAccumulator>;
  /** The same charges per service and SKU (`skuKey`), with the quantities: the documents' lines. */
  readonly bySku: ReadonlyMap<string, SkuAccumulator>;
  /** The same charges per project, service and SKU (`projectKey`): the documents' "by project" appendix. */
  readonly byProject: ReadonlyMap<string, ProjectAccumulator>;
  readonly billsIssuedThisPeriod: Big;
  /** Late-payment penalties charged this period. */
  readonly penalties: Big;
  /** Set by PeriodClosed: what the next period opens with. */
  readonly closedCarry?: CarriedState;
  /** Set by the final PeriodClosed of a closed account: the closure instant it ended at. */
  readonly closedEarlyAt?: string;
  readonly freeze?: Readonly<NonNullable<CarriedState['freeze']>>;
  readonly suspension?: Readonly<NonNullable<CarriedState['suspension']>>;
  /** Card auto top-up, once configured (a pending request is settled by a top-up with its id). */
  readonly autoTopUp?: Readonly<AutoTopUpState>;
  /** Per commitment id: what usage it covered was charged this period (absent until one is). */
  readonly committedSpend?: ReadonlyMap<string, Big>;
  /** The funding queue deposit by deposit (refund-state.ts): what a refund returns to which payment. */
  readonly unspentDeposits: DepositQueue;
  /** Refunds requested this period and those carried in while in flight, by refund id. */
  readonly refunds: ReadonlyMap<string, Readonly<RefundRecord>>;
  /** Refund ids settled in earlier periods: a retry of one stores nothing. */
  readonly settledRefundIds: readonly string[];
  /** ChargeCorrected booked this period, by correction id (issue 14): few, so copied on each. */
  readonly corrections: ReadonlyMap<string, Readonly<ChargeCorrection>>;
}

/** One SKU's usage in one billing hour: rounded as a whole, however the meter sliced it (§2). */
export interface HourlyCharge {
  readonly rated: Big;
  readonly charged: Big;
}

export const hourlyChargeKey = (sku: string, billingHour: string) => `${billingHour} ${sku}`;

export const initialLedgerState = (): LedgerState => ({
  phase: 'not-opened',
  accountId: '',
  periodId: '',
  startsAt: '',
  endsAt: '',
  lastDay: '',
  currency: '',
  profileId: '',
  profileVersion: 0,
  balance: new Big(0),
  funding: EMPTY_FUNDING,
  openingBalance: new Big(0),
  creditLimit: new Big(0),
  grants: new Map(),
  status: 'active',
  statusSince: '',
  everPaid: false,
  openBills: new Map(),
  topUpBills: new Map(),
  usageRecords: emptyIdSet(),
  payments: emptyIdSet(),
  skuQuantities: new Map(),
  hourlyCharges: emptyPersistentMap(),
  deposits: new Big(0),
  documentEligibleDeposits: new Big(0),
  grantsUsed: new Big(0),
  grantsExpired: new Big(0),
  consumption: new Big(0),
  byService: new Map(),
  bySku: new Map(),
  byProject: new Map(),
  billsIssuedThisPeriod: new Big(0),
  penalties: new Big(0),
  unspentDeposits: [],
  refunds: new Map(),
  settledRefundIds: [],
  corrections: new Map(),
});

/** Identifies a notice so each is sent once: the deadline it announces and how many days before. */
export const noticeKey = (suspendAt: string, daysBefore: number) => `${suspendAt}/${daysBefore}`;

/**
 * The state after `events`, from `from` (nothing by default): the very state `events.reduce(evolveLedger,
 * from)` gives, built faster. Loading a period folds ≈ 100 charges that nobody sees one by one, so a charge
 * updates in place the per-SKU, per-service and per-project maps — and the state object — that this fold
 * itself created at an earlier charge, instead of copying them again (a copy per charge made a cold period
 * load ≈ 5× slower than November's mutable fold: issue 18's close). Nothing the fold was given, and nothing
 * reachable from `from`, is changed; the returned state is as immutable as any other once returned.
 */
export function foldLedger(
  events: Iterable<LedgerEvent>,
  from: LedgerState = initialLedgerState(),
): LedgerState {
  const owned = new WeakSet<object>();
  let state = from;
  for (const event of events) state = evolveOwnedLedger(state, event, owned);
  return state;
}

/**
 * A period's state as its month-end close needs it: foldLedger's, without what only the command path reads —
 * the per-hour charges (rating's rounding per billing hour) and the ids of the usage records charged (their
 * retries) — which a closed period never uses again; they stay as they were before the period's charges.
 * For a close on a period not in memory only, never cached (LedgerBook.closePeriod): building them was ≈ a
 * third of a cold ≈ 100-event fold, and the bulk of what each in-flight close kept alive (issue 18).
 */
export function foldLedgerToClose(events: Iterable<LedgerEvent>): LedgerState {
  const owned = new WeakSet<object>();
  let state = initialLedgerState();
  for (const event of events) state = evolveOwnedLedger(state, event, owned, false);
  return state;
}

/**
 * evolveLedger for a state whose holder alone sees the objects in `owned` (foldLedger's own, or the command
 * path's cached state between two hand-outs: AggregateStreams): a charge changes in place the state object,
 * the per-SKU, per-service and per-project maps and their totals it finds in `owned`, and adds what it copies
 * or makes to it.
 * Every other event evolves as evolveLedger does. The resulting state equals evolveLedger's; nothing outside
 * `owned` is changed (evolve-owned.property.spec.ts).
 */
export function evolveOwnedLedger(
  state: LedgerState,
  event: LedgerEvent,
  owned: WeakSet<object>,
  /** false: a charge leaves the per-hour charges and the usage record ids as they are (foldLedgerToClose). */
  commandPathState = true,
): LedgerState {
  return event.type === 'ResourceConsumed'
    ? consumed(state, event.data, owned, commandPathState)
    : evolveLedger(state, event);
}

/**
 * Applies one event and returns the new state; the given state, and everything reachable from it, stays
 * as it was. Only the collections the event changes are copied (a usage record copies the small per-SKU
 * and per-service maps, never the ids of the period's earlier records), so a replay stays linear.
 */
export function evolveLedger(state: LedgerState, event: LedgerEvent): LedgerState {
  switch (event.type) {
    case 'PeriodOpened': {
      const d = event.data;
      return {
        ...state,
        phase: 'open',
        accountId: d.accountId,
        periodId: d.periodId,
        startsAt: d.startsAt,
        endsAt: d.endsAt,
        lastDay: d.lastDay,
        currency: d.currency,
        profileId: d.profileId,
        profileVersion: d.profileVersion,
        balance: new Big(d.carried.balance),
        funding: fundingOf(d.carried),
        openingBalance: new Big(d.carried.balance),
        creditLimit: new Big(d.carried.creditLimit),
        grants: new Map(d.carried.grants.map((g) => [g.grantId, { ...g }])),
        status: d.carried.status,
        statusSince: d.carried.statusSince,
        everPaid: d.carried.everPaid,
        openBills: new Map(d.carried.openBills.map((b) => [b.billId, { ...b }])),
        topUpBills: new Map((d.carried.topUpBills ?? []).map((b) => [b.billId, { ...b }])),
        freeze: d.carried.freeze && { ...d.carried.freeze },
        suspension: d.carried.suspension && {
          ...d.carried.suspension,
          noticesSent: [...d.carried.suspension.noticesSent],
        },
        autoTopUp: d.carried.autoTopUp && { ...d.carried.autoTopUp },
        unspentDeposits: depositsOf(d.carried, fundingOf(d.carried)),
        refunds: new Map((d.carried.refunds?.inFlight ?? []).map((r) => [r.refundId, copyRefund(r)])),
        settledRefundIds: [...(d.carried.refunds?.settledIds ?? [])],
      };
    }
    case 'FundsDeposited': {
      const amount = new Big(event.data.amount);
      return {
        ...state,
        balance: state.balance.plus(amount),
        funding: depositFunding(state.funding, event.data.channel, amount, state.balance),
        unspentDeposits: depositUnspent(
          state.unspentDeposits,
          event.data.paymentId,
          event.data.channel,
          amount,
          state.balance,
        ),
        deposits: state.deposits.plus(amount),
        documentEligibleDeposits: event.data.countsInDocuments
          ? state.documentEligibleDeposits.plus(amount)
          : state.documentEligibleDeposits,
        payments: state.payments.add(event.data.paymentId),
        everPaid: true,
        ...(event.data.penaltiesPaid && state.suspension
          ? {
              suspension: {
                ...state.suspension,
                penaltiesPaid: new Big(state.suspension.penaltiesPaid ?? '0')
                  .plus(event.data.penaltiesPaid)
                  .toFixed(),
              },
            }
          : {}),
      };
    }
    case 'GrantIssued':
      return { ...state, grants: withEntry(state.grants, event.data.grantId, { ...event.data }) };
    case 'GrantExpired':
      return {
        ...state,
        grantsExpired: state.grantsExpired.plus(event.data.amountLost),
        grants: withoutEntry(state.grants, event.data.grantId),
      };
    case 'ResourceConsumed':
      return consumed(state, event.data);
    case 'CreditLimitSet':
      return { ...state, creditLimit: new Big(event.data.creditLimit) };
    case 'AccountFrozen':
      return {
        ...state,
        freeze: {
          since: event.data.at,
          deleteObjectsAt: event.data.deleteObjectsAt,
          objectStorage: 'read-only',
          objectsQueued: false,
        },
        status: 'frozen',
        statusSince: event.data.at,
      };
    case 'AccountUnfrozen':
      return { ...state, freeze: undefined, status: 'active', statusSince: event.data.at };
    case 'FrozenObjectsQueuedForDeletion':
      return state.freeze ? { ...state, freeze: { ...state.freeze, objectsQueued: true } } : state;
    case 'ObjectStorageBlocked':
      return state.freeze ? { ...state, freeze: { ...state.freeze, objectStorage: 'blocked' } } : state;
    case 'ObjectStorageDeleted':
      return state.freeze ? { ...state, freeze: { ...state.freeze, objectStorage: 'deleted' } } : state;
    case 'PaymentRequired':
      return {
        ...state,
        suspension: {
          suspendAt: event.data.suspendAt,
          reason: 'funds-exhausted',
          noticesSent: [],
          penaltiesAccrued: '0',
        },
        status: 'payment-required',
        statusSince: event.data.at,
      };
    case 'PaymentRequirementCleared':
      return { ...state, suspension: undefined, status: 'active', statusSince: event.data.at };
    case 'SuspensionNoticeSent': {
      const suspension = state.suspension ?? { noticesSent: [], penaltiesAccrued: '0' };
      return {
        ...state,
        suspension: {
          ...suspension,
          noticesSent: [...suspension.noticesSent, noticeKey(event.data.suspendAt, event.data.daysBefore)],
        },
      };
    }
    case 'AccountSuspended':
      return {
        ...state,
        suspension: {
          ...(state.suspension ?? { noticesSent: [], penaltiesAccrued: '0' }),
          suspendedAt: event.data.at,
          deleteAt: event.data.deleteAt,
          reason: event.data.reason,
        },
        status: 'suspended',
        statusSince: event.data.at,
      };
    case 'AccountRestored':
      return { ...state, suspension: undefined, status: 'active', statusSince: event.data.at };
    case 'PenaltyAccrued':
      return {
        ...state,
        balance: new Big(event.data.balanceAfter),
        funding: drawFunding(state.funding, state.balance.minus(event.data.balanceAfter)).rest,
        unspentDeposits: drawUnspent(state.unspentDeposits, state.balance.minus(event.data.balanceAfter)),
        suspension: state.suspension && {
          ...state.suspension,
          penaltiesAccrued: event.data.totalAccrued,
          penaltiesExact: event.data.exactTotal ?? event.data.totalAccrued,
          lastPenaltyDay: event.data.day,
        },
        penalties: state.penalties.plus(event.data.amount),
      };
    case 'AccountBlocked':
      return { ...state, status: 'blocked', statusSince: event.data.at };
    case 'BillIssued': {
      const { reason: _reason, ...bill } = event.data;
      return {
        ...state,
        openBills: withEntry(state.openBills, bill.billId, bill),
        billsIssuedThisPeriod: state.billsIssuedThisPeriod.plus(bill.amount),
      };
    }
    case 'BillPaymentApplied': {
      const bill = state.openBills.get(event.data.billId);
      if (!bill) return state;
      return {
        ...state,
        openBills: event.data.fullyPaid
          ? withoutEntry(state.openBills, bill.billId)
          : withEntry(state.openBills, bill.billId, {
              ...bill,
              paid: new Big(bill.paid).plus(event.data.amount).toFixed(),
            }),
      };
    }
    case 'TopUpBillIssued': {
      const { at: _at, ...bill } = event.data;
      return { ...state, topUpBills: withEntry(state.topUpBills, bill.billId, { ...bill, paid: '0' }) };
    }
    case 'TopUpBillPaid': {
      const bill = state.topUpBills.get(event.data.billId);
      if (!bill) return state;
      const paid = new Big(bill.paid).plus(event.data.amount).toFixed();
      return { ...state, topUpBills: withEntry(state.topUpBills, bill.billId, { ...bill, paid }) };
    }
    case 'AutoTopUpConfigured': {
      const { at: _at, ...settings } = event.data;
      return { ...state, autoTopUp: { sequence: 0, ...state.autoTopUp, ...settings } };
    }
    case 'AutoTopUpRequested': {
      const { requestId, amount, attempt, at } = event.data;
      const current = state.autoTopUp!;
      return {
        ...state,
        autoTopUp: {
          ...current,
          sequence: current.sequence + 1,
          pending: { requestId, amount, attempt, requestedAt: at },
          lastFailed: undefined,
        },
      };
    }
    case 'AutoTopUpFailed': {
      const { requestId, attempt } = event.data;
      return {
        ...state,
        autoTopUp: { ...state.autoTopUp!, pending: undefined, lastFailed: { requestId, attempt } },
      };
    }
    case 'RefundRequested': {
      const { refundId, amount, parts, reason, by, at } = event.data;
      const unspent = takeParts(state.unspentDeposits, parts);
      const record = { refundId, amount, reason, by, requestedAt: at, parts: parts.map(pending) };
      return {
        ...state,
        balance: new Big(event.data.balanceAfter),
        unspentDeposits: unspent,
        funding: fundingOfDeposits(unspent),
        refunds: withEntry(state.refunds, refundId, record),
      };
    }
    case 'RefundCompleted':
      return settled(state, event.data.refundId, event.data.paymentId, 'completed');
    case 'RefundFailed': {
      const record = state.refunds.get(event.data.refundId);
      const returned = (record?.parts ?? []).filter(
        (p) => p.outcome === 'pending' && (event.data.paymentId ?? p.paymentId) === p.paymentId,
      );
      const unspent = giveBack(state.unspentDeposits, returned, state.balance);
      return {
        ...settled(state, event.data.refundId, event.data.paymentId, 'failed'),
        balance: new Big(event.data.balanceAfter),
        unspentDeposits: unspent,
        funding: fundingOfDeposits(unspent),
      };
    }
    case 'PeriodClosed':
      return {
        ...state,
        phase: 'closed',
        closedCarry: event.data.carried,
        ...(event.data.endsEarlyAt ? { closedEarlyAt: event.data.endsEarlyAt } : {}),
      };
    case 'CommitmentShortfallCharged':
      return shortfallCharged(state, event.data);
    case 'ChargeCorrected':
      return chargeCorrected(state, event.data);
  }
}

/** A commitment's shortfall: a charge to the balance on its own service line (no SKU, no grant pays it). */
function shortfallCharged(
  state: LedgerState,
  d: LedgerEventOf<'CommitmentShortfallCharged'>['data'],
): LedgerState {
  const amount = new Big(d.shortfall);
  const service = state.byService.get(COMMITMENT_SHORTFALL_SERVICE);
  return {
    ...state,
    balance: state.balance.minus(amount),
    funding: drawFunding(state.funding, amount).rest,
    unspentDeposits: drawUnspent(state.unspentDeposits, amount),
    consumption: state.consumption.plus(amount),
    byService: withEntry(state.byService, COMMITMENT_SHORTFALL_SERVICE, {
      service: COMMITMENT_SHORTFALL_SERVICE,
      ...charged(service, COMMITMENT_SHORTFALL_CATEGORY, amount, d.shortfall, d.fromBalanceBy),
    }),
  };
}

/**
 * A correction (issue 14). The balance moves by −fromBalance: a debit draws the funding queue first in,
 * first out like a charge; a credit gives back to the sources it names (debt first, as a deposit). A
 * grant part > 0 draws the grant; < 0 gives back to it, unless the decision found it lost (`grantsLost`:
 * expired, or no longer held) — then it counts as expired, as it would have been. Only a correction of this period itself
 * changes its consumption, grants used and per-service/SKU totals; one of a closed period is kept apart
 * (`corrections`, then PeriodClosed.corrections) for that period's corrective documents.
 */
function chargeCorrected(state: LedgerState, d: ChargeCorrection): LedgerState {
  const own = d.correctsPeriod === state.periodId;
  const amount = new Big(d.amount);
  const grants = new Map(state.grants);
  let grantsUsed = state.grantsUsed;
  let grantsExpired = state.grantsExpired;
  const lost = new Set((d.grantsLost ?? []).map((g) => g.grantId));
  for (const part of d.fromGrants) {
    const grant = grants.get(part.grantId);
    const change = new Big(part.amount);
    if (own) grantsUsed = grantsUsed.plus(change);
    if (grant && !(change.lt('0') && lost.has(part.grantId))) {
      grants.set(part.grantId, { ...grant, remaining: new Big(grant.remaining).minus(change).toFixed() });
    } else if (change.lt('0')) {
      grantsExpired = grantsExpired.minus(change);
    }
  }
  const fromBalance = new Big(d.fromBalance);
  const parts = d.fromBalanceBy ?? [{ source: 'unattributed' as const, amount: d.fromBalance }];
  let funding = state.funding;
  // The deposits one by one (refunds): kept in step with the funding queue, or a refund would rebuild it.
  let unspentDeposits = state.unspentDeposits;
  let balance = state.balance;
  if (fromBalance.gt('0')) {
    funding = drawFunding(funding, fromBalance).rest;
    unspentDeposits = drawUnspent(unspentDeposits, fromBalance);
    balance = balance.minus(fromBalance);
  } else {
    for (const part of parts) {
      const back = new Big(part.amount).neg();
      if (back.lte('0')) continue;
      // Money given back for a charge once run on credit is no debt any more: it counts as it always did.
      const source = part.source === 'credit' ? 'unattributed' : part.source;
      funding = depositFunding(funding, source, back, balance);
      // Given back, it is unspent again with the latest unspent payment of its source (givenBack).
      const unspent = back.minus(balance.lt('0') ? balance.neg() : new Big(0));
      if (unspent.gt('0')) unspentDeposits = givenBack(unspentDeposits, source, unspent);
      balance = balance.plus(back);
    }
    balance = state.balance.minus(fromBalance);
  }
  const next: LedgerState = {
    ...state,
    grants,
    grantsUsed,
    grantsExpired,
    funding,
    unspentDeposits,
    balance,
    usageRecords:
      d.kind === 'late-usage' && d.usageRecordId
        ? state.usageRecords.add(d.usageRecordId)
        : state.usageRecords,
    corrections: withEntry(state.corrections, d.correctionId, d),
  };
  if (!own) return next;
  const sku = d.sku ?? ADJUSTMENT_SKU;
  const key = skuKey(d.service, sku);
  const before = state.bySku.get(key);
  const quantityChange = new Big(d.quantityChange ?? '0');
  return {
    ...next,
    consumption: state.consumption.plus(amount),
    skuQuantities: quantityChange.eq('0')
      ? state.skuQuantities
      : withEntry(
          state.skuQuantities,
          sku,
          (state.skuQuantities.get(sku) ?? new Big(0)).plus(quantityChange),
        ),
    byService: withEntry(state.byService, d.service, {
      service: d.service,
      ...charged(state.byService.get(d.service), d.category, amount, d.fromBalance, parts),
    }),
    bySku: withEntry(state.bySku, key, {
      service: d.service,
      sku,
      unit: before?.unit ?? d.usage?.unit ?? '',
      quantity: (before?.quantity ?? new Big(0)).plus(quantityChange),
      ...charged(before, d.category, amount, d.fromBalance, parts),
    }),
  };
}

const pending = (part: RefundRecord['parts'][number] | Omit<RefundRecord['parts'][number], 'outcome'>) => ({
  ...part,
  outcome: 'pending' as const,
});

const copyRefund = (record: RefundRecord): RefundRecord => ({
  ...record,
  parts: record.parts.map((p) => ({ ...p })),
});

/** A refund's part (`paymentId`), or every part still pending, answered by the gateway. */
function settled(
  state: LedgerState,
  refundId: string,
  paymentId: string | undefined,
  outcome: 'completed' | 'failed',
): LedgerState {
  const record = state.refunds.get(refundId);
  if (!record) return state;
  const parts = record.parts.map((p) =>
    p.outcome === 'pending' && (paymentId ?? p.paymentId) === p.paymentId ? { ...p, outcome } : p,
  );
  return { ...state, refunds: withEntry(state.refunds, refundId, { ...record, parts }) };
}

/**
 * Money a correction gives back joins the latest unspent deposit of its source, so a refund returns it by the
 * channel it came by; with none of its source left (or ops' 'internal' service credit) it is tied to no
 * payment and never refunded automatically.
 */
function givenBack(queue: DepositQueue, source: FundingSource, amount: Big): DepositQueue {
  const own = [...queue].reverse().find((d) => d.source === source && d.paymentId);
  return [...queue, { ...(own ? { paymentId: own.paymentId } : {}), source, amount }];
}

/** The SKU line an adjustment of the open period that names no SKU is booked under. */
export const ADJUSTMENT_SKU = 'adjustment';

/** The corrections of earlier periods booked in this one, by corrected period (PeriodClosed.corrections). */
export function correctionsOfEarlierPeriods(state: LedgerState): PeriodCorrections[] {
  const byPeriod = new Map<string, PeriodCorrections>();
  for (const c of state.corrections.values()) {
    if (c.correctsPeriod === state.periodId) continue;
    const entry = byPeriod.get(c.correctsPeriod) ?? {
      correctsPeriod: c.correctsPeriod,
      amount: '0',
      fromGrants: '0',
      fromBalance: '0',
      items: [],
    };
    byPeriod.set(c.correctsPeriod, {
      correctsPeriod: c.correctsPeriod,
      amount: new Big(entry.amount).plus(c.amount).toFixed(),
      fromGrants: new Big(entry.fromGrants).plus(new Big(c.amount).minus(c.fromBalance)).toFixed(),
      fromBalance: new Big(entry.fromBalance).plus(c.fromBalance).toFixed(),
      items: [...entry.items, { ...c }],
    });
  }
  return [...byPeriod.values()].sort((a, b) => a.correctsPeriod.localeCompare(b.correctsPeriod));
}

/** Shared by the totals a charge starts (big.js never changes a value in place: `plus` makes a new one). */
const ZERO = new Big(0);

/** A charge: grants it drew on, the balance, the period's totals, and the record id that makes it once. */
function consumed(
  state: LedgerState,
  d: LedgerEventOf<'ResourceConsumed'>['data'],
  /**
   * Objects a fold or the command path's cached state created and may change in place (foldLedger,
   * evolveOwnedLedger); absent: copy, as evolveLedger does.
   */
  owned?: WeakSet<object>,
  /** false: the per-hour charges and the usage record ids are left as they are (foldLedgerToClose). */
  commandPathState = true,
): LedgerState {
  // Each amount is parsed once and the grants' share computed once: the balance, the funding queues and the
  // service, SKU and project totals all take them (issue 18: a charge made ≈ 25 big.js operations).
  const amount = new Big(d.amount);
  const fromBalance = new Big(d.fromBalance);
  const fromGrants = amount.minus(fromBalance);
  const quantity = new Big(d.quantity);
  const parts = partAmounts(d.fromBalanceBy, fromBalance, d.fromBalance);
  const grants = grantsDrawn(state.grants, d.fromGrants);
  let grantsUsed = state.grantsUsed;
  for (const part of d.fromGrants) grantsUsed = grantsUsed.plus(part.amount);
  const service = state.byService.get(d.service);
  const key = skuKey(d.service, d.sku);
  const sku = state.bySku.get(key);
  let hourlyCharges = state.hourlyCharges;
  if (commandPathState && d.billingHour !== undefined && d.ratedAmount !== undefined) {
    const key = hourlyChargeKey(d.sku, d.billingHour);
    const hour = hourlyCharges.get(key);
    hourlyCharges = hourlyCharges.set(key, {
      rated: (hour?.rated ?? ZERO).plus(d.ratedAmount),
      charged: (hour?.charged ?? ZERO).plus(amount),
    });
  }
  let next: { -readonly [K in keyof LedgerState]: LedgerState[K] };
  if (owned?.has(state)) next = state as typeof next;
  else {
    next = { ...state };
    owned?.add(next);
  }
  if (d.commitmentId !== undefined)
    next.committedSpend = withEntry(
      state.committedSpend ?? new Map(),
      d.commitmentId,
      (state.committedSpend?.get(d.commitmentId) ?? ZERO).plus(amount),
      owned,
    );
  next.grants = grants;
  next.grantsUsed = grantsUsed;
  next.hourlyCharges = hourlyCharges;
  next.balance = state.balance.minus(fromBalance);
  next.funding = fundingLeft(state.funding, fromBalance);
  next.unspentDeposits = drawUnspent(state.unspentDeposits, fromBalance);
  next.consumption = state.consumption.plus(amount);
  if (commandPathState) next.usageRecords = state.usageRecords.add(d.usageRecordId);
  next.skuQuantities = withEntry(
    state.skuQuantities,
    d.sku,
    (state.skuQuantities.get(d.sku) ?? ZERO).plus(quantity),
    owned,
  );
  if (service && owned?.has(service)) addCharge(service, amount, fromGrants, fromBalance, parts);
  else
    next.byService = withEntry(
      state.byService,
      d.service,
      ownedBy(owned, {
        service: d.service,
        ...chargedParsed(service, d.category, amount, fromGrants, fromBalance, parts),
      }),
      owned,
    );
  if (sku && owned?.has(sku)) {
    addCharge(sku, amount, fromGrants, fromBalance, parts);
    (sku as Mutable<SkuAccumulator>).quantity = sku.quantity.plus(quantity);
  } else
    next.bySku = withEntry(
      state.bySku,
      key,
      ownedBy(owned, {
        service: d.service,
        sku: d.sku,
        unit: sku?.unit ?? d.unit,
        quantity: (sku?.quantity ?? ZERO).plus(quantity),
        ...chargedParsed(sku, d.category, amount, fromGrants, fromBalance, parts),
      }),
      owned,
    );
  next.byProject = chargedToProject(state.byProject, d, amount, fromGrants, fromBalance, owned);
  return next;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * A service's or SKU's totals that the fold under way made (`owned`: nobody else sees them) take one more
 * charge in place, their per-source map with them: a cold period load made two objects and a map per charge
 * for each (issue 18's close).
 */
function addCharge(
  totals: ServiceAccumulator,
  amount: Big,
  fromGrants: Big,
  fromBalance: Big,
  parts: ReadonlyArray<readonly [FundingSource, Big]>,
): void {
  const into = totals as Mutable<ServiceAccumulator>;
  into.consumption = totals.consumption.plus(amount);
  into.fromGrants = totals.fromGrants.plus(fromGrants);
  into.fromBalance = totals.fromBalance.plus(fromBalance);
  const bySource = totals.fromBalanceBy as Map<FundingSource, Big>;
  for (const [source, part] of parts) bySource.set(source, (bySource.get(source) ?? ZERO).plus(part));
}

/** A service's or SKU's new totals joined to `owned` (when folding); chargedParsed made their per-source map. */
function ownedBy<A extends ServiceAccumulator>(owned: WeakSet<object> | undefined, totals: A): A {
  owned?.add(totals);
  return totals;
}

/**
 * The grants after a charge drew `parts` on them: what each has left (a grant no longer held is not drawn).
 * The charge's evolution, the account summary's carried-only fold and the decision's consequences share it.
 */
export function grantsDrawn(
  grants: LedgerState['grants'],
  parts: ReadonlyArray<{ readonly grantId: string; readonly amount: string }>,
): LedgerState['grants'] {
  if (parts.length === 0) return grants;
  const drawn = new Map(grants);
  for (const part of parts) {
    const grant = drawn.get(part.grantId);
    if (grant)
      drawn.set(part.grantId, { ...grant, remaining: new Big(grant.remaining).minus(part.amount).toFixed() });
  }
  return drawn;
}

/** A charge's parts by source, parsed once (none recorded: all of it `unattributed`, as before sources). */
function partAmounts(
  parts: readonly FundingPart[] | undefined,
  fromBalance: Big,
  fromBalanceText: string,
): ReadonlyArray<readonly [FundingSource, Big]> {
  if (!parts) return [['unattributed', fromBalance]];
  // Most charges draw on one source: all of fromBalance, parsed already (a value is never changed in place).
  if (parts.length === 1 && parts[0]!.amount === fromBalanceText) return [[parts[0]!.source, fromBalance]];
  return parts.map((part) => [part.source, new Big(part.amount)] as const);
}

/** The project's SKU totals with one more charge (absent project: `default`). */
function chargedToProject(
  byProject: ReadonlyMap<string, ProjectAccumulator>,
  d: LedgerEventOf<'ResourceConsumed'>['data'],
  amount: Big,
  fromGrants: Big,
  fromBalance: Big,
  owned?: WeakSet<object>,
): ReadonlyMap<string, ProjectAccumulator> {
  const project = projectOf(d);
  const key = projectKey(project, d.service, d.sku);
  const before = byProject.get(key);
  if (before && owned?.has(before)) {
    const into = before as Mutable<ProjectAccumulator>;
    into.consumption = before.consumption.plus(amount);
    into.fromGrants = before.fromGrants.plus(fromGrants);
    into.fromBalance = before.fromBalance.plus(fromBalance);
    return byProject;
  }
  const totals: ProjectAccumulator = {
    project,
    service: d.service,
    sku: d.sku,
    category: before?.category ?? d.category,
    consumption: (before?.consumption ?? ZERO).plus(amount),
    fromGrants: (before?.fromGrants ?? ZERO).plus(fromGrants),
    fromBalance: (before?.fromBalance ?? ZERO).plus(fromBalance),
  };
  owned?.add(totals);
  return withEntry(byProject, key, totals, owned);
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

/** charged for a usage charge, with its amounts parsed and the grants' share computed once (consumed). */
function chargedParsed(
  before: ServiceAccumulator | undefined,
  category: string,
  amount: Big,
  fromGrants: Big,
  fromBalance: Big,
  parts: ReadonlyArray<readonly [FundingSource, Big]>,
): Omit<ServiceAccumulator, 'service'> {
  const fromBalanceBy = new Map(before?.fromBalanceBy);
  for (const [source, part] of parts)
    fromBalanceBy.set(source, (fromBalanceBy.get(source) ?? ZERO).plus(part));
  return {
    category: before?.category ?? category,
    consumption: (before?.consumption ?? ZERO).plus(amount),
    fromGrants: (before?.fromGrants ?? ZERO).plus(fromGrants),
    fromBalance: (before?.fromBalance ?? ZERO).plus(fromBalance),
    fromBalanceBy,
  };
}

/**
 * A copy of `map` with `key` set: the maps copied this way are small (grants, bills, SKUs, services). A map
 * in `owned` (created by the fold under way, seen by nobody else) is set in place instead, and a copy made
 * for a fold joins `owned`.
 */
function withEntry<V>(
  map: ReadonlyMap<string, V>,
  key: string,
  value: V,
  owned?: WeakSet<object>,
): ReadonlyMap<string, V> {
  if (owned?.has(map)) return (map as Map<string, V>).set(key, value);
  const copy = new Map(map);
  copy.set(key, value);
  owned?.add(copy);
  return copy;
}

function withoutEntry<V>(map: ReadonlyMap<string, V>, key: string): ReadonlyMap<string, V> {
  if (!map.has(key)) return map;
  const copy = new Map(map);
  copy.delete(key);
  return copy;
}

/**
 * What a period carries into the next one. `keepUsedUpGrants`: keep grants with nothing left too (in their
 * order), so a PeriodOpened of this state restores the very same state (the account summary's snapshot).
 */
export function carriedState(state: LedgerState, options: { keepUsedUpGrants?: boolean } = {}): CarriedState {
  const grants = [...state.grants.values()];
  return {
    balance: state.balance.toFixed(),
    creditLimit: state.creditLimit.toFixed(),
    grants: (options.keepUsedUpGrants ? grants : grants.filter((g) => new Big(g.remaining).gt('0'))).map(
      (g) => ({ ...g }),
    ),
    status: state.status,
    statusSince: state.statusSince,
    everPaid: state.everPaid,
    openBills: [...state.openBills.values()].map((b) => ({ ...b })),
    ...carriedTopUpBills(state),
    funding: fundingParts(state.funding),
    ...(state.freeze ? { freeze: { ...state.freeze } } : {}),
    ...(state.suspension
      ? { suspension: { ...state.suspension, noticesSent: [...state.suspension.noticesSent] } }
      : {}),
    ...(state.autoTopUp ? { autoTopUp: carriedAutoTopUp(state.autoTopUp, state.payments) } : {}),
    deposits: unspentDeposits(state.unspentDeposits),
    ...carriedRefunds(state),
  };
}

/** Refunds with a part unanswered go on in the next period; the others are remembered by id only. */
function carriedRefunds(state: LedgerState): Pick<CarriedState, 'refunds'> {
  const records = [...state.refunds.values()];
  const inFlight = records.filter((r) => r.parts.some((p) => p.outcome === 'pending')).map(copyRefund);
  const settledIds = [
    ...state.settledRefundIds,
    ...records.filter((r) => r.parts.every((p) => p.outcome !== 'pending')).map((r) => r.refundId),
  ];
  return inFlight.length + settledIds.length > 0 ? { refunds: { inFlight, settledIds } } : {};
}

/** Unpaid top-up bills, and the ones issued this period (so a request resent next month is still known). */
function carriedTopUpBills(state: LedgerState): Pick<CarriedState, 'topUpBills'> {
  const carried = [...state.topUpBills.values()].filter(
    (bill) => new Big(bill.paid).lt(bill.amount) || bill.issuedOn.startsWith(state.periodId),
  );
  return carried.length > 0 ? { topUpBills: carried.map((bill) => ({ ...bill })) } : {};
}

export function serviceTotals(state: LedgerState): ServiceTotals[] {
  return [...state.byService.values()]
    .sort((a, b) => a.service.localeCompare(b.service))
    .map((s) => ({
      service: s.service,
      category: s.category,
      consumption: s.consumption.toFixed(),
      fromGrants: s.fromGrants.toFixed(),
      fromBalance: s.fromBalance.toFixed(),
      fromBalanceBy: nonZeroParts(s.fromBalanceBy),
    }));
}

/** Per service and SKU, in service then SKU order (PeriodClosed.bySku). */
export function skuTotals(state: LedgerState): SkuTotals[] {
  return [...state.bySku.values()]
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
      fromBalanceBy: nonZeroParts(s.fromBalanceBy),
    }));
}

/**
 * Per project, service and SKU, in that order (PeriodClosed.byProject); undefined when every charge was in
 * project `default` — the period needs no breakdown then, and closes exactly as before issue 15.
 */
export function projectTotals(state: LedgerState): ProjectTotals[] | undefined {
  const entries = [...state.byProject.values()];
  if (entries.every((p) => p.project === DEFAULT_PROJECT)) return undefined;
  return entries
    .sort(
      (a, b) =>
        a.project.localeCompare(b.project) ||
        a.service.localeCompare(b.service) ||
        a.sku.localeCompare(b.sku),
    )
    .map((p) => ({
      project: p.project,
      service: p.service,
      sku: p.sku,
      category: p.category,
      consumption: p.consumption.toFixed(),
      fromGrants: p.fromGrants.toFixed(),
      fromBalance: p.fromBalance.toFixed(),
    }));
}

/** `byProject` only when some charge named a project other than `default` (issue 15). */
export const withProjects = (byProject: ProjectTotals[] | undefined): { byProject?: ProjectTotals[] } =>
  byProject ? { byProject } : {};

function nonZeroParts(parts: ReadonlyMap<FundingSource, Big>): FundingPart[] {
  return [...parts]
    .filter(([, amount]) => !amount.eq('0'))
    .map(([source, amount]) => ({ source, amount: amount.toFixed() }));
}

/** Balance plus credit limit: what consumption may still spend from the personal account. */
export const availableFunds = (state: LedgerState): Big => state.balance.plus(state.creditLimit);

/** Amount of open bills not yet paid. */
export function outstandingBills(state: LedgerState): Big {
  let total = new Big(0);
  for (const bill of state.openBills.values()) total = total.plus(new Big(bill.amount).minus(bill.paid));
  return total;
}
