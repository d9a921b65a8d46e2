import Big from 'big.js';
import {
  apiSpecification,
  expectNoNewEvents,
  expectProblem,
  expectResponse,
} from '../../../test/support/api-specification.js';
import type { TestApi } from '../../../test/support/api.js';
import { once } from '../../../test/support/once.js';
import { creditLegal, usage } from '../../../test/support/requests.js';
import { DERIVATION_CSV_COLUMNS } from './document-derivation.controller.js';

const spec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
afterAll(() => spec.close());

/**
 * March of a legal entity on the second provider's credit profile (act and VAT invoice): two compute SKUs whose
 * amounts are below a kopeck apart (720.5 vCPU-hours, 2882.000000001 GB-hours of RAM), egress that crosses the
 * first tier (80 GB, then 50 GB) and 30 test units; closed and documented by April 2.
 */
const marchDocumented = once(async (api: TestApi) => {
  await api.call('POST', '/v1/accounts', creditLegal('dd-romashka'));
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  for (const [id, sku, quantity] of [
    ['dd-u1', 'compute.vcpu.hour', '720.5'],
    ['dd-u2', 'compute.ram.gb.hour', '2882.000000001'],
    ['dd-u3', 'object-storage.egress.gb', '80'],
    ['dd-u4', 'object-storage.egress.gb', '50'],
    ['dd-u5', 'test.unit', '30'],
  ] as const)
    await api.call('POST', '/v1/accounts/dd-romashka/usage', usage(id, sku, quantity));
  await api.advanceTo('2026-04-02T09:00:00.000Z');
});

async function numberOf(api: TestApi, kind: string): Promise<string> {
  await marchDocumented(api);
  const list = await api.call('GET', '/v1/accounts/dd-romashka/documents', undefined, { role: 'auditor' });
  return list.body.find((d: { kind: string }) => d.kind === kind).number;
}

const get = (path: string, role: 'service' | 'auditor' = 'auditor') => ({
  method: 'GET' as const,
  path,
  role,
});
const sumOf = (values: string[]) => values.reduce((sum, v) => sum.plus(v), new Big(0));

describe('GET /v1/audit/documents/:number/derivation', () => {
  it('JSON: every usage record with its event, price tier and funding; the allocation, VAT and totals re-add', async () => {
    const api = await spec.api();
    const act = await numberOf(api, 'act');
    await spec
      .given(marchDocumented)
      .when(get(`/v1/audit/documents/${act}/derivation`))
      .then(
        expectResponse(200),
        (result) => {
          const body = result.body;
          expect(body.document).toMatchObject({
            number: act,
            kind: 'act',
            accountId: 'dd-romashka',
            periodId: '2026-03',
          });
          expect(body.document.issuedBy).toMatchObject({
            stream: 'documents-dd-romashka',
            position: expect.stringMatching(/^\d+$/),
          });
          expect(body.usage.map((r: { usageRecordId: string }) => r.usageRecordId)).toEqual([
            'dd-u1',
            'dd-u2',
            'dd-u3',
            'dd-u4',
            'dd-u5',
          ]);
          for (const record of body.usage) {
            expect(record.event).toEqual({
              eventId: expect.any(String),
              stream: 'ledger-dd-romashka@2026-03',
              revision: expect.any(Number),
              position: expect.stringMatching(/^\d+$/),
              effectiveAt: expect.any(String),
              recordedAt: expect.any(String),
            });
            expect(record.lines.length).toBeGreaterThan(0);
            expect(record.price.matchesRecord).toBe(true);
          }
          // The second egress record crosses the first tier: 20 GB at the first price, 30 at the second.
          const egress = body.usage.find((r: { usageRecordId: string }) => r.usageRecordId === 'dd-u4');
          expect(
            egress.price.segments.map((s: { tier: number; quantity: string }) => [s.tier, s.quantity]),
          ).toEqual([
            [0, '20'],
            [1, '30'],
          ]);
          // Each SKU's records re-add to its weight; the allocation gives each line's gross; VAT splits it.
          for (const service of body.services) {
            for (const part of service.allocation ?? []) {
              const records = body.usage.filter((r: { sku: string }) => r.sku === part.sku);
              expect(sumOf(records.map((r: { documented: string }) => r.documented)).eq(part.weight)).toBe(
                true,
              );
              const lines = body.lines.filter((l: { sku: string }) => l.sku === part.sku);
              expect(sumOf(lines.map((l: { gross: string }) => l.gross)).toFixed(2)).toBe(part.allocated);
            }
          }
          for (const line of body.lines) {
            expect(line.matches).toBe(true);
            expect(new Big(line.net).plus(line.vat).toFixed(2)).toBe(line.gross);
            expect(line.gross).toBe(line.issued.gross);
          }
          expect(body.lines.map((l: { sku: string }) => l.sku)).toEqual(
            body.document.lines.map((l: { sku: string }) => l.sku),
          );
          expect(body.totals.sumOfLines).toEqual(body.document.totals);
          expect(body.totals.amountDue).toBe(body.document.totals.gross);
          expect(body.reconciles).toBe(true);
        },
        expectNoNewEvents(),
      );
  });

  it('CSV: a header, one row per usage record, then the services, allocations, lines and totals', async () => {
    const api = await spec.api();
    const invoice = await numberOf(api, 'vat-invoice');
    await spec
      .given(marchDocumented)
      .when(get(`/v1/audit/documents/${invoice}/derivation?format=csv`))
      .then(
        expectResponse(200),
        (result) => {
          expect(result.headers.get('content-type')).toMatch(/^text\/csv/);
          const rows = (result.body as string).trimEnd().split('\n');
          expect(rows[0]).toBe(DERIVATION_CSV_COLUMNS.join(','));
          const sections = rows.slice(1).map((r) => r.split(',')[0]);
          expect(sections.filter((s) => s === 'usage')).toHaveLength(5);
          expect(sections).toContain('allocation');
          expect(sections.at(-1)).toBe('totals');
          expect(rows.at(-1)!.endsWith(',true')).toBe(true);
        },
        expectNoNewEvents(),
      );
  });

  it('a bill is not derived from usage records: 422 DOCUMENT_NOT_DERIVABLE', async () => {
    const api = await spec.api();
    const bill = await numberOf(api, 'bill');
    await spec
      .given(marchDocumented)
      .when(get(`/v1/audit/documents/${bill}/derivation`))
      .then(expectProblem(422, 'DOCUMENT_NOT_DERIVABLE'), expectNoNewEvents());
  });

  it('an unknown number is 404; a malformed number or format is 400 naming the field', async () => {
    await spec
      .given(marchDocumented)
      .when(get('/v1/audit/documents/RU-MOSCOW-LLC-2026-999999/derivation'))
      .then(expectProblem(404, 'NOT_FOUND'), expectNoNewEvents());
    await spec
      .given(marchDocumented)
      .when(get('/v1/audit/documents/not%20a%20number/derivation'))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'number'), expectNoNewEvents());
    const act = await numberOf(await spec.api(), 'act');
    await spec
      .given(marchDocumented)
      .when(get(`/v1/audit/documents/${act}/derivation?format=xml`))
      .then(expectProblem(400, 'VALIDATION_FAILED', 'format'), expectNoNewEvents());
  });

  it('needs the audit scope', async () => {
    const act = await numberOf(await spec.api(), 'act');
    await spec
      .given(marchDocumented)
      .when(get(`/v1/audit/documents/${act}/derivation`, 'service'))
      .then(expectProblem(403, 'FORBIDDEN'), expectNoNewEvents());
  });
});
