import { startTestApi, type TestApi } from '../support/api.js';
import { creditLegal, usage } from '../support/requests.js';
import { eventually, mimeParts, signatureValid, startReceiver, startSmtp } from './support/receivers.js';

/**
 * Delivery end to end: the whole service with a real SMTP server and a real HTTP receiver in this process.
 * March of a postpaid legal entity whose owner gave an e-mail: the month end issues a UPD and a period
 * bill; each is e-mailed to the owner with its PDF and announced to the webhook subscriber, signed. The
 * receiver is down for the first two calls of each delivery: the worker retries with back-off.
 */
const SECRET = 'whsec-0123456789abcdef';
const OWNER = 'buh@vektor.example';
const BASE_MS = 150;

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let api: TestApi;
let subscriptionId: string;

beforeAll(async () => {
  smtp = await startSmtp();
  receiver = await startReceiver({ failFirst: 2 });
  api = await startTestApi(
    '2026-03-02T09:00:00.000Z',
    ':memory:',
    {},
    {
      SMTP_URL: smtp.url,
      DELIVERY_FROM: 'Billing <billing@example.com>',
      DELIVERY_RETRY_BASE_MS: String(BASE_MS),
      DELIVERY_POLL_MS: '25',
    },
  );
  const subscribed = await api.call(
    'POST',
    '/v1/ops/webhooks',
    { url: receiver.url, secret: SECRET },
    { role: 'ops' },
  );
  expect(subscribed.status).toBe(201);
  subscriptionId = subscribed.body.subscriptionId;
  const opened = await api.call('POST', '/v1/accounts', {
    ...creditLegal('dl-vektor'),
    profileId: 'vk-legal-postpaid',
    ownerEmail: OWNER,
  });
  expect(opened.status).toBe(201);
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  expect(
    (await api.call('POST', '/v1/accounts/dl-vektor/usage', usage('dl-u1', 'test.unit', '1220'))).status,
  ).toBe(201);
  await api.advanceTo('2026-04-02T09:00:00.000Z');
}, 60_000);

afterAll(async () => {
  await api?.close();
  await receiver?.close();
  await smtp?.close();
});

const deliveries = async (query = '') => {
  const response = await api.call('GET', `/v1/ops/deliveries${query}`, undefined, { role: 'ops' });
  expect(response.status).toBe(200);
  return response.body.deliveries as Array<Record<string, any>>;
};

const documents = async () =>
  (await api.call('GET', '/v1/accounts/dl-vektor/documents', undefined, { role: 'auditor' })).body as Array<{
    number: string;
    kind: string;
  }>;

