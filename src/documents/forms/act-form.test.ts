import { renderDocumentPdf } from '../document-pdf.js';
import { ACT, LONG_ACT } from './forms.fixtures.js';
import { missingFields, readPdf } from './pdf-text.fixtures.js';

describe('the act of services rendered (акт) as PDF', () => {
  it('prints both parties with ИНН/КПП, the basis, numbered lines, totals, the amount in words and signatures', async () => {
    const pdf = readPdf(await renderDocumentPdf(ACT), 'act');
    expect(pdf.pngBytes).toBeGreaterThan(10_000);
    expect(
      missingFields(pdf.text, [
        'Акт об оказании услуг № RU-MOSCOW-LLC-2026-000101 от 31 марта 2026 г.',
        'Исполнитель',
        'ООО «Облачные технологии»',
        'ИНН/КПП',
        '7707049388/770701001',
        '125167, г. Москва, Ленинградский проспект',
        'р/с 40702810938000000001',
        'БИК 044525225',
        'Заказчик',
        'ООО «Ромашка»',
        '7707083893/773601001',
        'Основание',
        'Договор № ОБЛ-2025/117 от 01.06.2025',
        'с 01.03.2026 по 31.03.2026',
        'Российский рубль, 643',
        // the table: header, Russian service names, unit with OKEI code, quantity, price, VAT
        'Наименование работ, услуг',
        'Ед. изм.',
        'Кол-во',
        'Ставка НДС',
        'Услуги облачных вычислений (Cloud Compute)',
        'Услуги блочного хранилища (Block Storage)',
        'GPU-кластер: GPU NVIDIA A100',
        'GPU·ч (356)',
        '208,34',
        'усл. ед. (876)',
        '10 000,00',
        '2 200,00',
        '22%',
        'Итого без НДС:',
        '32 584,41',
        'Сумма НДС:',
        '7 168,57',
        'Всего с НДС:',
        '39 752,98',
        'Всего оказано услуг 4, на сумму 39 752,98 руб.',
        'Тридцать девять тысяч семьсот пятьдесят два рубля 98 копеек',
        'Семь тысяч сто шестьдесят восемь рублей 57 копеек',
        'Генеральный директор',
        'Иванов И. И.',
        'Исполнитель: ООО «Облачные технологии»',
        'Заказчик: ООО «Ромашка»',
        'М.П.',
      ]),
    ).toEqual([]);
    expect(pdf.text).not.toContain('ИНН/БИН');
    expect(pdf.text).toMatch(/1 Услуги облачных вычислений/);
    expect(pdf.text).toMatch(/4 GPU-кластер/);
  });

  it('names the public offer as the basis when the account has no contract', async () => {
    const { agreement: _none, ...offer } = ACT;
    const pdf = readPdf(await renderDocumentPdf(offer), 'act-offer');
    expect(missingFields(pdf.text, ['Публичная оферта'])).toEqual([]);
    expect(pdf.text).not.toContain('Договор №');
  });

  it('flows a long act over several pages, repeating the table header, all lines and totals present', async () => {
    const pdf = readPdf(await renderDocumentPdf(LONG_ACT), 'act-long');
    expect(pdf.pages).toBeGreaterThanOrEqual(3);
    // The header is repeated on every page the table continues on.
    expect(pdf.text.split('Наименование работ, услуг').length - 1).toBeGreaterThanOrEqual(pdf.pages - 1);
    expect(
      missingFields(pdf.text, [
        'Услуга № 1 ',
        'Услуга № 45 ',
        'Услуга № 90 ',
        '10 980,00',
        'Десять тысяч девятьсот восемьдесят рублей 00 копеек',
      ]),
    ).toEqual([]);
  });
});
