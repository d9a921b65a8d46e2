import type { ActDocument, DocumentLine, DocumentParty, Numbered } from '../../domain/documents/index.js';
import { renderDocumentPdf } from '../document-pdf.js';
import { ISSUERS } from '../issuers.js';
import { ACT } from './forms.fixtures.js';
import { missingFields, readPdf } from './pdf-text.fixtures.js';

const KZ_CUSTOMER: DocumentParty = {
  name: 'ТОО «Дала»',
  taxId: '971240001315',
  address: '050000, г. Алматы, проспект Абая, 1',
};

const MARCH = { firstDay: '2026-03-01', lastDay: '2026-03-31' };

const line = (service: string, net: string, vat: string, gross: string): DocumentLine => ({
  description: service,
  service,
  category: 'compute',
  servicePeriod: MARCH,
  vatRate: { kind: 'percent', percent: '16' },
  net,
  vat,
  gross,
});

/** A Kazakh issuer's act in tenge at the 2026 VAT rate of Kazakhstan (16 %). */
const KZ_ACT: Numbered<ActDocument> = {
  kind: 'act',
  documentId: 'acc-dala/2026-03/act',
  accountId: 'acc-dala',
  periodId: '2026-03',
  date: '2026-03-31',
  currency: 'KZT',
  vatJurisdiction: 'KZ',
  issuer: ISSUERS['kz-llp']!,
  payer: KZ_CUSTOMER,
  servicePeriod: MARCH,
  delivery: 'post',
  basis: 'spent-from-balance',
  agreement: { number: 'QC-2025/44', date: '2025-09-15' },
  lines: [
    line('Cloud Compute', '100000.00', '16000.00', '116000.00'),
    line('Block Storage', '15000.00', '2400.00', '17400.00'),
    {
      ...line('GPU Cluster', '208340.00', '33334.40', '241674.40'),
      sku: 'gpu.a100.hour',
      quantity: '100',
      unitPrice: '2083.40',
    },
  ],
  totals: { net: '323340.00', vat: '51734.40', gross: '375074.40' },
  number: 'KZ-LLP-2026-000031',
  sequence: 31,
};

/** Every field form Р-1 asks for, as this act fills it. */
const FORM_R1 = [
  'Приложение 50',
  'к приказу Министра финансов',
  'Республики Казахстан',
  'от 20 декабря 2012 года № 562',
  'Форма Р-1',
  'ИИН/БИН',
  // the customer and the executor: name, address, their ИИН/БИН
  'Заказчик',
  'ТОО «Дала», 050000, г. Алматы, проспект Абая, 1',
  '971240001315',
  'Исполнитель',
  'ТОО «QazCloud», 010000, г. Астана, проспект Мангилик Ел, 55',
  '940140000385',
  'полное наименование, адрес, данные о средствах связи',
  'Договор (контракт)',
  'Номер документа',
  'Дата составления',
  'KZ-LLP-2026-000031',
  '31.03.2026',
  'АКТ ВЫПОЛНЕННЫХ РАБОТ (ОКАЗАННЫХ УСЛУГ)*',
  // the table's headings and column numbers
  'Номер по порядку',
  'Наименование работ (услуг) (в разрезе их подвидов в соответствии с технической спецификацией, заданием, ' +
    'графиком выполнения работ (услуг) при их наличии)',
  'Дата выполнения работ (оказания услуг)**',
  'Сведения об отчете о научных исследованиях, маркетинговых, консультационных и прочих услугах (дата, номер, ' +
    'количество страниц) (при их наличии)***',
  'Единица измерения',
  'Выполнено работ (оказано услуг)',
  'количество',
  'цена за единицу',
  'стоимость',
  '1 2 3 4 5 6 7 8',
  // after the table
  'Сведения об использовании запасов, полученных от заказчика',
  'наименование, количество, стоимость',
  'Приложение: Перечень документации, в том числе отчет(ы) о маркетинговых, научных исследованиях, ' +
    'консультационных и прочих услугах (обязательны при его (их) наличии)',
  'Сдал (Исполнитель)',
  'Принял (Заказчик)',
  'должность',
  'подпись',
  'расшифровка подписи',
  'М.П.',
  'Дата подписания (принятия) работ (услуг)',
  '* Применяется для приемки-передачи выполненных работ (оказанных услуг)',
];

