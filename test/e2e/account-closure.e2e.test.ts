import type {
  FinalRefund,
  FinalRefundRequest,
  FinalRefundStatus,
} from '../../src/accounts/close-account/final-refund.port.js';
import { localDate } from '../../src/domain/shared/reporting-period.js';
import { InProcessPaymentGateway } from '../../src/ledger/payment-gateway/in-process-payment-gateway.js';
import { RunningTimelines } from '../../src/timelines/running-timelines.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { suspendableLegal } from '../support/given-accounts.js';
import { usage } from '../support/requests.js';

/** The refunds use case's stand-in (issue 14, item 4 builds it): a refund asked for completes at once. */
class CompletingRefunds implements FinalRefund {
  readonly requested: FinalRefundRequest[] = [];
  request(refund: FinalRefundRequest): Promise<void> {
    this.requested.push(refund);
    return Promise.resolve();
  }
  status(accountId: string, refundId: string): Promise<FinalRefundStatus> {
    const asked = this.requested.some((r) => r.accountId === accountId && r.refundId === refundId);
    return Promise.resolve(asked ? 'completed' : 'pending');
  }
}

/** 15 March 2026, 12:00 in Moscow: the customer closes mid-month. */
const CLOSURE = '2026-03-15T09:00:00.000Z';
const ID = 'closing-co';

