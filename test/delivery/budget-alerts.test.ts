import { CommandBus } from '@nestjs/cqrs';
import { RaiseAlert } from '../../src/alerts/raise-alert/raise-alert.command.js';
import { EventBusFeed } from '../../projections/workers/event-bus-feed.js';
import { AlertReactor } from '../../src/alerts/raise-alert/alert-reactor.js';
import { DeliveryRuntime } from '../../src/delivery/delivery-runtime.js';
import { startTestApi, type TestApi } from '../support/api.js';
import { legalPostpaid, usage } from '../support/requests.js';
import { eventually, headerOf, signatureValid, startReceiver, startSmtp } from './support/receivers.js';

/**
 * Budget alerts end to end: the whole service with a real SMTP server and a real HTTP receiver. An account
 * with a 1 000.00 RUB monthly budget consumes 400, then 150 (55 %), then 300 (85 %): the receiver gets
 * exactly two alerts (50 % and 80 %), signed, and the owner two e-mails. Replaying the reactor over the
 * whole log stores and delivers nothing more.
 */
const SECRET = 'whsec-budget-alerts-0123';
const OWNER = 'finance@vektor.example';

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let api: TestApi;

const alertCalls = () => receiver.calls.filter((c) => JSON.parse(c.body).type === 'alert.raised');

/** Waits until the event bus (the reactor) has seen the whole log. */
async function reactorCaughtUp(): Promise<void> {
  const head = await api.store.headPosition();
  if (head !== undefined) await api.app.get(EventBusFeed).waitFor(head);
}

async function consume(id: string, quantity: string): Promise<void> {
  const posted = await api.call('POST', '/v1/accounts/ba-vektor/usage', usage(id, 'test.unit', quantity));
  expect(posted.status).toBe(201);
  await reactorCaughtUp();
}

beforeAll(async () => {
  smtp = await startSmtp();
  receiver = await startReceiver();
  api = await startTestApi(
    '2026-03-02T09:00:00.000Z',
    ':memory:',
    {},
    { SMTP_URL: smtp.url, DELIVERY_FROM: 'Billing <billing@example.com>', DELIVERY_POLL_MS: '25' },
  );
  const subscribed = await api.call(
    'POST',
    '/v1/ops/webhooks',
    { url: receiver.url, secret: SECRET },
    { role: 'ops' },
  );
  expect(subscribed.status).toBe(201);
  const opened = await api.call('POST', '/v1/accounts', { ...legalPostpaid('ba-vektor'), ownerEmail: OWNER });
  expect(opened.status).toBe(201);
  const budget = await api.call('POST', '/v1/accounts/ba-vektor/budgets', {
    budgetId: 'monthly',
    scope: 'account',
    amount: '1000.00',
  });
  expect(budget.status).toBe(201);
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  await consume('ba-u1', '400');
  await consume('ba-u2', '150');
  await consume('ba-u3', '300');
  await eventually(() => (alertCalls().length >= 2 && smtp.mails.length >= 2) || undefined);
  // Everything due is sent: nothing more is on its way.
  await api.app.get(DeliveryRuntime).worker!.dispatchDue();
}, 60_000);

afterAll(async () => {
  await api?.close();
  await receiver?.close();
  await smtp?.close();
});

