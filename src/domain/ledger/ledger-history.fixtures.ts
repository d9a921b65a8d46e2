/**
 * Shared pieces of the ledger's property tests over random histories (corrections, refunds, money
 * conservation): three consecutive periods, amount and quantity generators, and a period's opening event.
 */
import fc from 'fast-check';
import Big from 'big.js';
import type { CarriedState, LedgerEvent } from './ledger-events.js';
import { MARCH } from './ledger.fixtures.js';

/** March to May 2026 in Moscow, each with an instant inside it at which its commands are sent. */
export const PERIODS = [
  { ...MARCH, at: '2026-03-10T09:00:00.000Z' },
  {
    periodId: '2026-04',
    startsAt: MARCH.endsAt,
    endsAt: '2026-04-30T21:00:00.000Z',
    lastDay: '2026-04-30',
    at: '2026-04-05T09:00:00.000Z',
  },
  {
    periodId: '2026-05',
    startsAt: '2026-04-30T21:00:00.000Z',
    endsAt: '2026-05-31T21:00:00.000Z',
    lastDay: '2026-05-31',
    at: '2026-05-03T09:00:00.000Z',
  },
] as const;

export type HistoryPeriod = (typeof PERIODS)[number];

/** An amount in kopecks, 0.00 to 5 000.99. */
export const money = fc
  .tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 99 }))
  .map(([units, cents]) => new Big(units).plus(new Big(cents).div(100)).toFixed());

/** An amount of `min`..`max` kopecks, as a decimal string. */
export const kopecks = (min: number, max: number) =>
  fc.integer({ min, max }).map((k) => new Big(k).div(100).toFixed());

/** A usage quantity with up to six decimals, 0 to 2 000.999999. */
export const quantity = fc
  .tuple(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 999_999 }))
  .map(([units, micro]) => new Big(units).plus(new Big(micro).div(1_000_000)).toFixed());

/** The PeriodOpened of one of the PERIODS for the test account, with what the previous one carried. */
export const openedPeriod = (
  period: HistoryPeriod,
  profileId: string,
  carried: CarriedState,
): LedgerEvent => ({
  type: 'PeriodOpened',
  data: {
    accountId: 'acc-1',
    periodId: period.periodId,
    startsAt: period.startsAt,
    endsAt: period.endsAt,
    lastDay: period.lastDay,
    currency: 'RUB',
    profileId,
    profileVersion: 1,
    carried,
  },
});
