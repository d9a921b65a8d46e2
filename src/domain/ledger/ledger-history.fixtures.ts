/**
 * Shared pieces of the ledger's property tests over random histories (corrections, refunds, money
 * conservation, the fold, the carried-only charge, the light load): three consecutive periods, amount and
 * quantity generators, a period's opening event, and a random period history.
 */
import fc from 'fast-check';
import Big from 'big.js';
import { BUILT_IN_PROFILES } from '../policies/profiles.js';
import { decideLedger } from './ledger-decide.js';
import type { CarriedState, LedgerEvent } from './ledger-events.js';
import { evolveLedger, initialLedgerState } from './ledger-state.js';
import { consume, contextFor, deposited, grantIssued, MARCH, periodOpened } from './ledger.fixtures.js';

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

/**
 * A random March history of one of the built-in profiles, decided command by command as the engine would
 * (a rejected command stores nothing): consumptions of three SKUs (with a project when `projects`), deposits
 * and grants. `commands`: each accepted command's events; `events`: all of them in order.
 */
export const periodHistory = ({
  projects = false,
  minSteps = 1,
  maxSteps = 40,
}: { projects?: boolean; minSteps?: number; maxSteps?: number } = {}) =>
  fc
    .tuple(
      fc.constantFrom(...BUILT_IN_PROFILES.map((p) => p.id)),
      fc.integer({ min: 0, max: 2000 }),
      fc.constantFrom('0', '1000'),
      fc.array(historyStep(projects), { minLength: minSteps, maxLength: maxSteps }),
    )
    .map(([profileId, balance, creditLimit, steps]) => {
      const context = contextFor(profileId);
      const commands: LedgerEvent[][] = [
        [periodOpened({ balance: String(balance), creditLimit }, profileId)],
      ];
      let state = commands[0]!.reduce(evolveLedger, initialLedgerState());
      steps.forEach((s, i) => {
        const decision =
          s.kind === 'deposit'
            ? { ok: true as const, events: [deposited(s.amount, `pay-${i}`)] }
            : s.kind === 'grant'
              ? { ok: true as const, events: [grantIssued(`g-${i}`, s.amount)] }
              : decideLedger(
                  {
                    ...consume(`u-${i}`, s.sku, `${s.quantity}e-3`),
                    ...(s.project ? { project: s.project } : {}),
                  },
                  state,
                  context,
                );
        if (!decision.ok || decision.events.length === 0) return;
        commands.push(decision.events);
        state = decision.events.reduce(evolveLedger, state);
      });
      return { profileId, commands, events: commands.flat() };
    });

const historyStep = (projects: boolean) =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('consume' as const),
        sku: fc.constantFrom('compute.vcpu', 'storage.ssd', 'gpu.a100'),
        quantity: fc.integer({ min: 1, max: 400_000 }),
        project: projects
          ? fc.option(fc.constantFrom('web', 'ml'), { nil: undefined })
          : fc.constant(undefined),
      }),
    },
    // Amounts as decimal text from the start (1.00–3 000.00 and 1.00–500.00), kopecks included.
    fc.record({ kind: fc.constant('deposit' as const), amount: kopecks(100, 300_000) }),
    fc.record({ kind: fc.constant('grant' as const), amount: kopecks(100, 50_000) }),
  );
