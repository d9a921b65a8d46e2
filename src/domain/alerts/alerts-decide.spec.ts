import Big from 'big.js';
import { DeciderSpecification } from '../../../test/support/decider-specification.js';
import type { AlertEvent, RaisedAlert } from './alert-events.js';
import { decideAlerts, type AlertCommand } from './alerts-decide.js';
import { evolveAlerts, initialAlertsState, type AlertsState } from './alerts-state.js';
import { detectAlerts, type LedgerObservation } from './alert-detection.js';

const spec = DeciderSpecification.for<AlertCommand, AlertEvent, AlertsState>({
  decide: decideAlerts,
  evolve: evolveAlerts,
  initialState: initialAlertsState,
});

const AT = '2026-03-10T09:00:00.000Z';
const budgetSet = (
  thresholds = [50, 80, 100],
  scope: 'account' | `project:${string}` = 'account',
): AlertEvent => ({
  type: 'BudgetSet',
  data: {
    budgetId: 'b1',
    scope,
    amount: '1000',
    currency: 'RUB',
    thresholds,
    channels: ['webhook', 'email'],
    at: AT,
  },
});
const setBudget = (over: Partial<Extract<AlertCommand, { type: 'SetBudget' }>> = {}): AlertCommand => ({
  type: 'SetBudget',
  accountId: 'acc',
  budgetId: 'b1',
  scope: 'account',
  amount: '1000',
  currency: 'RUB',
  at: AT,
  ...over,
});

const observation = (over: Partial<LedgerObservation> = {}): LedgerObservation => ({
  accountId: 'acc',
  periodId: '2026-03',
  currency: 'RUB',
  spendByProject: new Map(),
  balance: new Big(0),
  creditLimit: new Big(0),
  sourceEventId: 'ev-1',
  sourcePosition: '10',
  at: AT,
  ...over,
});

/** What the reactor does: detect, then decide each command in turn (as the bus would), folding the events. */
function react(events: AlertEvent[], o: LedgerObservation): { raised: RaisedAlert[]; events: AlertEvent[] } {
  let state = events.reduce(evolveAlerts, initialAlertsState());
  const stored: AlertEvent[] = [];
  for (const command of detectAlerts(o, state)) {
    const decision = decideAlerts(command, state);
    if (!decision.ok) continue;
    for (const event of decision.events) {
      state = evolveAlerts(state, event);
      stored.push(event);
    }
  }
  return {
    raised: stored.filter((e) => e.type === 'AlertRaised').map((e) => e.data as RaisedAlert),
    events: [...events, ...stored],
  };
}

describe('SetBudget', () => {
  it('sets a budget with the default thresholds 50/80/100 and both channels', () =>
    spec
      .given()
      .when(setBudget())
      .then({
        type: 'BudgetSet',
        data: {
          budgetId: 'b1',
          scope: 'account',
          amount: '1000',
          currency: 'RUB',
          thresholds: [50, 80, 100],
          channels: ['webhook', 'email'],
          at: AT,
        },
      }));

  it('the same budget again stores nothing; other terms under the same id → BUDGET_EXISTS', () => {
    spec
      .given(budgetSet())
      .when(setBudget({ amount: '1000.00' }))
      .thenNothing();
    spec
      .given(budgetSet())
      .when(setBudget({ amount: '2000' }))
      .rejects('BUDGET_EXISTS', 'budgetId');
  });

  it('an ended budget id is not reused', () =>
    spec
      .given([budgetSet(), { type: 'BudgetEnded', data: { budgetId: 'b1', at: AT } }])
      .when(setBudget())
      .rejects('BUDGET_ENDED', 'budgetId'));

  it.each([
    [{ scope: 'folder:x' }, 'scope'],
    [{ amount: '0' }, 'amount'],
    [{ amount: '-5' }, 'amount'],
    [{ thresholds: [] }, 'thresholds'],
    [{ thresholds: [50, 50] }, 'thresholds'],
    [{ thresholds: [0.5] }, 'thresholds'],
    [{ channels: [] }, 'channels'],
    [{ channels: ['sms' as 'email'] }, 'channels'],
  ])('BUDGET_INVALID for %o naming %s', (over, field) =>
    spec.given().when(setBudget(over)).rejects('BUDGET_INVALID', field),
  );
});

