import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import {
  opened,
  openedInTheFuture,
  settled,
  succeeded,
  suspendableLegal,
  trialIndividual,
  used,
} from '../../../test/support/given-accounts.js';
import { individual } from '../../../test/support/requests.js';

const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

const check = (accountId: string, sku: string, role?: null | 'ops' | 'auditor') => ({
  method: 'GET' as const,
  path: `/v1/accounts/${accountId}/entitlements/${sku}`,
  ...(role === undefined ? {} : { role }),
});
const frozen = (accountId: string) => [opened(accountId), used(accountId, `${accountId}-u1`, '5')];

describe('GET /v1/accounts/:id/entitlements/:sku', () => {
  it('an active account may consume a known SKU; the check stores nothing', () =>
    spec
      .given(opened('en-anna'))
      .when(check('en-anna', 'test.unit'))
      .then(
        expectResponse(200, {
          accountId: 'en-anna',
          sku: 'test.unit',
          at: NOW,
          allowed: true,
          reason: 'OK',
          message: 'Allowed',
        }),
        expectNoNewEvents(),
      ));

  it('UNKNOWN_SKU: a SKU not in the catalog in force is not allowed', () =>
    spec
      .given(opened('en-unknown'))
      .when(check('en-unknown', 'no.such.sku'))
      .then(expectResponse(200, { allowed: false, reason: 'UNKNOWN_SKU' }), expectNoNewEvents()));

  it('ACCOUNT_FROZEN: a frozen account may not start compute', () =>
    spec
      .given(...frozen('en-frozen'))
      .when(check('en-frozen', 'test.unit'))
      .then(
        expectResponse(200, {
          allowed: false,
          reason: 'ACCOUNT_FROZEN',
          message: 'The balance is -5: top up to unfreeze',
        }),
        expectNoNewEvents(),
      ));

  it('a frozen account keeps its storage running (and charged)', () =>
    spec
      .given(...frozen('en-frozen-disk'))
      .when(check('en-frozen-disk', 'storage.ssd.gb.hour'))
      .then(expectResponse(200, { allowed: true, reason: 'OK' }), expectNoNewEvents()));

  it('PAYMENT_REQUIRED: still allowed until the suspension date', () =>
    spec
      // The debt also raises a bill for a bank-transfer payer (seed 004): settled, its document is issued.
      .given(opened(suspendableLegal('en-unpaid')), used('en-unpaid', 'en-unpaid-u1', '1'), settled)
      .when(check('en-unpaid', 'test.unit'))
      .then(
        expectResponse(200, {
          allowed: true,
          reason: 'PAYMENT_REQUIRED',
          until: '2026-03-17T09:00:00.000Z',
        }),
        expectNoNewEvents(),
      ));

  it('ACCOUNT_SUSPENDED: a trial that ended is not allowed until upgraded, with the deletion date', () =>
    spec
      .given(opened(trialIndividual('en-trial')), succeeded('POST', '/v1/accounts/en-trial/grants/expire'))
      .when(check('en-trial', 'test.unit'))
      .then(
        expectResponse(200, {
          allowed: false,
          reason: 'ACCOUNT_SUSPENDED',
          until: '2026-05-09T09:00:00.000Z',
        }),
        expectNoNewEvents(),
      ));

  it.each(['ops', 'auditor'] as const)('the %s role may check too', (role) =>
    spec
      .given(opened(`en-${role}`))
      .when(check(`en-${role}`, 'test.unit', role))
      .then(expectResponse(200, { allowed: true }), expectNoNewEvents()),
  );

  it('a check after the period has ended, before its close fired, opens and closes nothing', async () => {
    const api = await spec.api();
    await opened('en-late')(api);
    // Past the Moscow month end (21:00Z on 31 March) without firing the close deadline.
    api.clock.set('2026-03-31T21:30:00.000Z');
    await spec
      .given()
      .when(check('en-late', 'test.unit'))
      .then(expectResponse(200, { allowed: true, at: '2026-03-31T21:30:00.000Z' }), expectNoNewEvents());
  });

  it('401 without a key', () =>
    spec
      .given(opened('en-anonymous'))
      .when(check('en-anonymous', 'test.unit', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));

  it('BEFORE_ACCOUNT_OPENED: an account opened with a future date has no period now', () =>
    spec
      .given(openedInTheFuture({ ...individual('en-future'), openedAt: '2026-04-05T09:00:00+03:00' }))
      .when(check('en-future', 'test.unit'))
      .then(expectProblem(422, 'BEFORE_ACCOUNT_OPENED'), expectNoNewEvents()));

  it('400 naming the path id for a malformed SKU', () =>
    spec
      .given(opened('en-bad-sku'))
      .when(check('en-bad-sku', 'no%20such'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'id'), expectNoNewEvents()));

  it('400 naming accountId for a malformed account id', () =>
    spec
      .given()
      .when(check('_underscore-first', 'test.unit'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents()));

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(check('en-nobody', 'test.unit'))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});