describe('document delivery', () => {
  it('e-mails every issued document to the owner, with its PDF attached and its delivery id', async () => {
    const issued = await documents();
    expect(issued.map((d) => d.kind).sort()).toEqual(['bill', 'upd']);
    await eventually(() => smtp.mails.length >= issued.length || undefined);
    expect(smtp.mails).toHaveLength(issued.length);
    const log = await deliveries('?channel=email&accountId=dl-vektor');
    for (const document of issued) {
      const entry = log.find((d) => d.documentNumber === document.number)!;
      expect(entry).toMatchObject({ recipient: 'owner', status: 'delivered', attempts: 1 });
      const mail = smtp.mails.find((m) => m.raw.includes(`${document.number}.pdf`))!;
      expect(mail.to).toEqual([OWNER]);
      expect(mail.from).toBe('billing@example.com');
      const { headers, parts } = mimeParts(mail.raw);
      expect(headers.toLowerCase()).toContain(`x-billing-delivery-id: ${entry.deliveryId}`);
      expect(headers).toContain(`Message-ID: <${entry.deliveryId}@billing-engine>`);
      const pdf = parts.find((p) => /application\/pdf/i.test(p.headers))!;
      expect(pdf.headers).toContain(`${document.number}.pdf`);
      expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');
      expect(pdf.body.length).toBeGreaterThan(1000);
    }
  });

  it('announces every document to the subscriber, signed (HMAC-SHA256 over "<timestamp>.<body>")', async () => {
    const issued = await documents();
    await eventually(
      () => receiver.calls.filter((c) => c.status === 200).length >= issued.length || undefined,
    );
    for (const call of receiver.calls) {
      expect(signatureValid(call, SECRET)).toBe(true);
      expect(signatureValid(call, 'whsec-another-secret-xx')).toBe(false);
      const body = JSON.parse(call.body);
      expect(body).toMatchObject({
        type: 'document.issued',
        deliveryId: call.headers['x-billing-delivery-id'],
        accountId: 'dl-vektor',
        document: { number: expect.any(String), kind: expect.any(String) },
      });
      expect(Number(call.headers['x-billing-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 600);
    }
    expect(new Set(receiver.calls.map((c) => JSON.parse(c.body).document.number))).toEqual(
      new Set(issued.map((d) => d.number)),
    );
  });

  it('a receiver that is down is retried with exponential back-off, with the same delivery id, and succeeds later', async () => {
    const log = await eventually(async () => {
      const entries = await deliveries(`?channel=webhook&recipient=${subscriptionId}`);
      return entries.length === 2 && entries.every((d) => d.status === 'delivered') ? entries : undefined;
    });
    for (const entry of log) {
      expect(entry.attempts).toBe(3);
      expect(entry.history.map((h: { outcome: string }) => h.outcome)).toEqual([
        'failed',
        'failed',
        'delivered',
      ]);
      expect(entry.history[0].detail).toMatch(/HTTP 503/);
      const calls = receiver.calls.filter((c) => c.headers['x-billing-delivery-id'] === entry.deliveryId);
      expect(calls.map((c) => c.status)).toEqual([503, 503, 200]);
      expect(calls.map((c) => c.headers['x-billing-delivery-attempt'])).toEqual(['1', '2', '3']);
      // Waits of at least base and 2·base between the attempts.
      expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(BASE_MS - 5);
      expect(calls[2]!.at - calls[1]!.at).toBeGreaterThanOrEqual(2 * BASE_MS - 5);
    }
  });

  it('redelivers on request, with the same delivery id', async () => {
    const [entry] = await deliveries(`?channel=webhook&status=delivered&limit=1`);
    const before = receiver.calls.length;
    const asked = await api.call('POST', `/v1/ops/deliveries/${entry!.deliveryId}/redeliver`, undefined, {
      role: 'ops',
    });
    expect(asked.status).toBe(202);
    expect(asked.body).toMatchObject({ deliveryId: entry!.deliveryId, status: 'pending', redeliveries: 1 });
    const call = await eventually(() => receiver.calls.slice(before).find((c) => c.status === 200));
    expect(call.headers['x-billing-delivery-id']).toBe(entry!.deliveryId);
    expect(signatureValid(call, SECRET)).toBe(true);
    const after = await eventually(async () => {
      const again = (
        await api.call('GET', `/v1/ops/deliveries/${entry!.deliveryId}`, undefined, { role: 'ops' })
      ).body;
      return again.status === 'delivered' && again.attempts === 4 ? again : undefined;
    });
    expect(after.redeliveries).toBe(1);

    const mail = (await deliveries('?channel=email&limit=1'))[0]!;
    await eventually(() => smtp.mails.length >= 2 || undefined);
    const mails = smtp.mails.length;
    expect(
      (await api.call('POST', `/v1/ops/deliveries/${mail.deliveryId}/redeliver`, undefined, { role: 'ops' }))
        .status,
    ).toBe(202);
    await eventually(() =>
      smtp.mails
        .slice(mails)
        .find((m) => m.raw.toLowerCase().includes(`x-billing-delivery-id: ${mail.deliveryId}`)),
    );
  });

  it('the webhook secret is sealed in the log and never shown; subscriptions are listed without it', async () => {
    const events = await api.store.readAll({ maxCount: 100_000 });
    expect(JSON.stringify(events.map((e) => e.data))).not.toContain(SECRET);
    expect(JSON.stringify(events.map((e) => e.data))).not.toContain(OWNER);
    const listed = await api.call('GET', '/v1/ops/webhooks', undefined, { role: 'ops' });
    expect(listed.body.subscriptions).toEqual([
      expect.objectContaining({ subscriptionId, url: receiver.url, active: true }),
    ]);
    expect(JSON.stringify(listed.body)).not.toContain(SECRET);
  });

  it.each([
    ['url', { url: 'ftp://example.com/hook', secret: SECRET }],
    ['url', { url: 'http://user:pw@example.com/hook', secret: SECRET }],
    ['url', { secret: SECRET }],
    ['secret', { url: 'https://example.com/hook', secret: 'short' }],
    ['secret', { url: 'https://example.com/hook', secret: 'has spaces in the secret value' }],
    ['secret', { url: 'https://example.com/hook' }],
  ])('POST /v1/ops/webhooks: 400 naming %s; nothing stored', async (field, body) => {
    const head = await api.store.headPosition();
    const response = await api.call('POST', '/v1/ops/webhooks', body, { role: 'ops' });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(JSON.stringify(response.body)).not.toContain(SECRET);
    expect(await api.store.headPosition()).toBe(head);
  });

  it.each([
    ['channel', '?channel=fax'],
    ['status', '?status=lost'],
    ['limit', '?limit=0'],
    ['colour', '?colour=red'],
  ])('GET /v1/ops/deliveries: 400 naming %s', async (field, query) => {
    const response = await api.call('GET', `/v1/ops/deliveries${query}`, undefined, { role: 'ops' });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
  });

  it('404 for an unknown delivery; 400 for a malformed id', async () => {
    const unknown = await api.call('POST', `/v1/ops/deliveries/dlv_${'0'.repeat(32)}/redeliver`, undefined, {
      role: 'ops',
    });
    expect(unknown.status).toBe(404);
    const malformed = await api.call('POST', '/v1/ops/deliveries/x/redeliver', undefined, { role: 'ops' });
    expect(malformed.status).toBe(400);
  });

  it('only ops see the log and redeliver', async () => {
    expect((await api.call('GET', '/v1/ops/deliveries', undefined, { role: 'service' })).status).toBe(403);
    expect((await api.call('POST', '/v1/ops/webhooks', { url: receiver.url, secret: SECRET })).status).toBe(
      403,
    );
  });

  it('unsubscribing stops announcing later documents (DELETE /v1/ops/webhooks/:id)', async () => {
    const response = await api.call('DELETE', `/v1/ops/webhooks/${subscriptionId}`, undefined, {
      role: 'ops',
    });
    expect(response).toMatchObject({ status: 200, body: { eventTypes: ['WebhookUnsubscribed'] } });
    expect((await api.call('DELETE', '/v1/ops/webhooks/wh_nobody', undefined, { role: 'ops' })).status).toBe(
      404,
    );
  });
});
