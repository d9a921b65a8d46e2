import {
  IN_MARCH,
  MARCH,
  consume,
  deposited,
  eventsOf,
  given,
  grantIssued,
  periodOpened,
  typesOf,
} from './ledger.fixtures.js';

const VK_PERSON = 'vk-individual-prepaid';
const YC_PREPAID = 'yc-legal-prepaid';
const YC_CREDIT = 'yc-legal-credit';

describe('ledger: top-ups (§2, §5)', () => {
  it('rejects a top-up below the minimum for the currency and accepts the minimum', () => {
    const account = given(VK_PERSON, periodOpened());
    expect(
      account.when({ type: 'TopUp', paymentId: 'p1', amount: '9.99', channel: 'card', at: IN_MARCH }),
    ).toEqual({
      ok: false,
      code: 'TOP_UP_BELOW_MINIMUM',
      message: 'amount must be at least 10 RUB (got 9.99)',
      field: 'amount',
    });
    expect(
      typesOf(account.when({ type: 'TopUp', paymentId: 'p1', amount: '10', channel: 'card', at: IN_MARCH })),
    ).toEqual(['FundsDeposited']);
  });

  it('ignores a second top-up with the same payment id', () => {
    const decision = given(VK_PERSON, periodOpened(), deposited('500', 'p1')).when({
      type: 'TopUp',
      paymentId: 'p1',
      amount: '500',
      channel: 'card',
      at: IN_MARCH,
    });
    expect(decision).toEqual({ ok: true, events: [], duplicate: true });
  });

  it.each(['-5', '0', 'abc', '1e3', '10.5.1', ''])('rejects the amount %p naming the field', (amount) => {
    const decision = given(VK_PERSON, periodOpened()).when({
      type: 'TopUp',
      paymentId: 'p',
      amount,
      channel: 'card',
      at: IN_MARCH,
    });
    expect(decision).toMatchObject({ ok: false, field: 'amount' });
  });

  it('marks only the profile’s document-eligible channels (card excluded for VK legal entities)', () => {
    const legal = given('vk-legal-prepaid', periodOpened({}, 'vk-legal-prepaid'));
    const [card] = eventsOf(
      legal.when({ type: 'TopUp', paymentId: 'c', amount: '100', channel: 'card', at: IN_MARCH }),
    );
    const [bank] = eventsOf(
      legal.when({ type: 'TopUp', paymentId: 'b', amount: '100', channel: 'bank-transfer', at: IN_MARCH }),
    );
    expect(card).toMatchObject({ data: { countsInDocuments: false } });
    expect(bank).toMatchObject({ data: { countsInDocuments: true } });
  });
});

