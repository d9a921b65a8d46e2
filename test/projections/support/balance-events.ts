import Big from 'big.js';
import type { EventStore, NewEvent } from '../../../src/platform/event-store/event-store.port.js';
import { accountStream, ledgerStream } from '../../../src/platform/event-store/stream-names.js';

/** A small deterministic PRNG, so every run writes the same log. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every event type account-balances writes for, plus one it ignores. */
export const BALANCE_EVENT_TYPES = [
  'AccountOpened',
  'ContractChanged',
  'PeriodOpened',
  'FundsDeposited',
  'PenaltyAccrued',
  'CommitmentShortfallCharged',
  'RefundRequested',
  'RefundFailed',
  'ResourceConsumed',
  'ChargeCorrected',
  'CreditLimitSet',
  'GrantIssued',
  'GrantExpired',
  'BillIssued',
  'BillPaymentApplied',
] as const;

export interface BalanceLogOptions {
  accounts: number;
  eventsPerAccount: number;
  seed?: number;
}

/**
 * A synthetic log for the account-balances projection alone — not a log the engine would decide, but one
 * that exercises every branch: every event type it handles, in varied order and mixed across accounts
 * (so a batch touches many accounts and one account many times), grants drawn and given back, used after
 * they expired and drawn although unknown to nobody (only known ids are drawn), bills issued, part-paid,
 * paid and carried, decimal strings with trailing zeros, negative balances, an account opened twice and
 * a ledger whose account was never opened (its rows exist without an account row). Returns the number of
 * events of each type written.
 */
