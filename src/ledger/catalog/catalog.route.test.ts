import {
  apiSpecification,
  expectNewEvents,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
  type Expectation,
} from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { creditLegal, usage } from '../../../test/support/requests.js';
import { defaultCatalogVersions, type CatalogVersion, type Sku } from '../../domain/catalog/index.js';

/**
 * The price list as data. The clock starts on 10 March and only goes forward, so the scenarios run in the
 * order written: the version scheduled for 20 March is published before the clock passes it.
 */
const NOW = '2026-03-10T09:00:00.000Z';
const spec = apiSpecification({ now: NOW });
afterAll(() => spec.close());

const SCHEDULED_AT = '2026-03-20T00:00:00+03:00';

/** Today's prices (version 2026.1) with a RUB vCPU hour at `vcpuPrice`: a whole version, every SKU. */
function version(id: string, effectiveFrom: string, vcpuPrice = '1.50'): CatalogVersion {
  const skus = defaultCatalogVersions()
    .at(-1)!
    .skus.map((sku) =>
      sku.sku === 'compute.vcpu.hour' && sku.currency === 'RUB'
        ? { ...sku, pricing: { model: 'flat' as const, unitPrice: vcpuPrice } }
        : sku,
    );
  return { version: id, effectiveFrom, skus };
}

/** The version with its SKU entry at `index` changed. */
function withSku(index: number, change: (sku: Sku) => unknown): Record<string, unknown> {
  const body = version('2026.bad', '2026-04-01T00:00:00+03:00');
  return { ...body, skus: body.skus.map((sku, at) => (at === index ? change(sku) : sku)) };
}

const publish = (body: unknown, role: 'service' | 'ops' | 'auditor' = 'ops') => ({
  method: 'POST' as const,
  path: '/v1/catalog/versions',
  body,
  role,
});
const get = (path: string, role: 'service' | 'ops' | 'auditor' = 'service') => ({
  method: 'GET' as const,
  path,
  role,
});
/** The usage record was charged this amount by this catalog version (other consequences aside). */
const charged =
  (usageRecordId: string, amount: string, catalogVersion: string): Expectation =>
  (result) =>
    expect(
      result.newEvents.filter((event) => event.type === 'ResourceConsumed').map((event) => event.data),
    ).toEqual([expect.objectContaining({ usageRecordId, amount, catalogVersion })]);
const vcpuRub = (body: { skus: Sku[] }) =>
  body.skus.find((sku) => sku.sku === 'compute.vcpu.hour' && sku.currency === 'RUB')?.pricing;

describe('the price list seeded on first start', () => {
  it('GET /v1/catalog: the version in force now, with all its SKUs, as the default catalog has it', () =>
    spec
      .given()
      .when(get('/v1/catalog'))
      .then(
        expectResponse(200, { version: '2026.1', effectiveFrom: '2026-01-01T00:00:00+03:00' }),
        (result) => {
          expect(result.body.skus).toEqual(
            expect.arrayContaining(
              defaultCatalogVersions()
                .at(-1)!
                .skus.map((sku) => expect.objectContaining(sku)),
            ),
          );
          expect(vcpuRub(result.body)).toEqual({ model: 'flat', unitPrice: '1.10' });
        },
        expectNoNewEvents(),
      ));

  it('?asOf picks the version in force then', () =>
    spec
      .given()
      .when(get('/v1/catalog?asOf=2025-06-01T00:00:00%2B03:00'))
      .then(expectResponse(200, { version: '2025.1' }), expectNoNewEvents()));

  it('404 before the first version; 400 naming asOf for a malformed one', async () => {
    await spec
      .given()
      .when(get('/v1/catalog?asOf=2024-06-01T00:00:00Z'))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
    await spec
      .given()
      .when(get('/v1/catalog?asOf=yesterday'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'asOf'), expectNoNewEvents());
  });

  it('the seeded versions are events of the catalog stream, stored once', async () => {
    const api = await spec.api();
    const stored = await api.store.readStream('catalog');
    expect(
      stored.map((event) => [event.type, (event.data as { version: CatalogVersion }).version.version]),
    ).toEqual([
      ['CatalogVersionPublished', '2025.1'],
      ['CatalogVersionPublished', '2026.1'],
    ]);
    expect(stored.every((event) => (event.data as { seeded?: boolean }).seeded === true)).toBe(true);
  });
});

