import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import {
  creditLimitSet,
  grantIssued,
  midPeriodBillId,
  opened,
  thenSettled,
  toppedUp,
  used,
} from '../../../test/support/given-accounts.js';
import { creditLegal, usage } from '../../../test/support/requests.js';

const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

/** The default usage time of `usage()`: 2026-03-10 12:00 in Moscow, the clock's now. */
const USED_AT = '2026-03-10T12:00:00+03:00';

const consume = (accountId: string, body: Record<string, unknown>, role?: null | 'ops' | 'auditor') => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/usage`,
  body,
  ...(role === undefined ? {} : { role }),
});
const batch = (
  records: unknown[],
  options: { role?: null | 'ops' | 'auditor'; headers?: Record<string, string> } = {},
) => ({
  method: 'POST' as const,
  path: '/v1/usage/batch',
  body: { records },
  ...options,
});
const fundedIndividual = (accountId: string, amount = '100') => [
  opened(accountId),
  toppedUp(accountId, `${accountId}-p1`, amount),
];

describe('POST /v1/accounts/:id/usage', () => {
  it('rates the usage and charges it to the balance in the period of its window', () =>
    spec
      .given(...fundedIndividual('cr-anna'))
      .when(consume('cr-anna', usage('cr-u1', 'test.unit', '2.5')))
      .then(
        expectResponse(201, {
          status: 'accepted',
          streamId: 'ledger-cr-anna@2026-03',
          eventTypes: ['ResourceConsumed'],
        }),
        expectNewEvents('ledger-cr-anna@2026-03', [
          {
            type: 'ResourceConsumed',
            data: {
              usageRecordId: 'cr-u1',
              sku: 'test.unit',
              service: 'Test Service',
              category: 'compute',
              unit: 'unit',
              quantity: '2.5',
              windowStart: USED_AT,
              windowEnd: USED_AT,
              amount: '2.5',
              fromGrants: [],
              fromBalance: '2.5',
              balanceAfter: '97.5',
            },
          },
        ]),
      ));

  it('a grant in scope pays first', () =>
    spec
      .given(
        ...fundedIndividual('cr-granted'),
        grantIssued('cr-granted', {
          grantId: 'cr-g1',
          kind: 'promo',
          amount: '3',
          issuedAt: '2026-03-09T00:00:00Z',
          expiresAt: '2026-04-30T00:00:00Z',
        }),
      )
      .when(consume('cr-granted', usage('cr-u2', 'test.unit', '5')))
      .then(
        expectResponse(201, { status: 'accepted' }),
        expectNewEvents('ledger-cr-granted@2026-03', [
          {
            type: 'ResourceConsumed',
            data: {
              amount: '5',
              fromGrants: [{ grantId: 'cr-g1', amount: '3' }],
              fromBalance: '2',
              balanceAfter: '98',
            },
          },
        ]),
      ));

  it('a retry of the same usage record stores nothing', () =>
    spec
      .given(...fundedIndividual('cr-retry'), used('cr-retry', 'cr-u3', '1'))
      .when(consume('cr-retry', usage('cr-u3', 'test.unit', '1')))
      .then(expectResponse(201, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents()));

  it('a retry with the same Idempotency-Key replays the first answer', async () => {
    const headers = { 'idempotency-key': 'cr-key-1' };
    const record = usage('cr-u4', 'test.unit', '1');
    const api = await spec.api();
    for (const step of fundedIndividual('cr-keyed')) await step(api);
    const first = await api.call('POST', '/v1/accounts/cr-keyed/usage', record, { headers });
    const retry = await spec
      .given()
      .when({ ...consume('cr-keyed', record), headers })
      .then(expectResponse(201, first.body), expectNoNewEvents());
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('usage that takes a first-provider individual below zero freezes the account in the same decision', () =>
    spec
      .given(opened('cr-freeze'))
      .when(consume('cr-freeze', usage('cr-u5', 'test.unit', '4')))
      .then(
        expectResponse(201, { eventTypes: ['ResourceConsumed', 'AccountFrozen'] }),
        expectNewEvents('ledger-cr-freeze@2026-03', [
          { type: 'ResourceConsumed', data: { balanceAfter: '-4' } },
          {
            type: 'AccountFrozen',
            data: { balance: '-4', at: NOW, deleteObjectsAt: '2026-03-13T09:00:00.000Z', everPaid: false },
          },
        ]),
      ));

  it('usage beyond a credit limit issues a mid-period bill for the whole debt', () =>
    spec
      .given(opened(creditLegal('cr-credit')), creditLimitSet('cr-credit', '100'))
      .when(consume('cr-credit', usage('cr-u6', 'test.unit', '120')))
      .then(
        expectResponse(201, { eventTypes: ['ResourceConsumed', 'BillIssued'] }),
        expectNewEvents('ledger-cr-credit@2026-03', [
          { type: 'ResourceConsumed', data: { balanceAfter: '-120' } },
          {
            type: 'BillIssued',
            data: {
              billId: midPeriodBillId('cr-credit'),
              kind: 'mid-period',
              amount: '120',
              issuedOn: '2026-03-10',
              dueDate: '2026-03-12',
              reason: 'credit limit exhausted',
            },
          },
        ]),
        // The bill's document is issued in the background: wait, so it lands in no later scenario.
        thenSettled,
      ));

  it.each([
    ['UNKNOWN_SKU', 'sku', usage('cr-r1', 'no.such.sku', '1')],
    [
      'INVALID_WINDOW',
      'windowStart',
      { ...usage('cr-r2', 'test.unit', '1'), windowEnd: '2026-03-10T11:00:00+03:00' },
    ],
  ])('%s: refused naming %s; nothing stored', (code, field, record) =>
    spec
      .given(...fundedIndividual(`cr-${code}`))
      .when(consume(`cr-${code}`, record))
      .then(expectProblem(422, code, field), expectNoNewEvents()),
  );

  it('ACCOUNT_FROZEN: a frozen account is not charged for compute; nothing stored', () =>
    spec
      .given(opened('cr-frozen'), used('cr-frozen', 'cr-f1', '1'))
      .when(consume('cr-frozen', usage('cr-f2', 'test.unit', '1')))
      .then(expectProblem(422, 'ACCOUNT_FROZEN'), expectNoNewEvents()));

  it('EFFECTIVE_TIME_IN_FUTURE: usage dated after now; nothing stored', () =>
    spec
      .given(opened('cr-future'))
      .when(consume('cr-future', usage('cr-r3', 'test.unit', '1', '2026-03-10T12:10:00+03:00')))
      .then(expectProblem(422, 'EFFECTIVE_TIME_IN_FUTURE'), expectNoNewEvents()));

  it('BEFORE_ACCOUNT_OPENED: usage dated before the account’s first period; nothing stored', () =>
    spec
      .given(opened('cr-early'))
      .when(consume('cr-early', usage('cr-r4', 'test.unit', '1', '2026-02-20T12:00:00+03:00')))
      .then(expectProblem(422, 'BEFORE_ACCOUNT_OPENED'), expectNoNewEvents()));

  it.each([
    ['quantity', 'cr-b1', usage('cr-b1', 'test.unit', 'lots')],
    ['quantity', 'cr-b2', { ...usage('cr-b2', 'test.unit', '1'), quantity: 1 }],
    ['quantity', 'cr-b3', usage('cr-b3', 'test.unit', '-1')],
    ['sku', 'cr-b4', usage('cr-b4', 'Compute VCPU', '1')],
    ['windowEnd', 'cr-b5', { ...usage('cr-b5', 'test.unit', '1'), windowEnd: '2026-03-10T12:00:00' }],
    ['usageRecordId', 'cr-b6', { ...usage('cr-b6', 'test.unit', '1'), usageRecordId: 'has space' }],
    ['accountId', 'cr-b7', { ...usage('cr-b7', 'test.unit', '1'), accountId: 'cr-b7' }],
  ])('400 naming %s for a malformed record (%s); nothing stored', (field, accountId, record) =>
    spec
      .given(...fundedIndividual(accountId))
      .when(consume(accountId, record))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('carries the project, the resource id and the labels into ResourceConsumed (issue 15)', () =>
    spec
      .given(...fundedIndividual('cr-projects'))
      .when(
        consume('cr-projects', {
          ...usage('cr-p1', 'test.unit', '1'),
          project: 'shop-prod',
          resourceId: 'vm-42',
          labels: { team: 'web', env: 'prod' },
        }),
      )
      .then(
        expectResponse(201, { status: 'accepted' }),
        expectNewEvents('ledger-cr-projects@2026-03', [
          {
            type: 'ResourceConsumed',
            data: {
              usageRecordId: 'cr-p1',
              project: 'shop-prod',
              resourceId: 'vm-42',
              labels: { env: 'prod', team: 'web' },
            },
          },
        ]),
      ));

  let attributionCase = 0;
  const labels = (count: number) =>
    Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v']));
  it.each([
    ['project', 'matches', { project: 'has space' }],
    ['project', 'isString', { project: 7 }],
    ['resourceId', 'matches', { resourceId: 'vm 1' }],
    ['labels', 'isBoundedLabels', { labels: labels(17) }],
    ['labels', 'isBoundedLabels', { labels: { Env: 'prod' } }],
    ['labels', 'isBoundedLabels', { labels: { ['k' + 'x'.repeat(63)]: 'v' } }],
    ['labels', 'isBoundedLabels', { labels: { env: 'v'.repeat(64) } }],
    ['labels', 'isBoundedLabels', { labels: { env: 42 } }],
    ['labels', 'isObject', { labels: ['env'] }],
  ])('400 naming %s (%s) for a bad attribution; nothing stored', async (field, rule, attribution) => {
    const accountId = `cr-attr-${(attributionCase += 1)}`;
    const result = await spec
      .given(...fundedIndividual(accountId))
      .when(consume(accountId, { ...usage(`${accountId}-u`, 'test.unit', '1'), ...attribution }))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents());
    expect((result.body as { errors: Array<{ field: string; rule: string }> }).errors).toContainEqual(
      expect.objectContaining({ field, rule }),
    );
  });

  it('16 labels with 63-character keys and values are accepted', () =>
    spec
      .given(...fundedIndividual('cr-labels-max'))
      .when(
        consume('cr-labels-max', {
          ...usage('cr-lm', 'test.unit', '1'),
          labels: Object.fromEntries(
            Array.from({ length: 16 }, (_, i) => [
              `k${String(i).padStart(2, '0')}${'x'.repeat(60)}`,
              'v'.repeat(63),
            ]),
          ),
        }),
      )
      .then(expectResponse(201, { status: 'accepted' })));

  it.each(['ops', 'auditor'] as const)('403 for the %s role; nothing stored', (role) =>
    spec
      .given(...fundedIndividual(`cr-${role}`))
      .when(consume(`cr-${role}`, usage(`cr-${role}-u`, 'test.unit', '1'), role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('401 without a key; nothing stored', () =>
    spec
      .given(...fundedIndividual('cr-anonymous'))
      .when(consume('cr-anonymous', usage('cr-anonymous-u', 'test.unit', '1'), null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(consume('cr-nobody', usage('cr-u7', 'test.unit', '1')))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});

describe('POST /v1/usage/batch', () => {
  it('a result per record: one malformed or refused record does not fail the others', () =>
    spec
      .given(...fundedIndividual('cb-anna'), used('cb-anna', 'cb-sent-before', '1'))
      .when(
        batch([
          { accountId: 'cb-anna', ...usage('cb-1', 'test.unit', '2') },
          { accountId: 'cb-anna', ...usage('cb-sent-before', 'test.unit', '1') },
          { accountId: 'cb-anna', ...usage('cb-2', 'no.such.sku', '1') },
          { accountId: 'cb-anna', ...usage('cb-3', 'test.unit', 'lots') },
          { accountId: 'cb-nobody', ...usage('cb-4', 'test.unit', '1') },
          usage('cb-5', 'test.unit', '1'),
          { accountId: 'cb-anna', ...usage('cb-6', 'test.unit', '3') },
        ]),
      )
      .then(
        expectResponse(200, {
          accepted: 2,
          duplicate: 1,
          rejected: 4,
          results: [
            { index: 0, usageRecordId: 'cb-1', result: 'accepted', eventTypes: ['ResourceConsumed'] },
            { index: 1, usageRecordId: 'cb-sent-before', result: 'duplicate', eventTypes: [] },
            { index: 2, usageRecordId: 'cb-2', result: 'rejected', code: 'UNKNOWN_SKU', field: 'sku' },
            {
              index: 3,
              usageRecordId: 'cb-3',
              result: 'rejected',
              code: 'VALIDATION_FAILED',
              field: 'quantity',
            },
            { index: 4, usageRecordId: 'cb-4', result: 'rejected', code: 'NOT_FOUND' },
            {
              index: 5,
              usageRecordId: 'cb-5',
              result: 'rejected',
              code: 'VALIDATION_FAILED',
              field: 'accountId',
            },
            { index: 6, usageRecordId: 'cb-6', result: 'accepted', eventTypes: ['ResourceConsumed'] },
          ],
        }),
        (result) =>
          expect(result.newEvents.map((e) => [e.streamId, e.type, (e.data as any).usageRecordId])).toEqual(
            expect.arrayContaining([
              ['ledger-cb-anna@2026-03', 'ResourceConsumed', 'cb-1'],
              ['ledger-cb-anna@2026-03', 'ResourceConsumed', 'cb-6'],
            ]),
          ),
        (result) => expect(result.newEvents).toHaveLength(2),
      ));

  it('records for several accounts, each charged in its own ledger', () =>
    spec
      .given(...fundedIndividual('cb-first'), ...fundedIndividual('cb-second'))
      .when(
        batch([
          { accountId: 'cb-first', ...usage('cb-7', 'test.unit', '1') },
          { accountId: 'cb-second', ...usage('cb-8', 'test.unit', '4') },
        ]),
      )
      .then(
        expectResponse(200, { accepted: 2, duplicate: 0, rejected: 0 }),
        expectNewEvents('ledger-cb-first@2026-03', [
          { type: 'ResourceConsumed', data: { balanceAfter: '99' } },
        ]),
        expectNewEvents('ledger-cb-second@2026-03', [
          { type: 'ResourceConsumed', data: { balanceAfter: '96' } },
        ]),
      ));

  it('a batch record carries its project and labels; a record with bad labels is rejected naming labels', () =>
    spec
      .given(...fundedIndividual('cb-projects'))
      .when(
        batch([
          {
            accountId: 'cb-projects',
            ...usage('cb-p1', 'test.unit', '1'),
            project: 'alpha',
            labels: { env: 'dev' },
          },
          { accountId: 'cb-projects', ...usage('cb-p2', 'test.unit', '1'), labels: { 'bad key': 'x' } },
        ]),
      )
      .then(
        expectResponse(200, {
          accepted: 1,
          rejected: 1,
          results: [
            { index: 0, result: 'accepted' },
            { index: 1, result: 'rejected', code: 'VALIDATION_FAILED', field: 'labels' },
          ],
        }),
        expectNewEvents('ledger-cb-projects@2026-03', [
          {
            type: 'ResourceConsumed',
            data: { usageRecordId: 'cb-p1', project: 'alpha', labels: { env: 'dev' } },
          },
        ]),
      ));

  it('a batch resent with the same Idempotency-Key replays the first answer and stores nothing', async () => {
    const api = await spec.api();
    for (const step of fundedIndividual('cb-keyed')) await step(api);
    const records = [{ accountId: 'cb-keyed', ...usage('cb-9', 'test.unit', '1') }];
    const headers = { 'idempotency-key': 'cb-key-1' };
    const first = await api.call('POST', '/v1/usage/batch', { records }, { headers });
    expect(first.body).toMatchObject({ accepted: 1 });
    await spec
      .given()
      .when(batch(records, { headers }))
      .then(expectResponse(200, first.body), expectNoNewEvents());
  });

  it('the same batch resent without a key: every record is a duplicate, nothing stored', () =>
    spec
      .given(...fundedIndividual('cb-again'), used('cb-again', 'cb-10', '1'))
      .when(batch([{ accountId: 'cb-again', ...usage('cb-10', 'test.unit', '1') }]))
      .then(expectResponse(200, { accepted: 0, duplicate: 1, rejected: 0 }), expectNoNewEvents()));

  it.each([
    ['an empty list', []],
    ['a record that is not an object', [{ accountId: 'cb-anna', ...usage('cb-11', 'test.unit', '1') }, 42]],
    [
      'more than 1000 records',
      Array.from({ length: 1001 }, (_, i) => ({
        accountId: 'cb-anna',
        ...usage(`cb-x${i}`, 'test.unit', '1'),
      })),
    ],
  ])('400 naming records for %s; nothing stored', (_name, records) =>
    spec
      .given()
      .when(batch(records))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'records'), expectNoNewEvents()),
  );

  it('400 naming records when records is not a list', () =>
    spec
      .given()
      .when({ method: 'POST', path: '/v1/usage/batch', body: { records: 'all of them' } })
      .then(expectProblem(400, 'VALIDATION_FAILED', 'records'), expectNoNewEvents()));

  it.each(['ops', 'auditor'] as const)('403 for the %s role; nothing stored', (role) =>
    spec
      .given(...fundedIndividual(`cb-${role}`))
      .when(batch([{ accountId: `cb-${role}`, ...usage(`cb-${role}-u`, 'test.unit', '1') }], { role }))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('401 without a key; nothing stored', () =>
    spec
      .given(...fundedIndividual('cb-anonymous'))
      .when(
        batch([{ accountId: 'cb-anonymous', ...usage('cb-anonymous-u', 'test.unit', '1') }], { role: null }),
      )
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));
});