describe('ledger: prepaid freeze (§5)', () => {
  it('does not freeze at a balance of exactly 0 (strict < 0 by default)', () => {
    const decision = given(VK_PERSON, periodOpened(), deposited('100')).when(
      consume('u1', 'compute.vcpu', '100'),
    );
    expect(typesOf(decision)).toEqual(['ResourceConsumed']);
    expect(eventsOf(decision)[0]).toMatchObject({ data: { balanceAfter: '0' } });
  });

  it('freezes in the same decision as the charge that takes the balance to −0.01; 7 days to deletion after a payment', () => {
    const decision = given(VK_PERSON, periodOpened(), deposited('100')).when(
      consume('u1', 'compute.vcpu', '100.01'),
    );
    expect(eventsOf(decision)).toEqual([
      expect.objectContaining({
        type: 'ResourceConsumed',
        data: expect.objectContaining({ balanceAfter: '-0.01' }),
      }),
      {
        type: 'AccountFrozen',
        data: { balance: '-0.01', at: IN_MARCH, deleteObjectsAt: '2026-03-17T09:00:00.000Z', everPaid: true },
      },
    ]);
  });

  it('queues objects for deletion 3 days after freezing when the account never paid', () => {
    const decision = given(VK_PERSON, periodOpened()).when(consume('u1', 'compute.vcpu', '1'));
    expect(eventsOf(decision)[1]).toMatchObject({
      type: 'AccountFrozen',
      data: { deleteObjectsAt: '2026-03-13T09:00:00.000Z', everPaid: false },
    });
  });

  it('while frozen rejects compute but keeps charging storage', () => {
    const frozen = given(VK_PERSON, periodOpened({ status: 'frozen', balance: '-5' }));
    expect(frozen.when(consume('u2', 'compute.vcpu', '1'))).toMatchObject({
      ok: false,
      code: 'ACCOUNT_FROZEN',
    });
    expect(typesOf(frozen.when(consume('u3', 'storage.ssd', '1')))).toEqual(['ResourceConsumed']);
  });

  it('unfreezes on a top-up that makes the balance positive, not on one that makes it exactly 0', () => {
    const frozen = given(VK_PERSON, periodOpened({ status: 'frozen', balance: '-10' }));
    expect(
      typesOf(frozen.when({ type: 'TopUp', paymentId: 'a', amount: '10', channel: 'card', at: IN_MARCH })),
    ).toEqual(['FundsDeposited']);
    expect(
      typesOf(frozen.when({ type: 'TopUp', paymentId: 'b', amount: '10.01', channel: 'card', at: IN_MARCH })),
    ).toEqual(['FundsDeposited', 'AccountUnfrozen']);
  });

  it('never freezes a postpaid account', () => {
    const decision = given('vk-legal-postpaid', periodOpened({}, 'vk-legal-postpaid')).when(
      consume('u1', 'compute.vcpu', '1000'),
    );
    expect(typesOf(decision)).toEqual(['ResourceConsumed']);
  });
});

describe('ledger: rounding (§2)', () => {
  it('rounds a sub-kopeck charge up to one kopeck for the first provider only', () => {
    const vk = given(VK_PERSON, periodOpened(), deposited('100')).when(
      consume('u1', 'compute.vcpu', '0.000001'),
    );
    expect(eventsOf(vk)[0]).toMatchObject({ data: { amount: '0.01' } });
    const yc = given(YC_PREPAID, periodOpened({}, YC_PREPAID), deposited('100')).when(
      consume('u1', 'compute.vcpu', '0.000001'),
    );
    expect(eventsOf(yc)[0]).toMatchObject({ data: { amount: '0.000001' } });
  });
});

describe('ledger: grants (§4)', () => {
  it('spends grants before the personal account', () => {
    const decision = given(
      YC_PREPAID,
      periodOpened({}, YC_PREPAID),
      grantIssued('g1', '1000'),
      deposited('500'),
    ).when(consume('u1', 'compute.vcpu', '1200'));
    expect(eventsOf(decision)[0]).toMatchObject({
      data: { fromGrants: [{ grantId: 'g1', amount: '1000' }], fromBalance: '200', balanceAfter: '300' },
    });
  });

  it('does not use a grant for an excluded category (GPU clusters) or after its expiry', () => {
    const account = given(
      YC_PREPAID,
      periodOpened({}, YC_PREPAID),
      grantIssued('g1', '1000', '2026-03-10T09:00:00.000Z'),
      deposited('500'),
    );
    expect(eventsOf(account.when(consume('u1', 'compute.vcpu', '10')))[0]).toMatchObject({
      data: { fromGrants: [], fromBalance: '10' },
    });
    expect(
      eventsOf(account.when(consume('u2', 'gpu.a100', '10', '2026-03-05T00:00:00.000Z')))[0],
    ).toMatchObject({
      data: { fromGrants: [], fromBalance: '10' },
    });
    expect(
      eventsOf(account.when(consume('u3', 'compute.vcpu', '10', '2026-03-05T00:00:00.000Z')))[0],
    ).toMatchObject({
      data: { fromGrants: [{ grantId: 'g1', amount: '10' }], fromBalance: '0' },
    });
  });

  it('cannot repay debt: a grant issued to a negative balance leaves the balance as it was', () => {
    const account = given(
      YC_PREPAID,
      periodOpened({ balance: '-300' }, YC_PREPAID),
      grantIssued('g1', '1000'),
    );
    expect(account.state.balance.toFixed()).toBe('-300');
  });

  it('expires what is left of a grant with GrantExpired', () => {
    const decision = given(
      YC_PREPAID,
      periodOpened({}, YC_PREPAID),
      grantIssued('g1', '1000', '2026-03-05T00:00:00.000Z'),
      grantIssued('g2', '50', '2026-04-05T00:00:00.000Z'),
    ).when({ type: 'ExpireGrants', at: '2026-03-06T00:00:00.000Z' });
    expect(eventsOf(decision)).toEqual([
      { type: 'GrantExpired', data: { grantId: 'g1', amountLost: '1000', at: '2026-03-05T00:00:00.000Z' } },
    ]);
  });
});

