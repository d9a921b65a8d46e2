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
/** A second engine of its own: its March is corrected while open (the first one's clock has moved on). */
const corrSpec = apiSpecification({ now: '2026-03-02T09:00:00.000Z' });
afterAll(() => corrSpec.close());

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

/**
 * March of a second legal entity, corrected while March is open (issue 14): its RAM record voided, its vCPU
 * record re-rated down (720.5 → 700.25), a credit of 10.00 on the vCPU SKU and a debit of 5.55 naming no SKU
 * (its own "adjustment" line) — all by the ops key; closed and documented by April 2.
 */
const correctedMarch = once(async (api: TestApi) => {
  await api.call('POST', '/v1/accounts', creditLegal('dd-vektor'));
  await api.advanceTo('2026-03-10T12:00:00+03:00');
  await api.call('POST', '/v1/accounts/dd-vektor/usage', usage('dv-u1', 'compute.vcpu.hour', '720.5'));
  await api.call('POST', '/v1/accounts/dd-vektor/usage', usage('dv-u2', 'compute.ram.gb.hour', '100.000001'));
  const ops = { role: 'ops' as const };
  await api.call(
    'POST',
    '/v1/accounts/dd-vektor/usage/dv-u2/void',
    { reason: 'Sent twice', reference: 'T-1' },
    ops,
  );
  await api.call(
    'POST',
    '/v1/accounts/dd-vektor/usage/dv-u1/rerate',
    { quantity: '700.25', reason: 'Meter over-counted', reference: 'T-2' },
    ops,
  );
  const adjustment = { period: '2026-03', service: 'Cloud Compute', reason: 'Goodwill', reference: 'T-3' };
  await api.call(
    'POST',
    '/v1/accounts/dd-vektor/adjustments',
    { ...adjustment, adjustmentId: 'dv-a1', direction: 'credit', amount: '10.00', sku: 'compute.vcpu.hour' },
    ops,
  );
  await api.call(
    'POST',
    '/v1/accounts/dd-vektor/adjustments',
    { ...adjustment, adjustmentId: 'dv-a2', direction: 'debit', amount: '5.55' },
    ops,
  );
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

describe('GET /v1/audit/documents/:number/derivation — corrections of the open period (issue 14)', () => {
  it("the open period's own corrections are rows of the lines they change, with who and why; the act still reconciles", async () => {
    const api = await corrSpec.api();
    await correctedMarch(api);
    const list = await api.call('GET', '/v1/accounts/dd-vektor/documents', undefined, { role: 'auditor' });
    const act = list.body.find((d: { kind: string }) => d.kind === 'act');
    await corrSpec
      .given(correctedMarch)
      .when(get(`/v1/audit/documents/${act.number}/derivation`))
      .then(
        expectResponse(200),
        (result) => {
          const body = result.body;
          expect(
            body.corrections.map((c: Record<string, unknown>) => [
              c.kind,
              c.sku,
              c.usageRecordId ?? null,
              new Big(c.amount as string).s,
            ]),
          ).toEqual([
            ['usage-voided', 'compute.ram.gb.hour', 'dv-u2', -1],
            ['usage-rerated', 'compute.vcpu.hour', 'dv-u1', -1],
            ['adjustment', 'compute.vcpu.hour', null, -1],
            ['adjustment', 'adjustment', null, 1],
          ]);
          for (const c of body.corrections) {
            expect(c).toMatchObject({ by: 'ops:test-ops', correctsPeriod: '2026-03' });
            expect(c.reason).toEqual(expect.any(String));
            expect(c.event).toMatchObject({
              stream: 'ledger-dd-vektor@2026-03',
              eventId: expect.any(String),
            });
            // Funding split: grants + balance = the signed amount.
            const grants = sumOf(c.fromGrants.map((g: { amount: string }) => g.amount));
            expect(grants.plus(c.fromBalance).eq(c.amount)).toBe(true);
          }
          // The void takes the RAM record out whole: no RAM line is left, so that correction feeds no line.
          expect(body.corrections[0].lines).toEqual([]);
          expect(body.corrections[1].lines.length).toBe(1);
          const lineOf = (sku: string) => body.lines.find((l: { sku: string }) => l.sku === sku);
          expect(body.corrections[1].lines).toEqual([lineOf('compute.vcpu.hour').line]);
          expect(body.corrections[3].lines).toEqual([lineOf('adjustment').line]);
          // Records and corrections together re-add to each service's exact basis and each SKU's weight.
          const rows = [...body.usage, ...body.corrections];
          for (const service of body.services) {
            const ofService = rows.filter((r: { service: string }) => r.service === service.service);
            expect(sumOf(ofService.map((r: { documented: string }) => r.documented)).eq(service.exact)).toBe(
              true,
            );
            for (const part of service.allocation ?? []) {
              const ofSku = ofService.filter((r: { sku: string }) => r.sku === part.sku);
              expect(sumOf(ofSku.map((r: { documented: string }) => r.documented)).eq(part.weight)).toBe(
                true,
              );
            }
          }
          for (const line of body.lines) expect(line.matches).toBe(true);
          expect(body.totals.sumOfLines).toEqual(act.totals);
          expect(body.reconciles).toBe(true);
        },
        expectNoNewEvents(),
      );
  });

  it('CSV: the corrections are rows of the correction section, with kind, who and why', async () => {
    const api = await corrSpec.api();
    await correctedMarch(api);
    const list = await api.call('GET', '/v1/accounts/dd-vektor/documents', undefined, { role: 'auditor' });
    const act = list.body.find((d: { kind: string }) => d.kind === 'act');
    await corrSpec
      .given(correctedMarch)
      .when(get(`/v1/audit/documents/${act.number}/derivation?format=csv`))
      .then(expectResponse(200), (result) => {
        const rows = (result.body as string).trimEnd().split('\n');
        const column = (name: string) => DERIVATION_CSV_COLUMNS.indexOf(name as never);
        const corrections = rows.slice(1).filter((r) => r.startsWith('correction,'));
        expect(corrections.map((r) => r.split(',')[column('correctionKind')])).toEqual([
          'usage-voided',
          'usage-rerated',
          'adjustment',
          'adjustment',
        ]);
        for (const r of corrections) expect(r.split(',')[column('by')]).toBe('ops:test-ops');
        expect(rows.at(-1)!.endsWith(',true')).toBe(true);
      });
  });

  it('a corrective document is not derived here: 422 DOCUMENT_NOT_DERIVABLE naming its kind', async () => {
    const api = await corrSpec.api();
    await correctedMarch(api);
    // March closed: a debit for March, booked in April, gets corrective documents.
    await api.call(
      'POST',
      '/v1/accounts/dd-vektor/adjustments',
      {
        adjustmentId: 'dv-late-debit',
        direction: 'debit',
        amount: '12.20',
        period: '2026-03',
        service: 'Cloud Compute',
        reason: 'Support hours billed late',
        reference: 'T-9',
      },
      { role: 'ops' },
    );
    await api.advanceTo('2026-04-03T09:00:00.000Z');
    const list = await api.call('GET', '/v1/accounts/dd-vektor/documents', undefined, { role: 'auditor' });
    const corrective = list.body.find((d: { kind: string }) => d.kind === 'corrective-act');
    expect(corrective).toBeDefined();
    await corrSpec
      .given(correctedMarch)
      .when(get(`/v1/audit/documents/${corrective.number}/derivation`))
      .then(expectProblem(422, 'DOCUMENT_NOT_DERIVABLE'), (result) => {
        expect(result.body.detail).toContain('corrective-act');
      });
  });
});