describe('EndBudget', () => {
  it('ends an active budget once; again is nothing; an unknown one → BUDGET_NOT_FOUND', () => {
    spec
      .given(budgetSet())
      .when({ type: 'EndBudget', budgetId: 'b1', at: AT })
      .then({ type: 'BudgetEnded', data: { budgetId: 'b1', at: AT } });
    spec
      .given([budgetSet(), { type: 'BudgetEnded', data: { budgetId: 'b1', at: AT } }])
      .when({ type: 'EndBudget', budgetId: 'b1', at: AT })
      .thenNothing();
    spec.given().when({ type: 'EndBudget', budgetId: 'b1', at: AT }).rejects('BUDGET_NOT_FOUND', 'budgetId');
  });
});

describe('budget alerts', () => {
  it('spend crossing 50 % raises one alert with a deterministic id and the budget channels', () => {
    const { raised } = react(
      [budgetSet()],
      observation({ spendByProject: new Map([['default', new Big('500')]]) }),
    );
    expect(raised).toEqual([
      expect.objectContaining({
        alertId: 'acc/budget/b1/50/2026-03',
        kind: 'budget',
        threshold: 50,
        value: '500',
        limit: '1000',
        periodId: '2026-03',
        channels: ['webhook', 'email'],
      }),
    ]);
  });

  it('crossing 50 and 80 at once raises both; no second alert in the same period', () => {
    const first = react(
      [budgetSet()],
      observation({ spendByProject: new Map([['default', new Big('850')]]) }),
    );
    expect(first.raised.map((a) => a.threshold)).toEqual([50, 80]);
    const again = react(
      first.events,
      observation({ spendByProject: new Map([['default', new Big('900')]]), sourcePosition: '11' }),
    );
    expect(again.raised).toEqual([]);
  });

  it('the decider refuses the same alert twice (a replay)', () => {
    const first = react(
      [budgetSet()],
      observation({ spendByProject: new Map([['default', new Big('500')]]) }),
    );
    spec
      .given(first.events)
      .when({
        type: 'RaiseAlert',
        accountId: 'acc',
        kind: 'budget',
        budgetId: 'b1',
        threshold: 50,
        value: '500',
        limit: '1000',
        currency: 'RUB',
        periodId: '2026-03',
        sourceEventId: 'ev-1',
        sourcePosition: '10',
        at: AT,
      })
      .rejects('ALERT_ALREADY_RAISED', 'alertId');
  });

  it('a new period re-arms the budget', () => {
    const march = react(
      [budgetSet()],
      observation({ spendByProject: new Map([['default', new Big('500')]]) }),
    );
    const april = react(
      march.events,
      observation({
        periodId: '2026-04',
        spendByProject: new Map([['default', new Big('600')]]),
        sourcePosition: '20',
      }),
    );
    expect(april.raised.map((a) => a.alertId)).toEqual(['acc/budget/b1/50/2026-04']);
  });

  it('a project budget counts only its project (records without a project count as "default")', () => {
    const spend = new Map([
      ['default', new Big('900')],
      ['web', new Big('100')],
    ]);
    expect(react([budgetSet([50], 'project:web')], observation({ spendByProject: spend })).raised).toEqual(
      [],
    );
    expect(
      react([budgetSet([50], 'project:default')], observation({ spendByProject: spend })).raised,
    ).toHaveLength(1);
    expect(react([budgetSet([100], 'account')], observation({ spendByProject: spend })).raised).toHaveLength(
      1,
    );
  });

  it('an ended budget alerts no more', () => {
    const events: AlertEvent[] = [budgetSet(), { type: 'BudgetEnded', data: { budgetId: 'b1', at: AT } }];
    expect(
      react(events, observation({ spendByProject: new Map([['default', new Big('999')]]) })).raised,
    ).toEqual([]);
  });
});