describe('ledger: bills for payment (§7, §8)', () => {
  const close = { type: 'ClosePeriod' as const, at: MARCH.endsAt, timeZone: 'Europe/Moscow' };

  it('bills 400 after 1 400 consumed with a 1 000 grant, due 14 days after the period', () => {
    const decision = given(
      YC_CREDIT,
      periodOpened({ creditLimit: '5000' }, YC_CREDIT),
      grantIssued('g', '1000'),
      {
        type: 'ResourceConsumed',
        data: {
          usageRecordId: 'u',
          sku: 'compute.vcpu',
          service: 'Cloud Compute',
          category: 'compute',
          unit: 'unit',
          quantity: '1400',
          windowStart: IN_MARCH,
          windowEnd: IN_MARCH,
          catalogVersion: 't',
          amount: '1400',
          fromGrants: [{ grantId: 'g', amount: '1000' }],
          fromBalance: '400',
          balanceAfter: '-400',
        },
      },
    ).when(close);
    expect(eventsOf(decision)[0]).toEqual({
      type: 'BillIssued',
      data: {
        billId: 'acc-1-2026-03',
        kind: 'period',
        amount: '400',
        paid: '0',
        issuedOn: '2026-04-01',
        dueDate: '2026-04-14',
        reason: 'period closed with an amount to pay',
      },
    });
  });

  it('bills in minor units: 400.125 consumed on credit gives a bill for 400.13 (half-up)', () => {
    const account = given(YC_CREDIT, periodOpened({ creditLimit: '5000' }, YC_CREDIT));
    const consumed = eventsOf(account.when(consume('u', 'compute.vcpu', '400.125')));
    const decision = given(YC_CREDIT, periodOpened({ creditLimit: '5000' }, YC_CREDIT), ...consumed).when(
      close,
    );
    expect(eventsOf(decision)[0]).toMatchObject({ type: 'BillIssued', data: { amount: '400.13' } });
  });

  it('issues no bill when 800 is consumed against a 1 000 grant', () => {
    const account = given(
      YC_CREDIT,
      periodOpened({ creditLimit: '5000' }, YC_CREDIT),
      grantIssued('g', '1000'),
    );
    const consumed = eventsOf(account.when(consume('u', 'compute.vcpu', '800')));
    const decision = given(
      YC_CREDIT,
      periodOpened({ creditLimit: '5000' }, YC_CREDIT),
      grantIssued('g', '1000'),
      ...consumed,
    ).when(close);
    expect(typesOf(decision)).toEqual(['PeriodClosed']);
  });

  it('bills 1 000 mid-period when a 1 000 credit limit is reached at 2 000 consumed with a 1 000 grant, due in 2 days', () => {
    const decision = given(
      YC_CREDIT,
      periodOpened({ creditLimit: '1000' }, YC_CREDIT),
      grantIssued('g', '1000'),
    ).when(consume('u', 'compute.vcpu', '2000'));
    expect(eventsOf(decision)[1]).toMatchObject({
      type: 'BillIssued',
      data: { kind: 'mid-period', amount: '1000', issuedOn: '2026-03-10', dueDate: '2026-03-12' },
    });
  });

  it('applies full, partial and over-payments; the excess stays on the balance', () => {
    const bill = {
      type: 'BillIssued' as const,
      data: {
        billId: 'b1',
        kind: 'period' as const,
        amount: '400',
        paid: '0',
        issuedOn: '2026-03-01',
        dueDate: '2026-03-14',
        reason: 'x',
      },
    };
    const account = given(YC_CREDIT, periodOpened({ balance: '-400', creditLimit: '1000' }, YC_CREDIT), bill);
    const partial = eventsOf(
      account.when({
        type: 'PayBill',
        billId: 'b1',
        paymentId: 'p',
        amount: '399.99',
        channel: 'bank-transfer',
        at: IN_MARCH,
      }),
    );
    expect(partial[1]).toMatchObject({ data: { amount: '399.99', remaining: '0.01', fullyPaid: false } });
    const over = eventsOf(
      account.when({
        type: 'PayBill',
        billId: 'b1',
        paymentId: 'q',
        amount: '500',
        channel: 'bank-transfer',
        at: IN_MARCH,
      }),
    );
    expect(over).toEqual([
      expect.objectContaining({
        type: 'FundsDeposited',
        data: expect.objectContaining({ balanceAfter: '100' }),
      }),
      expect.objectContaining({
        data: expect.objectContaining({ amount: '400', remaining: '0', fullyPaid: true }),
      }),
    ]);
    expect(
      account.when({
        type: 'PayBill',
        billId: 'nope',
        paymentId: 'r',
        amount: '1',
        channel: 'bank-transfer',
        at: IN_MARCH,
      }),
    ).toMatchObject({
      ok: false,
      code: 'BILL_NOT_OPEN',
      field: 'billId',
    });
  });

  it('rejects a credit limit on a profile without credit', () => {
    expect(
      given(YC_PREPAID, periodOpened({}, YC_PREPAID)).when({
        type: 'SetCreditLimit',
        creditLimit: '1000',
        at: IN_MARCH,
      }),
    ).toMatchObject({
      ok: false,
      code: 'CREDIT_LIMIT_NOT_ALLOWED',
    });
  });
});

