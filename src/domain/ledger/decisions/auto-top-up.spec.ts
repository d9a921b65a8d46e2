import { carriedState } from '../ledger-state.js';
import type { LedgerEvent } from '../ledger-events.js';
import { IN_MARCH, consume, deposited, ledger, periodOpened } from '../ledger.fixtures.js';

const VK = 'vk-individual-prepaid';
const LATER = '2026-03-10T10:00:00.000Z';

const configure = (
  settings: Partial<{ enabled: boolean; threshold: string; amount: string; currency: string }>,
) => ({
  type: 'ConfigureAutoTopUp' as const,
  enabled: true,
  threshold: '100',
  amount: '500',
  currency: 'RUB',
  at: IN_MARCH,
  ...settings,
});
const configured = (enabled = true, threshold = '100'): LedgerEvent => ({
  type: 'AutoTopUpConfigured',
  data: { enabled, threshold, amount: '500', currency: 'RUB', at: IN_MARCH },
});
const requested = (sequence: number, attempt = 1, balance = '100'): LedgerEvent => ({
  type: 'AutoTopUpRequested',
  data: {
    requestId: `acc-1-atu-${sequence}`,
    amount: '500',
    currency: 'RUB',
    attempt,
    threshold: '100',
    balance,
    at: IN_MARCH,
  },
});
const failed = (sequence: number, attempt = 1, retryAt?: string): LedgerEvent => ({
  type: 'AutoTopUpFailed',
  data: {
    requestId: `acc-1-atu-${sequence}`,
    attempt,
    reason: 'card declined',
    at: IN_MARCH,
    ...(retryAt ? { retryAt } : {}),
  },
});
const charged = expect.objectContaining({ type: 'ResourceConsumed' }) as LedgerEvent;
const withBalance = (balance: string) => periodOpened({ balance, everPaid: true });
const failure = (sequence: number) => ({
  type: 'RecordAutoTopUpFailure' as const,
  requestId: `acc-1-atu-${sequence}`,
  reason: 'card declined',
  at: IN_MARCH,
});
const retry = (sequence: number) => ({
  type: 'RetryAutoTopUp' as const,
  failedRequestId: `acc-1-atu-${sequence}`,
  at: LATER,
});

describe('ConfigureAutoTopUp', () => {
  it('stores the settings; the same settings again store nothing', () => {
    ledger(VK)
      .given([periodOpened()])
      .when(configure({ threshold: '100.00', amount: '500' }))
      .then([configured()]);
    ledger(VK)
      .given([periodOpened(), configured()])
      .when(configure({ threshold: '100.0' }))
      .thenNothing();
  });

  it('disabling is a configuration too', () => {
    ledger(VK)
      .given([periodOpened(), configured()])
      .when(configure({ enabled: false }))
      .then([configured(false)]);
  });

  it.each([
    ['0', '100', undefined],
    ['9999999', '10000', undefined],
    ['9999999.01', '500', 'threshold'],
    ['-1', '500', 'threshold'],
    ['100', '99.99', 'amount'],
    ['100', '10000.01', 'amount'],
  ])('threshold %s, amount %s: the bounds (0–9 999 999, 100–10 000 RUB) → %s', (threshold, amount, field) => {
    const when = ledger(VK).given([periodOpened()]).when(configure({ threshold, amount }));
    if (field === undefined) expect(when.decision.ok).toBe(true);
    else expect(when.decision).toMatchObject({ ok: false, field });
  });

  it('names the code of an out-of-range threshold and amount', () => {
    const account = ledger(VK).given([periodOpened()]);
    account.when(configure({ threshold: '10000000' })).rejects('THRESHOLD_OUT_OF_RANGE', 'threshold');
    account.when(configure({ amount: '50' })).rejects('AMOUNT_OUT_OF_RANGE', 'amount');
  });

  it('refuses an unknown currency and another currency than the account’s, naming currency', () => {
    const account = ledger(VK).given([periodOpened()]);
    account.when(configure({ currency: 'EUR' })).rejects('UNKNOWN_CURRENCY', 'currency');
    account.when(configure({ currency: 'KZT', amount: '1000' })).rejects('WRONG_CURRENCY', 'currency');
  });

  it.each(['vk-legal-postpaid', 'yc-legal-prepaid'])('is not offered on %s', (profileId) => {
    ledger(profileId)
      .given([periodOpened({}, profileId)])
      .when(configure({}))
      .rejects('AUTO_TOP_UP_NOT_AVAILABLE', 'enabled');
  });
});