describe('low-balance alerts', () => {
  const warning: AlertEvent = {
    type: 'AlertSettingsSet',
    data: { lowBalanceThreshold: '100', creditLimitAlerts: false, at: AT },
  };

  it('falling below the warning level alerts once; staying below does not alert again', () => {
    const first = react([warning], observation({ balance: new Big('99.99') }));
    expect(first.raised).toEqual([
      expect.objectContaining({
        alertId: 'acc/low-balance/ev-1',
        kind: 'low-balance',
        value: '99.99',
        limit: '100',
      }),
    ]);
    const still = react(
      first.events,
      observation({ balance: new Big('50'), sourceEventId: 'ev-2', sourcePosition: '11' }),
    );
    expect(still.raised).toEqual([]);
  });

  it('re-arms after a top-up above the level, and alerts at the next crossing', () => {
    const first = react([warning], observation({ balance: new Big('80') }));
    const toppedUp = react(
      first.events,
      observation({ balance: new Big('500'), sourceEventId: 'ev-2', sourcePosition: '11' }),
    );
    expect(toppedUp.events.at(-1)).toEqual({
      type: 'AlertRearmed',
      data: { key: 'low-balance', sourcePosition: '11', at: AT },
    });
    const again = react(
      toppedUp.events,
      observation({ balance: new Big('20'), sourceEventId: 'ev-3', sourcePosition: '12' }),
    );
    expect(again.raised.map((a) => a.alertId)).toEqual(['acc/low-balance/ev-3']);
  });

  it('a replayed older crossing is stale: nothing is raised', () => {
    const first = react([warning], observation({ balance: new Big('80') }));
    const toppedUp = react(
      first.events,
      observation({ balance: new Big('500'), sourceEventId: 'ev-2', sourcePosition: '11' }),
    );
    spec
      .given(toppedUp.events)
      .when({
        type: 'RaiseAlert',
        accountId: 'acc',
        kind: 'low-balance',
        value: '80',
        limit: '100',
        currency: 'RUB',
        periodId: '2026-03',
        sourceEventId: 'ev-0',
        sourcePosition: '9',
        at: AT,
      })
      .rejects('ALERT_STALE');
    spec
      .given(toppedUp.events)
      .when({ type: 'RearmAlert', key: 'low-balance', sourcePosition: '11', at: AT })
      .thenNothing();
  });

  it('no warning level (or "0"): no low-balance alert', () => {
    expect(react([], observation({ balance: new Big('-5') })).raised).toEqual([]);
    spec
      .given(warning)
      .when({ type: 'SetAlertSettings', lowBalanceThreshold: '0', creditLimitAlerts: false, at: AT })
      .then({
        type: 'AlertSettingsSet',
        data: { lowBalanceThreshold: '0', creditLimitAlerts: false, at: AT },
      });
    spec
      .given(warning)
      .when({ type: 'SetAlertSettings', lowBalanceThreshold: '100.00', creditLimitAlerts: false, at: AT })
      .thenNothing();
    spec
      .given(warning)
      .when({ type: 'SetAlertSettings', lowBalanceThreshold: '-1', creditLimitAlerts: false, at: AT })
      .rejects('ALERT_SETTINGS_INVALID', 'lowBalanceThreshold');
  });
});

describe('credit-limit alerts', () => {
  const limit = new Big('1000');
  const on: AlertEvent = {
    type: 'AlertSettingsSet',
    data: { lowBalanceThreshold: '0', creditLimitAlerts: true, at: AT },
  };

  it('50, 80 and 100 % of the credit limit used each alert once, in order', () => {
    let events: AlertEvent[] = [on];
    const seen: Array<number | undefined> = [];
    for (const [i, balance] of ['-400', '-500', '-790', '-800', '-999', '-1000', '-1200'].entries()) {
      const step = react(
        events,
        observation({
          balance: new Big(balance),
          creditLimit: limit,
          sourceEventId: `ev-${i}`,
          sourcePosition: String(10 + i),
        }),
      );
      events = step.events;
      seen.push(...step.raised.map((a) => a.threshold));
    }
    expect(seen).toEqual([50, 80, 100]);
  });

  it('paying back below a threshold re-arms it (and only the ones left)', () => {
    const used = react([on], observation({ balance: new Big('-850'), creditLimit: limit }));
    expect(used.raised.map((a) => [a.threshold, a.value, a.limit])).toEqual([
      [50, '850', '1000'],
      [80, '850', '1000'],
    ]);
    const paid = react(
      used.events,
      observation({
        balance: new Big('-600'),
        creditLimit: limit,
        sourceEventId: 'ev-2',
        sourcePosition: '11',
      }),
    );
    expect(
      paid.events.filter((e) => e.type === 'AlertRearmed').map((e) => (e.data as { key: string }).key),
    ).toEqual(['credit-limit:80']);
    const again = react(
      paid.events,
      observation({
        balance: new Big('-820'),
        creditLimit: limit,
        sourceEventId: 'ev-3',
        sourcePosition: '12',
      }),
    );
    expect(again.raised.map((a) => a.alertId)).toEqual(['acc/credit-limit/80/ev-3']);
  });

  it('no credit limit, or credit-limit alerts not asked for: no credit-limit alert', () => {
    expect(react([on], observation({ balance: new Big('-850') })).raised).toEqual([]);
    expect(react([], observation({ balance: new Big('-850'), creditLimit: limit })).raised).toEqual([]);
  });
});