describe('closing an account mid-month, end to end on the virtual clock (issue 14, item 5)', () => {
  let api: TestApi;
  let refunds: CompletingRefunds;
  beforeEach(async () => {
    refunds = new CompletingRefunds();
    api = await startTestApi('2026-03-01T06:00:00.000Z', ':memory:', {}, {}, () => ({
      finalRefund: refunds,
    }));
  });
  afterEach(() => api.close());

  const read = async (path: string) => {
    const response = await api.call('GET', path, undefined, { role: 'auditor' });
    expect(response.status).toBe(200);
    return response.body;
  };
  const pending = () => api.app.get(RunningTimelines).engine!.pending(ID);

  it('usage and a positive balance: partial-period documents dated the closure day, refund, deletion', async () => {
    // A second-provider legal entity (act + VAT invoice), paying by bank transfer, with money left.
    expect((await api.call('POST', '/v1/accounts', suspendableLegal(ID))).status).toBe(201);
    const topUp = { paymentId: 'cc-p1', amount: '5000', currency: 'RUB', channel: 'bank-transfer' };
    expect((await api.call('POST', `/v1/accounts/${ID}/top-ups`, topUp)).status).toBe(201);
    await api.advanceTo('2026-03-10T09:00:00.000Z');
    const used = usage('cc-u1', 'test.unit', '1220', '2026-03-10T12:00:00+03:00');
    expect((await api.call('POST', `/v1/accounts/${ID}/usage`, used)).status).toBe(201);

    await api.advanceTo(CLOSURE);
    const closure = await api.call('POST', `/v1/accounts/${ID}/closure`, { reason: 'moving out' });
    expect(closure.status).toBe(201);

    // Closing at once: the second provider's PENDING_INACTIVATION, the final close planned at the instant.
    expect(await read(`/v1/accounts/${ID}`)).toMatchObject({
      status: { value: 'closing', since: CLOSURE },
      providerStatus: 'PENDING_INACTIVATION',
      closure: { requestedAt: CLOSURE, closedAt: null, finalReconciliation: null },
    });
    expect((await pending()).map((d) => [d.kind, d.dueAt])).toEqual(
      expect.arrayContaining([['close-final-period', CLOSURE]]),
    );
    const late = usage('cc-u2', 'test.unit', '1', '2026-03-15T12:00:00+03:00');
    expect((await api.call('POST', `/v1/accounts/${ID}/usage`, late)).body).toMatchObject({
      status: 422,
      code: 'ACCOUNT_CLOSING',
    });

    // The saga: the final period closes at the closure instant, the refund is asked for at once.
    await api.advanceTo('2026-03-15T10:00:00.000Z');
    const march = await api.store.readStream(`ledger-${ID}@2026-03`);
    const closed = march.find((e) => e.type === 'PeriodClosed')!;
    expect(closed.data).toMatchObject({
      endsEarlyAt: CLOSURE,
      finalDay: '2026-03-15',
      consumption: '1220',
      closingBalance: '3780',
    });
    await expect(api.store.readStream(`ledger-${ID}@2026-04`)).rejects.toThrow('not found');
    expect(refunds.requested).toEqual([
      expect.objectContaining({ accountId: ID, refundId: `${ID}-closure`, amount: 'all' }),
    ]);

    // The final documents for the partial period: dated the closure day, the service period to that day.
    const documents = (await read(`/v1/accounts/${ID}/documents`)) as Array<{
      number: string;
      kind: string;
      date: string;
      periodId: string;
    }>;
    const act = documents.find((d) => d.kind === 'act')!;
    const invoice = documents.find((d) => d.kind === 'vat-invoice')!;
    expect([act.date, invoice.date]).toEqual(['2026-03-15', '2026-03-15']);
    for (const document of [act, invoice]) {
      expect(await read(`/v1/accounts/${ID}/documents/${document.number}`)).toMatchObject({
        date: '2026-03-15',
        servicePeriod: { firstDay: '2026-03-01', lastDay: '2026-03-15' },
        totals: { gross: '1220.00' },
      });
    }

    // Closed: the final reconciliation report for the account's whole life, at the existing route.
    const summary = await read(`/v1/accounts/${ID}`);
    expect(summary).toMatchObject({
      status: { value: 'closed' },
      providerStatus: 'PENDING_INACTIVATION',
      closure: {
        finalDay: '2026-03-15',
        finalReconciliation: `/v1/accounts/${ID}/reconciliation?from=2026-03-01&to=2026-03-15`,
      },
    });
    const reconciliation = await read(summary.closure.finalReconciliation);
    expect(reconciliation).toMatchObject({ from: '2026-03-01', to: '2026-03-15' });
    const listed = await read('/v1/accounts?status=closed');
    expect(listed.accounts).toEqual([expect.objectContaining({ accountId: ID, status: 'closed' })]);

    // Deletion per retention a day after the final close, fired on the virtual clock.
    expect((await pending()).map((d) => [d.kind, d.dueAt])).toEqual([
      ['delete-closed-account', '2026-03-16T09:00:00.000Z'],
    ]);
    await api.advanceTo('2026-03-16T10:00:00.000Z');
    const account = await api.store.readStream(`account-${ID}`);
    expect(account.map((e) => e.type)).toEqual([
      'AccountOpened',
      'AccountClosureRequested',
      'AccountDeleted',
    ]);
    expect(account.at(-1)!.data).toMatchObject({
      at: '2026-03-16T09:00:00.000Z',
      reason: 'closed at the customer’s request',
    });
    expect(await read(`/v1/accounts/${ID}`)).toMatchObject({
      status: { value: 'deleted' },
      providerStatus: 'PENDING_INACTIVATION',
    });
    expect(await pending()).toEqual([]);
    // As of any time, from the log, the same story: active, closing, closed, deleted.
    const asOf = async (instant: string) =>
      (
        (await read(`/v1/accounts/${ID}?asOf=${encodeURIComponent(instant)}`)) as {
          status: { value: string };
        }
      ).status.value;
    expect(await asOf('2026-03-15T08:59:59.999Z')).toBe('active');
    expect(await asOf(CLOSURE)).toBe('closed');
    expect(await asOf('2026-03-15T12:00:00.000Z')).toBe('closed');
    expect(await asOf('2026-03-16T09:00:00.000Z')).toBe('deleted');
    // No next period: the month end passes without opening April.
    await api.advanceTo('2026-04-02T09:00:00.000Z');
    await expect(api.store.readStream(`ledger-${ID}@2026-04`)).rejects.toThrow('not found');
  });

  it('while the refund is not completed the deletion waits and asks again the next day', async () => {
    const unanswered: FinalRefund = {
      request: () => Promise.resolve(),
      status: () => Promise.resolve('pending'),
    };
    await api.close();
    api = await startTestApi('2026-03-01T06:00:00.000Z', ':memory:', {}, {}, () => ({
      finalRefund: unanswered,
    }));
    expect((await api.call('POST', '/v1/accounts', suspendableLegal(ID))).status).toBe(201);
    const topUp = { paymentId: 'cc-p2', amount: '100', currency: 'RUB', channel: 'bank-transfer' };
    expect((await api.call('POST', `/v1/accounts/${ID}/top-ups`, topUp)).status).toBe(201);
    await api.advanceTo(CLOSURE);
    expect((await api.call('POST', `/v1/accounts/${ID}/closure`, {})).status).toBe(201);
    await api.advanceTo('2026-03-16T10:00:00.000Z');

    const account = await api.store.readStream(`account-${ID}`);
    expect(account.map((e) => e.type)).toEqual([
      'AccountOpened',
      'AccountClosureRequested',
      'ClosedAccountDeletionDeferred',
    ]);
    expect(account.at(-1)!.data).toMatchObject({
      code: 'REFUND_PENDING',
      retryAt: '2026-03-17T09:00:00.000Z',
    });
    expect((await pending()).map((d) => [d.kind, d.dueAt])).toEqual([
      ['delete-closed-account', '2026-03-17T09:00:00.000Z'],
    ]);
  });

  it('with refunds wired: the final refund is paid out after the closure month, and the reconciliation report shows it', async () => {
    // The refunds use case behind the saga (the default BusFinalRefund) and a gateway that pays at once.
    const gateway = new InProcessPaymentGateway();
    await api.close();
    api = await startTestApi('2026-03-01T06:00:00.000Z', ':memory:', {}, {}, () => ({
      paymentGateway: gateway,
    }));
    expect((await api.call('POST', '/v1/accounts', suspendableLegal(ID))).status).toBe(201);
    const topUp = { paymentId: 'cc-p3', amount: '5000', currency: 'RUB', channel: 'bank-transfer' };
    expect((await api.call('POST', `/v1/accounts/${ID}/top-ups`, topUp)).status).toBe(201);
    await api.advanceTo('2026-03-10T09:00:00.000Z');
    const used = usage('cc-u3', 'test.unit', '1220', '2026-03-10T12:00:00+03:00');
    expect((await api.call('POST', `/v1/accounts/${ID}/usage`, used)).status).toBe(201);
    await api.advanceTo(CLOSURE);
    expect((await api.call('POST', `/v1/accounts/${ID}/closure`, {})).status).toBe(201);

    // The rest of March has no open period: the refund is asked once April has begun, and paid out.
    await api.advanceTo('2026-04-01T10:00:00.000Z');
    const april = await api.store.readStream(`ledger-${ID}@2026-04`);
    const completed = april.find((e) => e.type === 'RefundCompleted');
    expect(april.find((e) => e.type === 'RefundRequested')?.data).toMatchObject({
      refundId: `${ID}-closure`,
      amount: '3780',
      parts: [{ paymentId: 'cc-p3', channel: 'bank-transfer', amount: '3780' }],
    });
    expect(completed).toBeDefined();
    const completedOn = (completed!.data as { at: string }).at;
    expect([...gateway.refundsPaid.values()]).toEqual([
      expect.objectContaining({ paymentId: 'cc-p3', amount: '3780', channel: 'bank-transfer' }),
    ]);

    // The final report to the closure day: the advance is still owed to the customer.
    const summary = await read(`/v1/accounts/${ID}`);
    const final = await read(summary.closure.finalReconciliation);
    expect(final).toMatchObject({ closingBalance: '-3780.00', owedBy: 'provider', owedAmount: '3780.00' });
    // To the day the refund completed: the money returned is a row, and nobody owes anything.
    const day = localDate(completedOn, 'Europe/Moscow');
    const settled = await read(`/v1/accounts/${ID}/reconciliation?from=2026-03-01&to=${day}`);
    expect(settled).toMatchObject({
      turnover: { debit: '5000.00', credit: '5000.00' },
      closingBalance: '0.00',
      owedBy: 'nobody',
    });
    expect(settled.lines).toEqual([
      expect.objectContaining({ entryType: 'payment', reference: 'cc-p3', credit: '5000.00' }),
      expect.objectContaining({ entryType: 'document', date: '2026-03-15', debit: '1220.00' }),
      {
        date: day,
        entryType: 'refund',
        description: `Refund ${ID}-closure/cc-p3 (bank-transfer)`,
        reference: `${ID}-closure/cc-p3`,
        debit: '3780.00',
        credit: '0.00',
      },
    ]);
  });
});
