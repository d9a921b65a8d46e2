import { randomUUID } from 'node:crypto';
import {
  apiSpecification,
  expectNoNewEvents,
  expectResponse,
} from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { projectionsCaughtUp, projectionsOf } from '../../../test/support/read-models.js';
import { individual } from '../../../test/support/requests.js';

const spec = apiSpecification({ now: '2026-03-10T09:00:00.000Z' });
afterAll(() => spec.close());

const NAMES = [
  'account-balances',
  'account-status',
  'deadlines',
  'documents',
  'document-registers',
  'billing-report',
  'costs',
];

/** Probes carry no key: both routes are public, and a key nobody issued does not matter either. */
const probe = (path: string, headers?: Record<string, string>) => ({
  method: 'GET' as const,
  path,
  role: null,
  headers,
});

const openedAndApplied = (accountId: string) => async (api: TestApi) => {
  await api.call('POST', '/v1/accounts', individual(accountId));
  await projectionsCaughtUp(api);
};

describe('GET /health', () => {
  it('the process answers, without a key', () =>
    spec
      .given()
      .when(probe('/health'))
      .then(
        expectResponse(200),
        (result) => expect(result.body).toEqual({ status: 'ok' }),
        expectNoNewEvents(),
      ));

  it('a key is not checked', () =>
    spec
      .given()
      .when(probe('/health', { authorization: 'Bearer not-a-key' }))
      .then(expectResponse(200, { status: 'ok' }), expectNoNewEvents()));
});

/**
 * The scenarios below run in the order written: the last one stops a projection at an event it cannot
 * apply, for the rest of this file's service.
 */
describe('GET /ready', () => {
  it('ready once every projection has caught up: the store’s head and each projection’s lag', () =>
    spec
      .given(openedAndApplied('he-anna'))
      .when(probe('/ready'))
      .then(
        expectResponse(200),
        async (result, api) => {
          expect(result.body).toEqual({
            status: 'ready',
            eventStore: { headPosition: (await api.store.headPosition())!.toString() },
            projections: NAMES.map((name) => ({
              name,
              kind: 'projection',
              state: 'live',
              holder: 'in-process',
              lagPositions: 0,
              lagSeconds: 0,
            })),
          });
          expect(result.headers.get('cache-control')).toBe('no-store');
        },
        expectNoNewEvents(),
      ));

  it('a key is not checked', () =>
    spec
      .given(openedAndApplied('he-boris'))
      .when(probe('/ready', { authorization: 'Bearer not-a-key' }))
      .then(expectResponse(200, { status: 'ready' }), expectNoNewEvents()));

  it('503 while a projection is stopped at an event it cannot apply, naming it and the error; /health stays ok', () =>
    spec
      .given(openedAndApplied('he-poison'), async (api) => {
        // A payment for a bill that was never issued: the balances projection cannot apply it.
        await api.store.append('ledger-he-poison@2026-03', [
          {
            id: randomUUID(),
            type: 'BillPaymentApplied',
            data: {
              billId: 'no-such-bill',
              paymentId: 'he-p1',
              amount: '1',
              remaining: '0',
              fullyPaid: true,
              at: '2026-03-02T00:00:00Z',
            },
          },
        ]);
        const head = (await api.store.headPosition())!;
        await expect(projectionsOf(api).host!.runner('account-balances')!.waitFor(head)).rejects.toThrow(
          /never issued/,
        );
      })
      .when(probe('/ready'))
      .then(
        expectResponse(503, { status: 'not-ready' }),
        (result) => {
          expect(result.body.reasons).toEqual([
            expect.stringMatching(
              /^projection account-balances has failed: .*BillPaymentApplied.*bill no-such-bill, which was never issued/,
            ),
          ]);
          expect(
            result.body.projections.find((p: { name: string }) => p.name === 'account-balances'),
          ).toMatchObject({ state: 'failed', lagPositions: 1 });
          expect(result.headers.get('cache-control')).toBe('no-store');
        },
        expectNoNewEvents(),
        async (_result, api) =>
          expect((await api.call('GET', '/health', undefined, { role: null })).body).toEqual({
            status: 'ok',
          }),
      ));
});
