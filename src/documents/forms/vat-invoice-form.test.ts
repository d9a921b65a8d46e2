import { renderDocumentPdf } from '../document-pdf.js';
import { ACT, ADVANCE_VAT_INVOICE, VAT_INVOICE } from './forms.fixtures.js';
import { missingFields, readPdf } from './pdf-text.fixtures.js';

/** Rows 1–8 and the columns of постановление № 1137, as every VAT invoice prints them. */
const FORM_1137 = [
  'постановлению Правительства Российской Федерации от 26 декабря 2011 г. № 1137',
  'Исправление № — от — (1а)',
  'Продавец: ООО «Облачные технологии» (2)',
  'Адрес: 125167, г. Москва, Ленинградский проспект, д. 39, стр. 79 (2а)',
  'ИНН/КПП продавца: 7707049388/770701001 (2б)',
  'Грузоотправитель и его адрес: — (3)',
  'Грузополучатель и его адрес: — (4)',
  'Покупатель: ООО «Ромашка» (6)',
  'Адрес: 117312, г. Москва, ул. Вавилова, д. 19 (6а)',
  'ИНН/КПП покупателя: 7707083893/773601001 (6б)',
  'Валюта: наименование, код Российский рубль, 643 (7)',
  'Идентификатор государственного контракта, договора (соглашения) (при наличии): — (8)',
  // the table's headings and column numbers
  'Код вида товара',
  'условное обозначение (национальное)',
  'Налоговая ставка',
  'Сумма налога, предъявляемая покупателю',
  'краткое наименование',
  // columns 11–14 of the current form (постановления № 534 and № 1096): customs declaration and traceability
  'Регистрационный номер декларации на товары или регистрационный номер партии товара, подлежащего прослеживаемости',
  'Количественная единица измерения товара, используемая в целях осуществления прослеживаемости',
  'условное обозначение',
  'Количество товара, подлежащего прослеживаемости, в количественной единице измерения товара, используемой в целях осуществления прослеживаемости',
  'Стоимость товара, подлежащего прослеживаемости, без налога на добавленную стоимость, в рублях',
  '1 1а 1б 2 2а 3 4 5 6 7 8 9 10 10а 11 12 12а 13 14',
  'Всего к оплате (9)',
  'Руководитель организации или иное уполномоченное лицо',
  'Главный бухгалтер или иное уполномоченное лицо',
  'Иванов И. И.',
  'Петрова А. С.',
];

describe('the VAT invoice (счёт-фактура, постановление № 1137) as PDF', () => {
  it('prints rows 1–8, columns 1–14 with dashes where not applicable, "Всего к оплате" and signatures', async () => {
    const pdf = readPdf(await renderDocumentPdf(VAT_INVOICE, { basisDocument: ACT }), 'vat-invoice');
    expect(pdf.pngBytes).toBeGreaterThan(10_000);
    expect(
      missingFields(pdf.text, [
        ...FORM_1137,
        'Счёт-фактура № RU-MOSCOW-LLC-2026-000102 от 31 марта 2026 г. (1)',
        'К платёжно-расчётному документу № — от — (5)',
        'Документ об отгрузке № п/п 1–4 Акт № RU-MOSCOW-LLC-2026-000101 от 31.03.2026 (5а)',
        'Услуги облачных вычислений (Cloud Compute)',
        '876',
        'усл. ед.',
        '356',
        'GPU·ч',
        'без акциза',
        '22%',
        '32 584,41',
        '7 168,57',
        '39 752,98',
      ]),
    ).toEqual([]);
    // a service line: columns 10–14 (origin, declaration, traceability) are dashes
    expect(pdf.text).toMatch(/12 200,00 — — — — — — —/);
    expect(pdf.text).not.toContain('ИНН/БИН');
  });

  it('without the act at hand, line 5а still names the act by its date', async () => {
    const pdf = readPdf(await renderDocumentPdf(VAT_INVOICE), 'vat-invoice-no-act');
    expect(missingFields(pdf.text, ['Документ об отгрузке № п/п 1–4 Акт от 31.03.2026 (5а)'])).toEqual([]);
  });

  it('the advance VAT invoice: the payment document on line 5, the calculated rate 22/122, dashes for 2–6', async () => {
    const pdf = readPdf(await renderDocumentPdf(ADVANCE_VAT_INVOICE), 'advance-vat-invoice');
    expect(
      missingFields(pdf.text, [
        ...FORM_1137,
        'Счёт-фактура № RU-MOSCOW-LLC-2026-000103 от 31 марта 2026 г. (1)',
        'К платёжно-расчётному документу № 734 от 12.03.2026 (5)',
        'Документ об отгрузке — (5а)',
        'Предварительная оплата (аванс) за услуги облачной платформы',
        '22/122',
        '1 803,28',
        '10 000,00',
      ]),
    ).toEqual([]);
    expect(pdf.text).not.toContain('без акциза');
  });

  it('an advance VAT invoice without known payment documents prints dashes on line 5', async () => {
    const { paymentDocuments: _none, ...withoutPayments } = ADVANCE_VAT_INVOICE;
    const pdf = readPdf(await renderDocumentPdf(withoutPayments), 'advance-vat-invoice-no-payment');
    expect(missingFields(pdf.text, ['К платёжно-расчётному документу № — от — (5)'])).toEqual([]);
  });
});
