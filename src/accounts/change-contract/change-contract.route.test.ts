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
  trialIndividual,
} from '../../../test/support/given-accounts.js';
import { individual } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

const NOW = '2026-03-10T09:00:00.000Z';
const postpaid = {
  contract: 'individual-contract',
  paymentScheme: 'postpaid',
  profileId: 'vk-legal-postpaid',
};
const change = (accountId: string, body: Record<string, unknown>, role?: null | 'ops' | 'auditor') => ({
  method: 'PUT' as const,
  path: `/v1/accounts/${accountId}/contract`,
  body,
  ...(role === undefined ? {} : { role }),
});

describe('PUT /v1/accounts/:id/contract', () => {
  it('moves a legal entity to postpaid on an individual contract with the postpaid profile', () =>
    spec
      .given(opened(publicOfferLegal('cc-romashka')))
      .when(change('cc-romashka', postpaid))
      .then(
        expectResponse(200, {
          status: 'accepted',
          streamId: 'account-cc-romashka',
          eventTypes: ['ContractChanged'],
        }),
        expectNewEvents('account-cc-romashka', [
          {
            type: 'ContractChanged',
            data: {
              accountId: 'cc-romashka',
              at: NOW,
              contract: 'individual-contract',
              paymentScheme: 'postpaid',
              profileId: 'vk-legal-postpaid',
              profileVersion: 1,
            },
          },
        ]),
        expectNewEvents('ledger-cc-romashka@2026-03', []),
      ));

  it('the same terms again change nothing (a PUT is idempotent)', () =>
    spec
      .given(
        opened(publicOfferLegal('cc-again')),
        succeeded('PUT', '/v1/accounts/cc-again/contract', postpaid),
      )
      .when(change('cc-again', postpaid))
      .then(expectResponse(200, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents()));

  it('upgrading from a trial ends its trial suspension in the ledger', () =>
    spec
      .given(
        opened(trialIndividual('cc-trial')),
        // No usable grant is left: the trial has ended and the account is suspended.
        succeeded('POST', '/v1/accounts/cc-trial/grants/expire'),
      )
      .when(
        change('cc-trial', {
          contract: 'public-offer',
          paymentScheme: 'prepaid',
          profileId: 'vk-individual-prepaid',
        }),
      )
      .then(
        expectResponse(200, { status: 'accepted', eventTypes: ['ContractChanged'] }),
        expectNewEvents('account-cc-trial', [
          { type: 'ContractChanged', data: { profileId: 'vk-individual-prepaid' } },
        ]),
        expectNewEvents('ledger-cc-trial@2026-03', [
          { type: 'AccountRestored', data: { at: NOW, suspendedAt: NOW, balance: '0' } },
        ]),
      ));

  it.each([
    [
      'POSTPAID_NEEDS_INDIVIDUAL_CONTRACT',
      'contract',
      publicOfferLegal('cc-r1'),
      { ...postpaid, contract: 'public-offer' },
    ],
    ['INDIVIDUAL_POSTPAID', 'paymentScheme', individual('cc-r2'), postpaid],
    [
      'PROFILE_UNKNOWN',
      'profileId',
      publicOfferLegal('cc-r3'),
      { ...postpaid, profileId: 'no-such-profile' },
    ],
    [
      'PROFILE_NOT_APPLICABLE',
      'profileId',
      publicOfferLegal('cc-r4'),
      { ...postpaid, profileId: 'vk-legal-prepaid' },
    ],
  ])('%s: refused naming %s; nothing stored', (code, field, account, body) =>
    spec
      .given(opened(account))
      .when(change(account.accountId, body))
      .then(expectProblem(422, code, field), expectNoNewEvents()),
  );

  it.each([
    ['paymentScheme', { ...postpaid, paymentScheme: 'monthly' }],
    ['contract', { ...postpaid, contract: undefined }],
    ['profileId', { ...postpaid, profileId: 'x'.repeat(65) }],
    ['colour', { ...postpaid, colour: 'red' }],
  ])('400 naming %s for a malformed body; nothing stored', (field, body) =>
    spec
      .given(opened(publicOfferLegal(`cc-b-${field}`)))
      .when(change(`cc-b-${field}`, body))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it('400 naming accountId for a malformed account id in the path', () =>
    spec
      .given()
      .when(change('-bad', postpaid))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents()));

  it.each(['ops', 'auditor'] as const)('403 for the %s role; nothing stored', (role) =>
    spec
      .given(opened(publicOfferLegal(`cc-${role}`)))
      .when(change(`cc-${role}`, postpaid, role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );

  it('401 without a key; nothing stored', () =>
    spec
      .given(opened(publicOfferLegal('cc-anonymous')))
      .when(change('cc-anonymous', postpaid, null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(change('cc-nobody', postpaid))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});