export async function writeBalanceLog(
  store: EventStore,
  { accounts, eventsPerAccount, seed = 7 }: BalanceLogOptions,
): Promise<Record<string, number>> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const money = () => {
    const cents = Math.floor(random() * 40000) - 10000;
    const text = new Big(cents).div(100).toFixed(2);
    return random() < 0.3 ? text.replace(/0$/, '') : text;
  };
  const positive = () => {
    const hundredths = 100 + Math.floor(random() * 9000);
    return new Big(hundredths).div(100).toFixed(random() < 0.5 ? 2 : 1);
  };
  const counts: Record<string, number> = {};
  let serial = 0;
  let day = 0;
  const append = async (streamId: string, type: string, data: unknown) => {
    counts[type] = (counts[type] ?? 0) + 1;
    serial++;
    const at = new Date(Date.UTC(2026, 0, 1) + Math.floor(day++ / 20) * 3_600_000).toISOString();
    const event: NewEvent = {
      id: `00000000-0000-4000-8000-${String(serial).padStart(12, '0')}`,
      type,
      data,
      metadata: { recordedAt: at, ...(random() < 0.5 ? { effectiveAt: at } : {}) },
    };
    await store.append(streamId, [event], 'any');
  };

  interface State {
    id: string;
    period: number;
    grants: Map<
      string,
      {
        remaining: string;
        expired: boolean;
        kind: string;
        amount: string;
        issuedAt: string;
        expiresAt: string;
      }
    >;
    bills: Map<
      string,
      { amount: string; paid: string; kind: 'period' | 'mid-period'; issuedOn: string; dueDate: string }
    >;
  }
  const states: State[] = Array.from({ length: accounts }, (_, i) => ({
    id: `bal-${String(i).padStart(3, '0')}`,
    period: 0,
    grants: new Map(),
    bills: new Map(),
  }));
  const ledger = (s: State) => ledgerStream(s.id, `2026-${String(s.period + 1).padStart(2, '0')}`);
  const snapshot = (s: State) => ({
    balance: money(),
    creditLimit: pick(['0', '100', '250.50']),
    grants: [...s.grants.entries()]
      .filter(() => random() < 0.7)
      .map(([grantId, g]) => ({
        grantId,
        kind: g.kind,
        amount: g.amount,
        remaining: random() < 0.5 ? g.remaining : positive(),
        issuedAt: g.issuedAt,
        expiresAt: g.expiresAt,
        categories: 'all',
        excludedCategories: [],
        priority: 1,
      })),
    openBills: [
      ...[...s.bills.entries()]
        .filter(() => random() < 0.6)
        .map(([billId, b]) => ({ billId, ...b, paid: random() < 0.5 ? b.paid : '0' })),
      ...(random() < 0.3
        ? [
            {
              billId: `carried-${s.id}-${s.period}`,
              kind: 'period' as const,
              amount: positive(),
              paid: '0',
              issuedOn: '2026-01-31',
              dueDate: '2026-02-10',
            },
          ]
        : []),
    ],
  });

  for (const s of states) {
    await append(accountStream(s.id), 'AccountOpened', {
      accountId: s.id,
      currency: s.id.endsWith('1') ? 'KZT' : 'RUB',
      profileId: 'vk-individual-prepaid',
      payerType: pick(['individual', 'legal-entity']),
    });
  }
  // Opened twice: the first row stays.
  await append(accountStream(states[0]!.id), 'AccountOpened', {
    accountId: states[0]!.id,
    currency: 'USD',
    profileId: 'other',
    payerType: 'individual',
  });
  for (const s of states) {
    const carried = snapshot(s);
    for (const g of carried.grants) s.grants.set(g.grantId, { ...g, expired: false });
    for (const b of carried.openBills) s.bills.set(b.billId, b);
    await append(ledger(s), 'PeriodOpened', { periodId: `2026-${s.period + 1}`, carried });
  }
  // A ledger whose account row this build never sees.
  const orphan: State = { id: 'bal-orphan', period: 0, grants: new Map(), bills: new Map() };

  for (let round = 0; round < eventsPerAccount; round++) {
    for (const s of [...states, ...(round % 10 === 0 ? [orphan] : [])]) {
      if (random() < 0.15) continue;
      const roll = random();
      const grantIds = [...s.grants.keys()];
      const billIds = [...s.bills.keys()];
      if (roll < 0.45) {
        const fromGrants =
          grantIds.length > 0 && random() < 0.4
            ? [...new Set([pick(grantIds), pick(grantIds)])].map((grantId) => ({
                grantId,
                amount: positive(),
              }))
            : [];
        for (const part of fromGrants) {
          const g = s.grants.get(part.grantId)!;
          g.remaining = (Number(g.remaining) - Number(part.amount)).toFixed(2);
        }
        await append(ledger(s), 'ResourceConsumed', {
          usageRecordId: `u-${serial}`,
          amount: positive(),
          fromGrants,
          balanceAfter: money(),
        });
      } else if (roll < 0.52) {
        await append(ledger(s), 'FundsDeposited', { amount: positive(), balanceAfter: money() });
      } else if (roll < 0.56) {
        const type = pick([
          'PenaltyAccrued',
          'CommitmentShortfallCharged',
          'RefundRequested',
          'RefundFailed',
        ]);
        await append(ledger(s), type, { amount: positive(), balanceAfter: money() });
      } else if (roll < 0.61 && grantIds.length > 0) {
        const parts = [...new Set([pick(grantIds), pick(grantIds)])].map((grantId) => ({
          grantId,
          amount: random() < 0.5 ? `-${positive()}` : positive(),
        }));
        const grantsLost = parts
          .filter(() => random() < 0.4)
          .map((p) => ({ grantId: p.grantId, amount: p.amount }));
        await append(ledger(s), 'ChargeCorrected', {
          fromGrants: parts,
          ...(grantsLost.length > 0 ? { grantsLost } : {}),
          balanceAfter: money(),
        });
      } else if (roll < 0.64) {
        await append(ledger(s), 'CreditLimitSet', { creditLimit: positive() });
      } else if (roll < 0.7) {
        const grantId = `g-${s.id}-${serial}`;
        const grant = {
          grantId,
          kind: pick(['promo', 'compensation']),
          amount: positive(),
          issuedAt: '2026-01-05T00:00:00.000Z',
          expiresAt: '2026-03-05T00:00:00.000Z',
        };
        const remaining = grant.amount;
        s.grants.set(grantId, { ...grant, remaining, expired: false });
        await append(ledger(s), 'GrantIssued', {
          ...grant,
          remaining,
          categories: 'all',
          excludedCategories: [],
          priority: 1,
        });
      } else if (roll < 0.74) {
        // Mostly a known grant; now and then one this account never had.
        const grantId = grantIds.length > 0 && random() < 0.85 ? pick(grantIds) : `g-unknown-${serial}`;
        const g = s.grants.get(grantId);
        if (g) g.expired = true;
        await append(ledger(s), 'GrantExpired', { grantId, amount: g?.remaining ?? '0' });
      } else if (roll < 0.8) {
        const bill = {
          billId: `b-${s.id}-${serial}`,
          kind: pick(['period', 'mid-period'] as const),
          amount: positive(),
          paid: random() < 0.2 ? '1.5' : '0',
          issuedOn: '2026-01-31',
          dueDate: '2026-02-10',
        };
        s.bills.set(bill.billId, bill);
        await append(ledger(s), 'BillIssued', bill);
      } else if (roll < 0.87 && billIds.length > 0) {
        const billId = pick(billIds);
        await append(ledger(s), 'BillPaymentApplied', {
          billId,
          amount: positive(),
          fullyPaid: random() < 0.5,
        });
      } else if (roll < 0.9 && s !== orphan) {
        await append(accountStream(s.id), 'ContractChanged', {
          accountId: s.id,
          profileId: pick(['vk-legal-prepaid', 'yc-legal-credit']),
        });
      } else if (roll < 0.93) {
        // A type account-balances ignores.
        await append(ledger(s), 'UsageRecordRejected', { usageRecordId: `r-${serial}` });
      } else if (roll < 0.96) {
        s.period++;
        const carried = snapshot(s);
        for (const g of carried.grants) s.grants.get(g.grantId)!.remaining = g.remaining;
        for (const b of carried.openBills) s.bills.set(b.billId, b);
        await append(ledger(s), 'PeriodOpened', { periodId: `2026-${s.period + 1}`, carried });
      } else {
        await append(ledger(s), 'ResourceConsumed', {
          usageRecordId: `u-${serial}`,
          amount: positive(),
          fromGrants: [],
          balanceAfter: money(),
        });
      }
    }
  }
  return counts;
}