describe('the charge that crosses the threshold asks for an auto top-up in the same append', () => {
  it('from above the threshold to exactly the threshold: one request', () => {
    ledger(VK)
      .given([withBalance('1000'), configured()])
      .when(consume('u1', 'compute.vcpu', '900'))
      .then([charged, requested(1)]);
  });

  it('a charge that stays above the threshold asks nothing', () => {
    ledger(VK)
      .given([withBalance('1000'), configured()])
      .when(consume('u1', 'compute.vcpu', '899.99'))
      .then([charged]);
  });

  it('not again while the balance stays at or below the threshold (pending, refused or never above)', () => {
    const history = [withBalance('1000'), configured()];
    const crossing = ledger(VK)
      .given(history)
      .when(consume('u1', 'compute.vcpu', '900'));
    const afterCrossing = [...history, ...(crossing.decision.ok ? crossing.decision.events : [])];
    ledger(VK)
      .given(afterCrossing)
      .when(consume('u2', 'compute.vcpu', '50'))
      .then([charged]);
    ledger(VK)
      .given([...afterCrossing, failed(1, 1, LATER)])
      .when(consume('u2', 'compute.vcpu', '50'))
      .then([charged]);
    // Configured while already below the threshold: the balance must rise above it first.
    ledger(VK)
      .given([withBalance('50'), configured()])
      .when(consume('u1', 'compute.vcpu', '10'))
      .then([charged]);
  });

  it('again once the balance has risen above the threshold (the requested top-up paid)', () => {
    ledger(VK)
      .given([
        withBalance('1000'),
        configured(),
        { type: 'ResourceConsumed', data: consumedData('u1', '900', '100') },
        requested(1),
        deposited('500', 'acc-1-atu-1'),
      ])
      .when(consume('u2', 'compute.vcpu', '500'))
      .then([charged, requested(2, 1, '100')]);
  });

  it('disabled: nothing', () => {
    ledger(VK)
      .given([withBalance('1000'), configured(false)])
      .when(consume('u1', 'compute.vcpu', '950'))
      .then([charged]);
  });

  it('the charge that freezes the account asks for the top-up in the same append', () => {
    ledger(VK)
      .given([withBalance('50'), configured(true, '0')])
      .when(consume('u1', 'compute.vcpu', '60'))
      .then([
        charged,
        expect.objectContaining({ type: 'AccountFrozen' }) as LedgerEvent,
        expect.objectContaining({
          type: 'AutoTopUpRequested',
          data: expect.objectContaining({ requestId: 'acc-1-atu-1', threshold: '0', balance: '-10' }),
        }) as LedgerEvent,
      ]);
  });
});

describe('a refused auto top-up', () => {
  const frozenAndPending = [
    withBalance('50'),
    configured(true, '0'),
    { type: 'ResourceConsumed', data: consumedData('u1', '60', '-10') } as LedgerEvent,
    {
      type: 'AccountFrozen',
      data: { balance: '-10', at: IN_MARCH, deleteObjectsAt: '2026-03-17T09:00:00.000Z', everPaid: true },
    } as LedgerEvent,
    requested(1, 1, '-10'),
  ];

  it('records AutoTopUpFailed only: nothing deposited, the freeze stands; a retry an hour later', () => {
    const account = ledger(VK).given(frozenAndPending);
    account.when(failure(1)).then([failed(1, 1, LATER)]);
    expect(account.state.status).toBe('frozen');
  });

  it('the last attempt the policy allows (3) sets no retry', () => {
    ledger(VK)
      .given([...frozenAndPending.slice(0, 4), requested(1, 3, '-10')])
      .when(failure(1))
      .then([failed(1, 3)]);
  });

  it('the same refusal again stores nothing; an unknown or paid request is refused', () => {
    ledger(VK)
      .given([...frozenAndPending, failed(1, 1, LATER)])
      .when(failure(1))
      .thenNothing();
    ledger(VK).given(frozenAndPending).when(failure(7)).rejects('AUTO_TOP_UP_NOT_PENDING', 'requestId');
    ledger(VK)
      .given([...frozenAndPending, deposited('500', 'acc-1-atu-1')])
      .when(failure(1))
      .rejects('AUTO_TOP_UP_ALREADY_SUCCEEDED', 'requestId');
  });

  it('the retry deadline asks again with a new request id while still at or below the threshold', () => {
    ledger(VK)
      .given([...frozenAndPending, failed(1, 1, LATER)])
      .when(retry(1))
      .then([
        {
          type: 'AutoTopUpRequested',
          data: { ...(requested(2, 2, '-10').data as object), threshold: '0', at: LATER },
        } as LedgerEvent,
      ]);
  });

  it('the retry is a no-op after a top-up above the threshold, when disabled, or for an older refusal', () => {
    const refused = [...frozenAndPending, failed(1, 1, LATER)];
    ledger(VK)
      .given([...refused, deposited('100', 'manual')])
      .when(retry(1))
      .thenNothing();
    ledger(VK)
      .given([...refused, configured(false, '0')])
      .when(retry(1))
      .thenNothing();
    ledger(VK).given(refused).when(retry(5)).thenNothing();
  });
});

describe('the next period carries the settings and an unanswered request, never an answered one', () => {
  it('pending carried; paid not', () => {
    const pending = ledger(VK).given([withBalance('1000'), configured(), requested(1)]).state;
    expect(carriedState(pending).autoTopUp).toMatchObject({
      sequence: 1,
      pending: { requestId: 'acc-1-atu-1', amount: '500' },
    });
    const paid = ledger(VK).given([
      withBalance('1000'),
      configured(),
      requested(1),
      deposited('500', 'acc-1-atu-1'),
    ]).state;
    expect(carriedState(paid).autoTopUp).toEqual({
      enabled: true,
      threshold: '100',
      amount: '500',
      currency: 'RUB',
      sequence: 1,
    });
  });
});

function consumedData(usageRecordId: string, amount: string, balanceAfter: string) {
  return {
    usageRecordId,
    sku: 'compute.vcpu',
    service: 'Cloud Compute',
    category: 'compute',
    unit: 'unit',
    quantity: amount,
    windowStart: IN_MARCH,
    windowEnd: IN_MARCH,
    catalogVersion: 'test-1',
    amount,
    fromGrants: [],
    fromBalance: amount,
    balanceAfter,
  };
}
