/**
 * Issue 15: the bill and the act carry the period's consumption per project (`byProject`, from
 * PeriodClosed) and print it as an appendix after their legal content; their legal lines and totals are the
 * same as without projects (the act's lines stay per SKU).
 */
import {
  billForClosedPeriod,
  closingDocumentsFor,
  type ActDocument,
  type BillDocument,
  type Numbered,
} from '../../domain/documents/index.js';
import {
  RU_ISSUER,
  periodClosedBySku,
  profile,
  ruLegal,
  skuTotal,
} from '../../domain/documents/documents.fixtures.js';
import type { ProjectTotals } from '../../domain/ledger/ledger-events.js';
import { renderDocumentPdf } from '../document-pdf.js';
import { missingFields, readPdf } from './pdf-text.fixtures.js';

const BY_SKU = [
  skuTotal('compute.vcpu.hour', 'Cloud Compute', '720', '1000.005'),
  skuTotal('storage.ssd.gb.hour', 'Block Storage', '1000', '116', '0', 'storage'),
];
const BY_PROJECT: ProjectTotals[] = [
  {
    project: 'shop-prod',
    service: 'Block Storage',
    sku: 'storage.ssd.gb.hour',
    category: 'storage',
    consumption: '116',
    fromGrants: '0',
    fromBalance: '116',
  },
  {
    project: 'shop-prod',
    service: 'Cloud Compute',
    sku: 'compute.vcpu.hour',
    category: 'compute',
    consumption: '600.005',
    fromGrants: '0',
    fromBalance: '600.005',
  },
  {
    project: 'shop-test',
    service: 'Cloud Compute',
    sku: 'compute.vcpu.hour',
    category: 'compute',
    consumption: '400',
    fromGrants: '0',
    fromBalance: '400',
  },
];

const numbered = <D>(document: D, sequence: number) =>
  ({ ...document, number: `RU-MOSCOW-LLC-2026-000${sequence}`, sequence }) as Numbered<D>;

function documentsOf(byProject?: ProjectTotals[]) {
  const closed = periodClosedBySku(BY_SKU, byProject ? { byProject } : {});
  const request = {
    account: ruLegal({ profileId: 'yc-legal-prepaid' }),
    issuer: RU_ISSUER,
    profile: profile('yc-legal-prepaid'),
  };
  const act = closingDocumentsFor({ closed, ...request }).documents.find(
    (d) => d.kind === 'act',
  ) as ActDocument;
  const decision = billForClosedPeriod({ ...closed, openingBalance: '0', deposits: '0' }, request);
  if (!decision.issued) throw new Error(`no bill: ${decision.reason}`);
  return { act: numbered(act, 301), bill: numbered<BillDocument>(decision.bill, 302) };
}

describe('the "by project" appendix of the bill and the act', () => {
  const withProjects = documentsOf(BY_PROJECT);
  const without = documentsOf();

  it('the act and the bill carry byProject; their lines and totals are those without projects', () => {
    expect(withProjects.act.byProject).toEqual(BY_PROJECT);
    expect(withProjects.bill.byProject).toEqual(BY_PROJECT);
    expect(without.act).not.toHaveProperty('byProject');
    expect(without.bill).not.toHaveProperty('byProject');
    expect(withProjects.act.lines).toEqual(without.act.lines);
    expect(withProjects.act.lines.map((line) => line.sku)).toEqual([
      'storage.ssd.gb.hour',
      'compute.vcpu.hour',
    ]);
    expect(withProjects.act.totals).toEqual(without.act.totals);
    expect(withProjects.bill.lines).toEqual(without.bill.lines);
    expect(withProjects.bill.toPay).toBe(without.bill.toPay);
  });

  it.each(['act', 'bill'] as const)(
    'the %s prints the appendix after its legal content: per project and SKU, with each project’s total',
    async (kind) => {
      const pdf = readPdf(await renderDocumentPdf(withProjects[kind]), `${kind}-by-project`);
      expect(
        missingFields(pdf.text, [
          'Приложение: расходы по проектам',
          'shop-prod',
          'shop-test',
          'Итого по проекту',
          '600,005',
          '716,005',
          '400',
        ]),
      ).toEqual([]);
      const appendix = pdf.text.indexOf('Приложение: расходы по проектам');
      const legalEnd = pdf.text.indexOf(kind === 'act' ? 'Заказчик претензий' : 'Назначение платежа');
      expect(legalEnd).toBeGreaterThan(-1);
      expect(appendix).toBeGreaterThan(legalEnd);
    },
  );

  it('without projects nothing is appended', async () => {
    const pdf = readPdf(await renderDocumentPdf(without.act), 'act-no-projects');
    expect(pdf.text).not.toContain('Приложение: расходы по проектам');
  });
});