describe('POST /v1/catalog/versions: a bad price list is refused, naming the field; nothing stored', () => {
  const vcpu = 0; // compute.vcpu.hour/RUB is the first entry of the default version
  const egressIndex = version('x', SCHEDULED_AT).skus.findIndex(
    (sku) => sku.sku === 'object-storage.egress.gb' && sku.currency === 'RUB',
  );
  it.each([
    [
      'a negative price',
      withSku(vcpu, (sku) => ({ ...sku, pricing: { model: 'flat', unitPrice: '-1.10' } })),
      'skus[0].pricing.unitPrice',
    ],
    ['an unknown currency', withSku(vcpu, (sku) => ({ ...sku, currency: 'EUR' })), 'skus[0].currency'],
    ['a missing unit', withSku(vcpu, ({ unit: _unit, ...sku }) => sku), 'skus[0].unit'],
    ['a missing Russian name', withSku(vcpu, ({ nameRu: _name, ...sku }) => sku), 'skus[0].nameRu'],
    ['a missing OKEI unit', withSku(vcpu, ({ unitRu: _unit, ...sku }) => sku), 'skus[0].unitRu'],
    [
      'a bad OKEI code',
      withSku(vcpu, (sku) => ({ ...sku, unitRu: { name: 'ч', okei: 'hour' } })),
      'skus[0].unitRu.okei',
    ],
    [
      'overlapping tiers',
      withSku(egressIndex, (sku) => ({
        ...sku,
        pricing: {
          model: 'graduated',
          tiers: [
            { upTo: '100', unitPrice: '1.00' },
            { upTo: '50', unitPrice: '0.90' },
            { upTo: null, unitPrice: '0.80' },
          ],
        },
      })),
      `skus[${egressIndex}].pricing.tiers[1].upTo`,
    ],
    [
      'a duplicate SKU',
      (() => {
        const body = version('2026.dup', '2026-04-01T00:00:00+03:00');
        return { ...body, skus: [...body.skus, body.skus[0]] };
      })(),
      `skus[${version('x', SCHEDULED_AT).skus.length}]`,
    ],
    ['effectiveFrom in the past', version('2026.past', '2026-03-09T00:00:00+03:00'), 'effectiveFrom'],
    ['no SKUs', { version: '2026.empty', effectiveFrom: SCHEDULED_AT, skus: [] }, 'skus'],
    [
      'a malformed effectiveFrom',
      { ...version('2026.t', SCHEDULED_AT), effectiveFrom: '20 March' },
      'effectiveFrom',
    ],
  ])('%s → 400', (_name, body, field) =>
    spec
      .given()
      .when(publish(body))
      .then(expectProblem(400, 'VALIDATION_FAILED', field), expectNoNewEvents()),
  );

  it.each(['service', 'auditor'] as const)('403 for a %s key (no ops scope); nothing stored', (role) =>
    spec
      .given()
      .when(publish(version('2026.2', SCHEDULED_AT), role))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents()),
  );
});