describe('the Kazakh act of completed works (АВР) in form Р-1 as PDF', () => {
  it('prints every field of form Р-1: parties with ИИН/БИН, contract, number and date, columns 1–8, totals with VAT, signatures', async () => {
    const pdf = readPdf(await renderDocumentPdf(KZ_ACT), 'kz-act');
    expect(pdf.pngBytes).toBeGreaterThan(10_000);
    expect(
      missingFields(pdf.text, [
        ...FORM_R1,
        'Договор № QC-2025/44 от 15.09.2025',
        // lines: Russian names, the service period as the date of the services, unit, quantity, price, cost
        '1 Услуги облачных вычислений (Cloud Compute)',
        '3 GPU-кластер: GPU NVIDIA A100',
        '01.03.2026–31.03.2026',
        'GPU·ч',
        'усл. ед.',
        '2 083,40',
        '208 340,00',
        '100 000,00',
        // the totals: without VAT, the VAT of Kazakhstan at the document's rate, with VAT, in words in tenge
        'Итого без НДС',
        '323 340,00',
        'НДС (16%)',
        '51 734,40',
        'Всего с НДС',
        '375 074,40',
        'Всего на сумму: Триста семьдесят пять тысяч семьдесят четыре тенге 40 тиын',
        'в том числе НДС: 51 734,40 тенге (Пятьдесят одна тысяча семьсот тридцать четыре тенге 40 тиын)',
        'Казахстанский тенге, 398',
        // services use no customer's inventories and no report
        'нет (запасы заказчика не использовались)',
        'на — страниц',
        // the executor's head signs
        'Директор',
        'Сериков А. Б.',
      ]),
    ).toEqual([]);
    // column 4 (no report for services) is a dash on every line
    expect(pdf.text).toMatch(/01\.03\.2026–31\.03\.2026 — усл\. ед\./);
    // not the Russian act's layout or tax ids
    expect(pdf.text).not.toContain('Акт об оказании услуг');
    expect(pdf.text).not.toContain('ИНН/КПП');
    expect(pdf.text).not.toContain('рубл');
  });

  it('names the public offer as the contract when the account has none', async () => {
    const { agreement: _none, ...offer } = KZ_ACT;
    const pdf = readPdf(await renderDocumentPdf(offer), 'kz-act-offer');
    expect(missingFields(pdf.text, ['Договор (контракт)', 'Публичная оферта'])).toEqual([]);
    expect(pdf.text).not.toContain('Договор №');
  });

  it('a non-resident customer of the Kazakh issuer: form Р-1 in dollars, the Tax ID, no VAT', async () => {
    const pdf = readPdf(
      await renderDocumentPdf({
        ...KZ_ACT,
        currency: 'USD',
        vatJurisdiction: 'non-resident',
        payer: { name: 'Acme GmbH', taxId: 'DE123456789', address: 'Berlin, Unter den Linden 1' },
        lines: [{ ...line('Cloud Compute', '181.01', '0.00', '181.01'), vatRate: { kind: 'none' } }],
        totals: { net: '181.01', vat: '0.00', gross: '181.01' },
      }),
      'kz-act-non-resident',
    );
    expect(
      missingFields(pdf.text, [
        'Форма Р-1',
        'Tax ID DE123456789',
        '940140000385',
        'Без НДС',
        'Всего на сумму: Сто восемьдесят один доллар США 01 цент',
      ]),
    ).toEqual([]);
  });

  it('flows a long act over pages, repeating the heading of columns 1–8', async () => {
    const lines = Array.from({ length: 60 }, (_, index) => ({
      ...line(`Service ${index + 1}`, '100.00', '16.00', '116.00'),
      description: `Услуга № ${index + 1} облачной платформы`,
    }));
    const pdf = readPdf(
      await renderDocumentPdf({
        ...KZ_ACT,
        lines,
        totals: { net: '6000.00', vat: '960.00', gross: '6960.00' },
      }),
      'kz-act-long',
    );
    expect(pdf.pages).toBeGreaterThanOrEqual(2);
    // The heading is repeated on every page the table continues on (the last page may hold the signatures).
    const [rawText = ''] = pdf.text.split(' | ');
    expect(rawText.split('Единица измерения').length - 1).toBeGreaterThanOrEqual(pdf.pages - 1);
    expect(
      missingFields(pdf.text, [
        'Услуга № 1 ',
        'Услуга № 60 ',
        'Всего на сумму: Шесть тысяч девятьсот шестьдесят тенге 00 тиын',
      ]),
    ).toEqual([]);
  });

  it('a Russian issuer’s act keeps the Russian layout', async () => {
    const pdf = readPdf(await renderDocumentPdf(ACT), 'act-russian-layout');
    expect(missingFields(pdf.text, ['Акт об оказании услуг № RU-MOSCOW-LLC-2026-000101', 'ИНН/КПП'])).toEqual(
      [],
    );
    expect(pdf.text).not.toContain('Форма Р-1');
    expect(pdf.text).not.toContain('АКТ ВЫПОЛНЕННЫХ РАБОТ');
  });
});
