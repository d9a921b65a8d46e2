import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import { opened, publicOfferLegal, succeeded } from '../../../test/support/given-accounts.js';
import { individual } from '../../../test/support/requests.js';
import { PersonalDataVault } from '../../platform/personal-data/personal-data-vault.js';
import { AccountBook } from '../../accounts/account-book.js';

const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

const put = (accountId: string, body: unknown, role?: null | 'ops' | 'auditor') => ({
  method: 'PUT' as const,
  path: `/v1/accounts/${accountId}/owner-email`,
  body,
  ...(role === undefined ? {} : { role }),
});

let bad = 0;

describe('PUT /v1/accounts/:id/owner-email', () => {
  it('sets the owner’s e-mail, sealed at rest with the account’s key (never in clear in the log)', async () => {
    const result = await spec
      .given(opened('oe-anna'))
      .when(put('oe-anna', { ownerEmail: 'anna@example.com' }))
      .then(
        expectResponse(200, {
          status: 'accepted',
          streamId: 'account-oe-anna',
          eventTypes: ['OwnerEmailChanged'],
        }),
        expectNewEvents('account-oe-anna', [
          {
            type: 'OwnerEmailChanged',
            data: { accountId: 'oe-anna', at: NOW, personal: { sealed: expect.any(String) } },
          },
        ]),
      );
    expect(JSON.stringify(result.newEvents.map((e) => e.data))).not.toContain('anna@example.com');
    const vault = (await spec.api()).app.get(PersonalDataVault);
    expect(vault.unseal('oe-anna', (result.newEvents[0]!.data as any).personal.sealed)).toEqual({
      ownerEmail: 'anna@example.com',
    });
    expect((await (await spec.api()).app.get(AccountBook).state('oe-anna')).ownerEmail).toBe(
      'anna@example.com',
    );
  });

  it('at opening: ownerEmail is its own sealed OwnerEmailChanged beside AccountOpened', async () => {
    await spec
      .given()
      .when({
        method: 'POST',
        path: '/v1/accounts',
        body: { ...publicOfferLegal('oe-open'), ownerEmail: 'buh@romashka.ru' },
      })
      .then(
        expectResponse(201, { status: 'accepted', eventTypes: ['AccountOpened', 'OwnerEmailChanged'] }),
        expectNewEvents('account-oe-open', [
          { type: 'AccountOpened' },
          { type: 'OwnerEmailChanged', data: { personal: { sealed: expect.any(String) } } },
        ]),
      );
    const api = await spec.api();
    const raw = await api.store.readAll({ direction: 'forwards', maxCount: 10_000 });
    expect(JSON.stringify(raw.map((e) => e.data))).not.toContain('buh@romashka.ru');
    expect((await api.app.get(AccountBook).state('oe-open')).ownerEmail).toBe('buh@romashka.ru');
  });

  it('the same e-mail again changes nothing', () =>
    spec
      .given(
        opened('oe-again'),
        succeeded('PUT', '/v1/accounts/oe-again/owner-email', { ownerEmail: 'a@b.co' }),
      )
      .when(put('oe-again', { ownerEmail: 'a@b.co' }))
      .then(expectResponse(200, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents()));

  it.each([
    ['no @', { ownerEmail: 'anna.example.com' }],
    ['a space', { ownerEmail: 'anna @example.com' }],
    ['a line break (header injection)', { ownerEmail: 'anna@example.com\r\nBcc: x@evil.io' }],
    ['no dot in the domain', { ownerEmail: 'anna@localhost' }],
    ['too long', { ownerEmail: `${'a'.repeat(60)}@${'b'.repeat(200)}.com` }],
    ['a number', { ownerEmail: 42 }],
    ['missing', {}],
    ['an unknown field', { ownerEmail: 'a@b.co', colour: 'red' }],
  ])('400 naming the field for %s; nothing stored', (_case, body) => {
    const id = `oe-bad-${++bad}`;
    return spec
      .given(opened(id))
      .when(put(id, body))
      .then(
        expectProblem(400, 'VALIDATION_FAILED', 'colour' in body ? 'colour' : 'ownerEmail'),
        expectNoNewEvents(),
      );
  });

  it('400 naming ownerEmail at opening; nothing stored', () =>
    spec
      .given()
      .when({
        method: 'POST',
        path: '/v1/accounts',
        body: { ...individual('oe-bad-open'), ownerEmail: 'not-an-email' },
      })
      .then(expectProblem(400, 'VALIDATION_FAILED', 'ownerEmail'), expectNoNewEvents()));

  it.each(['ops', 'auditor'] as const)('403 for the %s role; nothing stored', (role) =>
    spec
      .given(opened(`oe-${role}`))
      .when(put(`oe-${role}`, { ownerEmail: 'a@b.co' }, role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(put('oe-nobody', { ownerEmail: 'a@b.co' }))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});
