import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import {
  opened,
  postpaidLegal,
  settled,
  succeeded,
  thenSettled,
  toppedUp,
  used,
} from '../../../test/support/given-accounts.js';
import { individual } from '../../../test/support/requests.js';

const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

const FEBRUARY_OPENING = '2026-02-05T09:00:00+03:00';
const close = (accountId: string, periodId: string, role?: null | 'ops' | 'auditor') => ({
  method: 'POST' as const,
  path: `/v1/accounts/${accountId}/periods/${periodId}/close`,
  ...(role === undefined ? {} : { role }),
});
/**
 * An individual opened on 5 February, topped up 100 and charged 30 in February. February has ended but is
 * still open: its close deadline only fires when the clock is advanced, which no scenario here does.
 */
const februaryIndividual = (accountId: string) => [
  opened({ ...individual(accountId), openedAt: FEBRUARY_OPENING }),
  toppedUp(accountId, `${accountId}-p1`, '100', { paidAt: '2026-02-10T12:00:00+03:00' }),
  used(accountId, `${accountId}-u1`, '30', '2026-02-12T12:00:00+03:00'),
];

describe('POST /v1/accounts/:id/periods/:periodId/close', () => {
  it('closes an ended period with its totals and opens the next one with what it carries', () =>
    spec
      .given(...februaryIndividual('cp-anna'))
      .when(close('cp-anna', '2026-02'))
      .then(
        expectResponse(200, {
          accountId: 'cp-anna',
          closedPeriod: '2026-02',
          openPeriod: '2026-03',
          carried: true,
        }),
        expectNewEvents('ledger-cp-anna@2026-02', [
          {
            type: 'PeriodClosed',
            data: {
              periodId: '2026-02',
              closedAt: NOW,
              openingBalance: '0',
              closingBalance: '70',
              deposits: '100',
              consumption: '30',
              spentFromBalance: '30',
              penalties: '0',
              byService: [
                { service: 'Test Service', category: 'compute', consumption: '30', fromBalance: '30' },
              ],
              carried: { balance: '70', status: 'active', everPaid: true },
            },
          },
        ]),
        expectNewEvents('ledger-cp-anna@2026-03', [
          {
            type: 'PeriodOpened',
            data: {
              periodId: '2026-03',
              startsAt: '2026-02-28T21:00:00.000Z',
              carried: { balance: '70', status: 'active' },
            },
          },
        ]),
        thenSettled,
      ));

  it('a postpaid account’s period closes with its bill', () =>
    spec
      .given(
        opened({ ...postpaidLegal('cp-romashka'), openedAt: FEBRUARY_OPENING }),
        used('cp-romashka', 'cp-romashka-u1', '40.5', '2026-02-12T12:00:00+03:00'),
      )
      .when(close('cp-romashka', '2026-02', 'ops'))
      .then(
        expectResponse(200, { closedPeriod: '2026-02', openPeriod: '2026-03' }),
        expectNewEvents('ledger-cp-romashka@2026-02', [
          {
            type: 'BillIssued',
            data: {
              billId: 'cp-romashka-2026-02',
              kind: 'period',
              amount: '40.5',
              issuedOn: '2026-03-01',
              dueDate: '2026-03-14',
            },
          },
          { type: 'PeriodClosed', data: { closingBalance: '-40.5' } },
        ]),
        expectNewEvents('ledger-cp-romashka@2026-03', [
          {
            type: 'PeriodOpened',
            data: {
              carried: { balance: '-40.5', openBills: [{ billId: 'cp-romashka-2026-02', amount: '40.5' }] },
            },
          },
        ]),
        // The closed period's documents are issued in the background: wait, so they land in no later scenario.
        thenSettled,
      ));

  it('closing it again answers the same and stores nothing', () =>
    spec
      .given(
        ...februaryIndividual('cp-again'),
        succeeded('POST', '/v1/accounts/cp-again/periods/2026-02/close'),
        settled,
      )
      .when(close('cp-again', '2026-02'))
      .then(
        expectResponse(200, { closedPeriod: '2026-02', openPeriod: '2026-03', carried: true }),
        expectNoNewEvents(),
      ));

  it('PERIOD_NOT_ENDED: the current period cannot be closed yet; nothing stored', () =>
    spec
      .given(opened('cp-current'))
      .when(close('cp-current', '2026-03'))
      .then(expectProblem(422, 'PERIOD_NOT_ENDED'), expectNoNewEvents()));

  it('PERIOD_NOT_ENDED: nor a future one', () =>
    spec
      .given(opened('cp-future'))
      .when(close('cp-future', '2026-05'))
      .then(expectProblem(422, 'PERIOD_NOT_ENDED'), expectNoNewEvents()));

  it('BEFORE_ACCOUNT_OPENED: a period before the account was opened; nothing stored', () =>
    spec
      .given(opened('cp-before'))
      .when(close('cp-before', '2026-01'))
      .then(expectProblem(422, 'BEFORE_ACCOUNT_OPENED'), expectNoNewEvents()));

  it.each(['2026-13', '2026-3', 'march'])(
    'INVALID_PERIOD: %s is refused naming periodId; nothing stored',
    (periodId) =>
      spec
        .given(opened(`cp-invalid-${periodId}`))
        .when(close(`cp-invalid-${periodId}`, periodId))
        .then(expectProblem(422, 'INVALID_PERIOD', 'periodId'), expectNoNewEvents()),
  );

  it('400 naming accountId for a malformed account id', () =>
    spec
      .given()
      .when(close('-dash-first', '2026-02'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'accountId'), expectNoNewEvents()));

  it('403 for the auditor role; nothing stored', () =>
    spec
      .given(...februaryIndividual('cp-auditor'))
      .when(close('cp-auditor', '2026-02', 'auditor'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()));

  it('401 without a key; nothing stored', () =>
    spec
      .given(...februaryIndividual('cp-anonymous'))
      .when(close('cp-anonymous', '2026-02', null))
      .then(expectProblem(401, 'UNAUTHENTICATED'), expectNoNewEvents()));

  it('404 for an unknown account', () =>
    spec
      .given()
      .when(close('cp-nobody', '2026-02'))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents()));
});
