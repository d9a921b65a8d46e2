import { renderDocumentPdf } from '../document-pdf.js';
import { PERIOD_BILL, TOP_UP_BILL } from './forms.fixtures.js';
import { missingFields, readPdf } from './pdf-text.fixtures.js';

/** What every bill prints: the issuer's bank details for the transfer, both parties, due date, purpose. */
const BILL_FIELDS = [
  'Банк получателя',
  'ПАО Сбербанк',
  'БИК',
  '044525225',
  'Корр. счёт (Сч. №)',
  '30101810400000000225',
  'Счёт получателя (Сч. №)',
  '40702810938000000001',
  'ИНН/КПП получателя',
  '7707049388/770701001',
  'Поставщик (Исполнитель)',
  'Покупатель (Заказчик)',
  'ООО «Ромашка», ИНН/КПП 7707083893/773601001',
  'Банк покупателя',
  'р/с 40702810401300000002, в АО «Альфа-Банк», БИК 044525593',
  'Лицевой счёт',
  'acc-romashka',
  'Оплатить до',
  'Назначение платежа',
  'Руководитель',
  'Иванов И. И.',
  'Главный бухгалтер',
  'Петрова А. С.',
];

describe('the bill for payment (счёт на оплату) as PDF', () => {
  it('a period bill: services, penalties without VAT, grants and deposits applied, the amount to pay in figures and words', async () => {
    const pdf = readPdf(await renderDocumentPdf(PERIOD_BILL), 'bill');
    expect(pdf.pngBytes).toBeGreaterThan(10_000);
    expect(
      missingFields(pdf.text, [
        ...BILL_FIELDS,
        'Счёт на оплату № RU-MOSCOW-LLC-2026-000106 от 1 апреля 2026 г.',
        'с 01.03.2026 по 31.03.2026',
        'Услуги облачных вычислений (Cloud Compute)',
        'Неустойка (пени) за просрочку оплаты, без НДС',
        'Расчёт суммы к оплате',
        'Стоимость услуг за период',
        'минус гранты, применённые к услугам',
        '1 000,00',
        'минус входящий остаток лицевого счёта',
        '2 000,00',
        'минус поступления (депозиты) за период',
        '5 000,00',
        'плюс пени',
        '12,50',
        'Всего к оплате: 31 765,48 руб., в том числе НДС: 5 726,30 руб.',
        'Тридцать одна тысяча семьсот шестьдесят пять рублей 48 копеек',
        '15.04.2026',
        'Оплата услуг облачной платформы по счёту № RU-MOSCOW-LLC-2026-000106',
      ]),
    ).toEqual([]);
    expect(pdf.text).not.toContain('ИНН/БИН');
  });

  it('a top-up bill (no settlement): the advance line only, no settlement block', async () => {
    const pdf = readPdf(await renderDocumentPdf(TOP_UP_BILL), 'bill-top-up');
    expect(
      missingFields(pdf.text, [
        ...BILL_FIELDS,
        'Счёт на оплату № RU-MOSCOW-LLC-2026-000107 от 3 апреля 2026 г.',
        'Пополнение лицевого счёта (аванс)',
        'Аванс за услуги облачной платформы',
        '(пополнение лицевого счёта',
        'Всего к оплате: 50 000,00 руб., в том числе НДС: 9 016,39 руб.',
        'Пятьдесят тысяч рублей 00 копеек',
        '13.04.2026',
        'Всего наименований 1,',
      ]),
    ).toEqual([]);
    expect(pdf.text).not.toContain('Расчёт суммы к оплате');
    expect(pdf.text).not.toContain('Cloud Compute');
  });
});