describe('ledger: second provider without credit (§7)', () => {
  it('requires payment when grants are exhausted and the balance reaches zero', () => {
    const account = given(YC_PREPAID, periodOpened({}, YC_PREPAID), grantIssued('g', '100'), deposited('50'));
    expect(typesOf(account.when(consume('u1', 'compute.vcpu', '149.99')))).toEqual(['ResourceConsumed']);
    const decision = account.when(consume('u2', 'compute.vcpu', '150'));
    expect(eventsOf(decision)[1]).toMatchObject({
      type: 'PaymentRequired',
      data: { availableFunds: '0', suspendAt: '2026-03-17T09:00:00.000Z' },
    });
  });
});

describe('ledger: closing the period (§9)', () => {
  it('refuses to close before the period ends, closes once, and rejects later commands', () => {
    const account = given(VK_PERSON, periodOpened(), deposited('100'));
    expect(
      account.when({ type: 'ClosePeriod', at: '2026-03-31T20:59:59.999Z', timeZone: 'Europe/Moscow' }),
    ).toMatchObject({
      ok: false,
      code: 'PERIOD_NOT_ENDED',
    });
    const closed = eventsOf(
      account.when({ type: 'ClosePeriod', at: MARCH.endsAt, timeZone: 'Europe/Moscow' }),
    );
    expect(closed.map((e) => e.type)).toEqual(['PeriodClosed']);
    const after = given(VK_PERSON, periodOpened(), deposited('100'), ...closed);
    expect(after.when({ type: 'ClosePeriod', at: MARCH.endsAt, timeZone: 'Europe/Moscow' })).toEqual({
      ok: true,
      events: [],
      duplicate: true,
    });
    expect(after.when(consume('u', 'compute.vcpu', '1'))).toMatchObject({ ok: false, code: 'PERIOD_CLOSED' });
  });

  it('rejects usage whose window ends outside the period', () => {
    const account = given(VK_PERSON, periodOpened(), deposited('100'));
    expect(account.when(consume('u', 'compute.vcpu', '1', '2026-04-01T00:00:00.000Z'))).toMatchObject({
      code: 'WINDOW_OUTSIDE_PERIOD',
      field: 'windowEnd',
    });
  });
});