describe('budget alerts, delivered', () => {
  it('the webhook receiver gets exactly two alerts — 50 % and 80 % — signed, with the documented payload', () => {
    const calls = alertCalls();
    expect(calls).toHaveLength(2);
    for (const call of calls) expect(signatureValid(call, SECRET)).toBe(true);
    const bodies = calls.map((c) => JSON.parse(c.body));
    expect(bodies.map((b) => b.alert.threshold).sort()).toEqual([50, 80]);
    const fifty = bodies.find((b) => b.alert.threshold === 50)!;
    expect(fifty).toEqual({
      type: 'alert.raised',
      deliveryId: calls.find((c) => JSON.parse(c.body).alert.threshold === 50)!.headers[
        'x-billing-delivery-id'
      ],
      eventId: expect.any(String),
      accountId: 'ba-vektor',
      alert: {
        alertId: 'ba-vektor/budget/monthly/50/2026-03',
        kind: 'budget',
        budgetId: 'monthly',
        scope: 'account',
        threshold: 50,
        value: '550',
        limit: '1000',
        currency: 'RUB',
        periodId: '2026-03',
        at: expect.any(String),
      },
      links: { account: '/v1/accounts/ba-vektor', budgets: '/v1/accounts/ba-vektor/budgets' },
    });
    expect(bodies.find((b) => b.alert.threshold === 80)!.alert).toMatchObject({
      alertId: 'ba-vektor/budget/monthly/80/2026-03',
      value: '850',
    });
  });

  it('the owner gets one e-mail per alert, with its delivery id', () => {
    expect(smtp.mails).toHaveLength(2);
    for (const mail of smtp.mails) {
      expect(mail.to).toEqual([OWNER]);
      expect(headerOf(mail.raw, 'x-billing-delivery-id')).toMatch(/^dlv_/);
    }
    // A plain-text message, base64 in transit: what crossed, and the figures.
    const texts = smtp.mails.map((m) =>
      Buffer.from(m.raw.split(/\r?\n\r?\n/)[1]!.replace(/\s+/g, ''), 'base64').toString('utf8'),
    );
    expect(texts.find((t) => t.includes(' 50 % '))).toContain(
      'Расходы за период 2026-03: 550 RUB из бюджета 1000 RUB (account).',
    );
    expect(texts.find((t) => t.includes(' 80 % '))).toContain(
      'Бюджет monthly: израсходовано 80 % за период 2026-03',
    );
  });

  it('replaying the reactor over the whole log stores nothing and delivers nothing more', async () => {
    const before = (await api.store.readStream('alerts-ba-vektor')).length;
    const reactor = api.app.get(AlertReactor);
    const outcomes = [];
    for (const event of await api.store.readAll({ filter: { streamPrefixes: ['ledger-ba-vektor@'] } }))
      outcomes.push(...(await reactor.react(event)));
    // The reactor sees the alerts raised and sends nothing; what it would send the decider refuses (below).
    expect(outcomes.filter((o) => o.outcome === 'stored')).toEqual([]);
    const again = await api.app
      .get(CommandBus)
      .execute(
        new RaiseAlert(
          {
            type: 'RaiseAlert',
            accountId: 'ba-vektor',
            kind: 'budget',
            budgetId: 'monthly',
            threshold: 50,
            value: '550',
            limit: '1000',
            currency: 'RUB',
            periodId: '2026-03',
            sourceEventId: 'replayed',
            sourcePosition: '1',
            at: '2026-03-10T09:00:00.000Z',
          },
          { commandId: 'replay-50', actor: 'test' },
        ),
      )
      .catch((error: { code?: string }) => error.code);
    expect(again).toBe('ALERT_ALREADY_RAISED');
    expect((await api.store.readStream('alerts-ba-vektor')).length).toBe(before);
    await api.app.get(DeliveryRuntime).worker!.settle();
    expect(alertCalls()).toHaveLength(2);
    expect(smtp.mails).toHaveLength(2);
  });

  it('the summary shows the period spend, its forecast and the budget used; GET …/budgets the same', async () => {
    const summary = await api.call('GET', '/v1/accounts/ba-vektor');
    expect(summary.status).toBe(200);
    expect(summary.body.spend).toMatchObject({
      periodId: '2026-03',
      soFar: '850',
      budgets: [
        { budgetId: 'monthly', scope: 'account', amount: '1000', spend: '850', percentUsed: '85.00' },
      ],
    });
    expect(summary.body.spend.forecast).toMatch(/^\d+\.\d{2}$/);
    const budgets = await api.call('GET', '/v1/accounts/ba-vektor/budgets');
    expect(budgets.status).toBe(200);
    expect(budgets.body).toMatchObject({
      accountId: 'ba-vektor',
      periodId: '2026-03',
      spend: '850',
      budgets: [{ budgetId: 'monthly', percentUsed: '85.00', thresholds: [50, 80, 100] }],
    });
  });
});
