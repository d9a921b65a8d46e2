import { CommandBus } from '@nestjs/cqrs';
import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import {
  opened,
  publicOfferLegal,
  succeeded,
  testMeta,
  toppedUp,
} from '../../../test/support/given-accounts.js';
import { usage } from '../../../test/support/requests.js';
import { DeleteAccount } from '../delete-account/delete-account.command.js';

/** 15 March 2026, 12:00 Moscow time: the closure instant of every scenario. */
const NOW = '2026-03-15T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

const close = (
  accountId: string,
  body: unknown = { reason: 'moving to another provider' },
  extra: { role?: null | 'ops' | 'auditor'; headers?: Record<string, string> } = {},
) => ({ method: 'POST' as const, path: `/v1/accounts/${accountId}/closure`, body, ...extra });
const closed = (accountId: string) =>
  succeeded('POST', `/v1/accounts/${accountId}/closure`, { reason: 'moving to another provider' });
const use = (accountId: string, id: string, at: string) => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/usage`,
  body: usage(id, 'test.unit', '1', at),
});

describe('POST /v1/accounts/:id/closure (issue 14, item 5)', () => {
  it('records AccountClosureRequested with the reason and who asked', () =>
    spec
      .given(opened(publicOfferLegal('ca-romashka')))
      .when(close('ca-romashka'))
      .then(
        expectResponse(201, {
          status: 'accepted',
          streamId: 'account-ca-romashka',
          eventTypes: ['AccountClosureRequested'],
        }),
        expectNewEvents('account-ca-romashka', [
          {
            type: 'AccountClosureRequested',
            data: {
              accountId: 'ca-romashka',
              at: NOW,
              reason: 'moving to another provider',
              by: 'service:test-service',
            },
          },
        ]),
      ));

  it('takes no body too (the reason is optional)', () =>
    spec
      .given(opened('ca-no-reason'))
      .when(close('ca-no-reason', {}))
      .then(
        expectResponse(201, { eventTypes: ['AccountClosureRequested'] }),
        expectNewEvents('account-ca-no-reason', [
          { type: 'AccountClosureRequested', data: { accountId: 'ca-no-reason', at: NOW } },
        ]),
      ));

  it('a retry with the same Idempotency-Key replays the first answer', async () => {
    const headers = { 'idempotency-key': 'ca-key-1' };
    const api = await spec.api();
    await opened('ca-keyed')(api);
    const first = await api.call('POST', '/v1/accounts/ca-keyed/closure', { reason: 'done' }, { headers });
    expect(first.status).toBe(201);
    const retry = await spec
      .given()
      .when(close('ca-keyed', { reason: 'done' }, { headers }))
      .then(expectResponse(201, first.body), expectNoNewEvents());
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('a second closure is a conflict naming the first: 409 ACCOUNT_ALREADY_CLOSING, nothing stored', () =>
    spec
      .given(opened('ca-twice'), closed('ca-twice'))
      .when(close('ca-twice', { reason: 'again' }))
      .then(expectProblem(409, 'ACCOUNT_ALREADY_CLOSING'), expectNoNewEvents()));

  it.each([
    ['a reason that is not text', 'ca-bad-type', { reason: 42 }],
    ['a reason longer than 500 characters', 'ca-bad-long', { reason: 'x'.repeat(501) }],
  ])('400 naming reason for %s; nothing stored', (_case, accountId, body) =>
    spec
      .given(opened(accountId))
      .when(close(accountId, body))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'reason'), expectNoNewEvents()),
  );

  it('403 for a key without accounts:write (an auditor); nothing stored', () =>
    spec
      .given(opened('ca-auditor'))
      .when(close('ca-auditor', {}, { role: 'auditor' }))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()));

  it('404 for an unknown account; nothing stored', () =>
    spec.given().when(close('ca-nobody')).then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));

  it('422 ACCOUNT_DELETED for a deleted account; nothing stored', () =>
    spec
      .given(opened('ca-deleted'), (api) =>
        api.app.get(CommandBus).execute(new DeleteAccount('ca-deleted', NOW, testMeta())),
      )
      .when(close('ca-deleted'))
      .then(expectProblem(422, 'ACCOUNT_DELETED'), expectNoNewEvents()));
});

describe('A closing account refuses new usage and top-ups at once', () => {
  it('usage at the closure instant or later: 422 ACCOUNT_CLOSING naming windowEnd, nothing stored', () =>
    spec
      .given(
        opened('ca-use-after'),
        toppedUp('ca-use-after', 'ca-use-after-p', '100'),
        closed('ca-use-after'),
      )
      .when(use('ca-use-after', 'ca-u-after', '2026-03-15T12:00:00+03:00'))
      .then(expectProblem(422, 'ACCOUNT_CLOSING', 'windowEnd'), expectNoNewEvents()));

  it('usage reported late whose window ended before the closure is still charged', () =>
    spec
      .given(
        opened('ca-use-before'),
        toppedUp('ca-use-before', 'ca-use-before-p', '100'),
        closed('ca-use-before'),
      )
      .when(use('ca-use-before', 'ca-u-before', '2026-03-15T11:00:00+03:00'))
      .then(
        expectResponse(201, { status: 'accepted', eventTypes: ['ResourceConsumed'] }),
        expectNewEvents('ledger-ca-use-before@2026-03', [
          { type: 'ResourceConsumed', data: { usageRecordId: 'ca-u-before', amount: '1' } },
        ]),
      ));

  it('the entitlement answers ACCOUNT_CLOSING: nothing new is allowed', () =>
    spec
      .given(opened('ca-entitled'), toppedUp('ca-entitled', 'ca-entitled-p', '100'), closed('ca-entitled'))
      .when({ method: 'GET', path: '/v1/accounts/ca-entitled/entitlements/test.unit' })
      .then(
        expectResponse(200, { allowed: false, reason: 'ACCOUNT_CLOSING', at: NOW }),
        expectNoNewEvents(),
      ));

  it('a top-up with nothing owed: 422 ACCOUNT_CLOSING naming amount, nothing stored', () =>
    spec
      .given(opened('ca-top-up'), closed('ca-top-up'))
      .when({
        method: 'POST',
        path: '/v1/accounts/ca-top-up/top-ups',
        body: { paymentId: 'ca-top-up-p', amount: '100', currency: 'RUB', channel: 'card' },
      })
      .then(expectProblem(422, 'ACCOUNT_CLOSING', 'amount'), expectNoNewEvents()));
});