describe('scheduling a version ahead', () => {
  let head = '';
  const rememberHead = async (api: TestApi) => {
    head = (await api.store.headPosition())!.toString();
  };

  it('ops publish a version for 20 March: one event in the catalog stream', () =>
    spec
      .given(rememberHead)
      .when(publish(version('2026.2', SCHEDULED_AT)))
      .then(
        expectResponse(201, {
          status: 'accepted',
          streamId: 'catalog',
          eventTypes: ['CatalogVersionPublished'],
        }),
        expectNewEvents('catalog', [
          {
            type: 'CatalogVersionPublished',
            data: { version: { version: '2026.2', effectiveFrom: SCHEDULED_AT }, publishedAt: NOW },
          },
        ]),
        (result) => expect(result.newEvents).toHaveLength(1),
      ));

  it('the change is in the audit trail', () =>
    spec
      .given()
      .when(() => get(`/v1/audit/events?after=${head}`, 'ops'))
      .then(expectResponse(200), (result) => {
        const events = result.body.events as Array<{
          streamId: string;
          type: string;
          data: { version: CatalogVersion };
        }>;
        expect(events.map((event) => [event.streamId, event.type, event.data.version.version])).toEqual([
          ['catalog', 'CatalogVersionPublished', '2026.2'],
        ]);
      }));

  it('the same version again stores nothing (a retry)', () =>
    spec
      .given()
      .when(publish(version('2026.2', SCHEDULED_AT)))
      .then(expectResponse(201, { status: 'duplicate', eventTypes: [] }), expectNoNewEvents()));

  it('other contents under a published version id are refused: a change is a new version, never an edit', () =>
    spec
      .given()
      .when(publish(version('2026.2', SCHEDULED_AT, '9.99')))
      .then(expectProblem(422, 'CATALOG_VERSION_ID_TAKEN', 'version'), expectNoNewEvents()));

  it('a version not after the latest one → 400 naming effectiveFrom', () =>
    spec
      .given()
      .when(publish(version('2026.between', '2026-03-15T00:00:00+03:00')))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'effectiveFrom'), expectNoNewEvents()));

  it('GET /v1/catalog/versions lists every version with its effective instant', () =>
    spec
      .given()
      .when(get('/v1/catalog/versions'))
      .then(
        expectResponse(200, {
          versions: [
            { version: '2025.1', effectiveFrom: '2025-01-01T00:00:00+03:00', inForce: false },
            { version: '2026.1', effectiveFrom: '2026-01-01T00:00:00+03:00', inForce: true },
            { version: '2026.2', effectiveFrom: SCHEDULED_AT, inForce: false },
          ],
        }),
        expectNoNewEvents(),
      ));

  it('now the old version is still in force; as of 20 March the new one', async () => {
    await spec
      .given()
      .when(get('/v1/catalog'))
      .then(expectResponse(200, { version: '2026.1' }), (result) =>
        expect(vcpuRub(result.body)).toEqual({ model: 'flat', unitPrice: '1.10' }),
      );
    await spec
      .given()
      .when(get('/v1/catalog?asOf=2026-03-20T00:00:00%2B03:00'))
      .then(expectResponse(200, { version: '2026.2' }), (result) =>
        expect(vcpuRub(result.body)).toEqual({ model: 'flat', unitPrice: '1.50' }),
      );
  });

  it('on the virtual clock: usage before 20 March rates at the old price, usage after it at the new', async () => {
    await spec
      .given(
        (api) => api.call('POST', '/v1/accounts', creditLegal('cat-romashka')),
        // Credit enough that no bill or suspension interferes with the usage on the way.
        (api) => api.call('PUT', '/v1/accounts/cat-romashka/credit-limit', { creditLimit: '100000' }),
      )
      .when({
        method: 'POST',
        path: '/v1/accounts/cat-romashka/usage',
        body: usage('cat-u1', 'compute.vcpu.hour', '10', '2026-03-10T11:00:00+03:00'),
      })
      .then(expectResponse(201), charged('cat-u1', '11', '2026.1'));
    await spec
      .given((api) =>
        api.call('POST', '/v1/ops/clock/advance', { to: '2026-03-21T00:00:00+03:00' }, { role: 'ops' }),
      )
      .when({
        method: 'POST',
        path: '/v1/accounts/cat-romashka/usage',
        body: usage('cat-u2', 'compute.vcpu.hour', '10', '2026-03-20T12:00:00+03:00'),
      })
      .then(expectResponse(201), charged('cat-u2', '15', '2026.2'));
    // Late usage from before the change still rates at the price then in force.
    await spec
      .given()
      .when({
        method: 'POST',
        path: '/v1/accounts/cat-romashka/usage',
        body: usage('cat-u3', 'compute.vcpu.hour', '10', '2026-03-19T23:00:00+03:00'),
      })
      .then(expectResponse(201), charged('cat-u3', '11', '2026.1'));
    await spec
      .given()
      .when(get('/v1/catalog'))
      .then(expectResponse(200, { version: '2026.2' }));
  });
});
