/**
 * The corrective documents' forms (issue 14) read back with pdftotext: the КСФ, the УКД (status 1 and 2) and
 * the corrective act print the document they correct by number and date, and for each changed line the rows
 * А (before), Б (after), В (increase), Г (decrease) with the document's own amounts, then the totals of
 * increase and decrease. Originals: the March act, VAT invoice and UPDs of the form fixtures; corrections:
 * 10 more GPU hours (a late record) and 183.00 less of Block Storage (a credit).
 */
import type { ChargeCorrection } from '../../domain/ledger/ledger-events.js';
import {
  correctiveDocumentsFor,
  type AccountDocument,
  type CorrectiveDocument,
  type Numbered,
} from '../../domain/documents/index.js';
import { correction } from '../../domain/documents/corrective-documents.fixtures.js';
import { profile, ruLegal, withDocuments } from '../../domain/documents/documents.fixtures.js';
import { renderDocumentPdf } from '../document-pdf.js';
import { ISSUERS } from '../issuers.js';
import { formatAmount, formatDate } from './form-common.js';
import { ACT, PAYER, UPD_STATUS_1, UPD_STATUS_2, VAT_INVOICE } from './forms.fixtures.js';
import { missingFields, readPdf } from './pdf-text.fixtures.js';

const CORRECTIONS: ChargeCorrection[] = [
  correction('late-gpu', '2541.75', {
    kind: 'late-usage',
    service: 'GPU Cluster',
    category: 'gpu-cluster',
    sku: 'gpu.a100.hour',
    usage: {
      quantity: '10',
      unit: 'hour',
      windowStart: '2026-03-30T10:00:00.000Z',
      windowEnd: '2026-03-30T11:00:00.000Z',
      catalogVersion: '2026-01',
      ratedAmount: '2541.75',
    },
    reason: 'Late usage record',
  }),
  correction('credit-storage', '-183', {
    service: 'Block Storage',
    category: 'storage',
    reason: 'Credit for an outage',
    reference: 'INC-42',
  }),
];

function corrective(
  originals: ReadonlyArray<Numbered<AccountDocument>>,
  closing: 'act-and-vat-invoice' | 'upd-status-1' | 'upd-status-2',
): Array<Numbered<CorrectiveDocument>> {
  const account = ruLegal(
    { accountId: 'acc-romashka', issuer: 'ru-moscow-llc', edm: true },
    { name: PAYER.name, taxId: PAYER.taxId, kpp: PAYER.kpp!, address: PAYER.address },
  );
  const { documents } = correctiveDocumentsFor({
    account,
    issuer: ISSUERS['ru-moscow-llc']!,
    profile: withDocuments(closing === 'act-and-vat-invoice' ? 'yc-legal-credit' : 'vk-legal-postpaid', {
      closing,
      eligibleChannels: profile('yc-legal-credit').documents.eligibleChannels,
    }),
    periodId: '2026-03',
    bookedInPeriod: '2026-04',
    corrections: CORRECTIONS,
    issued: originals,
  });
  return documents.map((d, index) => ({
    ...d,
    number: `RU-MOSCOW-LLC-2026-00020${index}`,
    sequence: 200 + index,
  }));
}

/** Every row of every changed line, with the document's own figures, and the totals of В and Г. */
function rowsOf(document: CorrectiveDocument): string[] {
  return [
    'А (до изменения)',
    'Б (после изменения)',
    'В (увеличение)',
    'Г (уменьшение)',
    ...document.correctiveLines.flatMap((line) =>
      [line.before, line.after, line.increase, line.decrease].flatMap((a) => [
        formatAmount(a.gross),
        formatAmount(a.net),
      ]),
    ),
    ...[document.change.increase, document.change.decrease].flatMap((t) => [
      formatAmount(t.net),
      formatAmount(t.vat),
      formatAmount(t.gross),
    ]),
  ];
}

describe('corrective documents as PDF', () => {
  const [correctiveAct, ksf] = corrective([ACT, VAT_INVOICE], 'act-and-vat-invoice');

  it('the КСФ: Appendix 2 of № 1137, rows 1–5, the original invoice, А/Б/В/Г rows and both totals', async () => {
    const pdf = readPdf(await renderDocumentPdf(ksf!), 'corrective-vat-invoice');
    expect(ksf!.kind).toBe('corrective-vat-invoice');
    expect(
      missingFields(pdf.text, [
        'Приложение № 2 к постановлению Правительства Российской Федерации от 26 декабря 2011 г. № 1137',
        `Корректировочный счёт-фактура № ${ksf!.number} от 10 апреля 2026 г. (1)`,
        `к счёту-фактуре № ${VAT_INVOICE.number} от 31.03.2026`,
        'Продавец: ООО «Облачные технологии» (2)',
        'ИНН/КПП покупателя: 7707083893/773601001 (3б)',
        'Валюта: наименование, код Российский рубль, 643 (4)',
        'Всего увеличение (сумма строк В)',
        'Всего уменьшение (сумма строк Г)',
        'Иванов И. И.',
        // the GPU line: its quantity before and after and its unit price (the catalog's unit)
        '100',
        '110',
        ...rowsOf(ksf!),
      ]),
    ).toEqual([]);
  });

  it('the corrective act: the act it corrects, the grounds, А/Б/В/Г rows and the change in words', async () => {
    const pdf = readPdf(await renderDocumentPdf(correctiveAct!), 'corrective-act');
    expect(
      missingFields(pdf.text, [
        `Корректировочный акт № ${correctiveAct!.number} от 10 апреля 2026 г.`,
        `к акту № ${ACT.number} от ${formatDate(ACT.date)}`,
        'Late usage record; Credit for an outage (INC-42)',
        'Договор № ОБЛ-2025/117 от 01.06.2025',
        'Стоимость оказанных услуг увеличена на',
        ...rowsOf(correctiveAct!),
      ]),
    ).toEqual([]);
  });

  it('the УКД status 1 (also the КСФ) and status 2 name the UPD they correct', async () => {
    const [ukd1] = corrective([UPD_STATUS_1], 'upd-status-1');
    const status1 = readPdf(await renderDocumentPdf(ukd1!), 'ukd-status-1');
    expect(
      missingFields(status1.text, [
        'Универсальный корректировочный документ',
        'Статус: 1',
        `к универсальному передаточному документу № ${UPD_STATUS_1.number} от 31.03.2026`,
        'С корректировкой согласен',
        ...rowsOf(ukd1!),
      ]),
    ).toEqual([]);
    const [ukd2] = corrective([UPD_STATUS_2], 'upd-status-2');
    const status2 = readPdf(await renderDocumentPdf(ukd2!), 'ukd-status-2');
    expect(missingFields(status2.text, ['Статус: 2', `№ ${UPD_STATUS_2.number} от 31.03.2026`])).toEqual([]);
  });
});
