import {
  reconcile,
  type ReconciliationEntry,
  type ReconciliationRequest,
} from '../../domain/documents/index.js';
import { ISSUERS } from '../issuers.js';
import { PAYER } from './forms.fixtures.js';
import { renderReconciliation, type ReconciliationFormContext } from './reconciliation-form.js';
import { missingFields, readPdf } from './pdf-text.fixtures.js';

const ISSUER = ISSUERS['ru-moscow-llc']!;
const CONTEXT: ReconciliationFormContext = {
  agreement: { number: 'ОБЛ-2025/117', date: '2025-06-01' },
  jurisdiction: 'RU',
  signatories: ISSUER.signatories!,
};

const document = (kind: 'act' | 'upd' | 'vat-invoice', date: string, number: string, amount: string) =>
  ({ type: 'document', date, documentId: `doc-${number}`, kind, number, amount }) as const;
const payment = (date: string, paymentId: string, amount: string, channel: 'bank-transfer' | 'card') =>
  ({ type: 'payment', date, paymentId, channel, amount }) as const;

/** The report the JSON route answers, computed by the domain, then rendered: the form adds no arithmetic. */
async function rendered(
  name: string,
  request: Pick<ReconciliationRequest, 'openingBalance' | 'entries'> & Partial<ReconciliationRequest>,
  context: ReconciliationFormContext = CONTEXT,
) {
  const report = reconcile({
    accountId: 'acc-romashka',
    currency: 'RUB',
    from: '2026-03-01',
    to: '2026-03-31',
    eligibleChannels: ['bank-transfer'],
    provider: ISSUER,
    customer: PAYER,
    ...request,
  });
  return {
    report,
    pdf: readPdf(await renderReconciliation(report, { entries: request.entries, ...context }), name),
  };
}

/** What every reconciliation form prints: the title, both parties, the table's heads, the signatures. */
const COMMON = [
  'Акт сверки взаимных расчётов',
  'за период с 01.03.2026 по 31.03.2026',
  'между ООО «Облачные технологии» и ООО «Ромашка»',
  'Исполнитель',
  'ИНН/КПП',
  '7707049388/770701001',
  'Заказчик',
  '7707083893/773601001',
  '117312, г. Москва, ул. Вавилова, д. 19',
  'Лицевой счёт',
  'acc-romashka',
  'Российский рубль, 643',
  'По данным ООО «Облачные технологии», руб.',
  'По данным ООО «Ромашка», руб.',
  'Дата Документ Дебет Кредит Дата Документ Дебет Кредит',
  'Сальдо начальное',
  'Обороты за период',
  'Сальдо конечное',
  'Генеральный директор',
  'Иванов И. И.',
  'От исполнителя: ООО «Облачные технологии»',
  'От заказчика: ООО «Ромашка»',
  'М.П.',
];

describe('the reconciliation report (акт сверки) as PDF', () => {
  it('a debt: the opening debt, each act and payment, turnovers, the closing debt in favour of the issuer in figures and words', async () => {
    const { report, pdf } = await rendered('reconciliation-report', {
      openingBalance: '1500.00',
      entries: [
        payment('2026-03-05', '731', '1500.00', 'bank-transfer'),
        payment('2026-03-12', '734', '20000.00', 'bank-transfer'),
        document('act', '2026-03-31', 'RU-MOSCOW-LLC-2026-000101', '39752.98'),
        // Repeats the act and is not a line; a card payment does not count for this profile.
        document('vat-invoice', '2026-03-31', 'RU-MOSCOW-LLC-2026-000102', '39752.98'),
        payment('2026-03-20', 'card-9', '300.00', 'card'),
      ],
    });
    expect(report.owedBy).toBe('customer');
    expect(pdf.pngBytes).toBeGreaterThan(10_000);
    expect(pdf.pages).toBe(1);
    expect(
      missingFields(pdf.text, [
        ...COMMON,
        'Основание',
        'Договор № ОБЛ-2025/117 от 01.06.2025',
        'Генеральный директор ООО «Облачные технологии» Иванов И. И., с одной стороны',
        // opening: the customer owed 1 500,00 (debit)
        'Сальдо начальное 1 500,00 0,00 Сальдо начальное',
        '05.03.2026 Оплата № 731 (банковский перевод) 1 500,00',
        '12.03.2026 Оплата № 734 (банковский перевод) 20 000,00',
        '31.03.2026 Акт № RU-MOSCOW-LLC-2026-000101 39 752,98',
        'Обороты за период 39 752,98 21 500,00 Обороты за период',
        'Сальдо конечное 19 752,98 0,00 Сальдо конечное',
        'По данным ООО «Облачные технологии» На 31.03.2026 задолженность в пользу ООО «Облачные технологии» ' +
          'составляет 19 752,98 руб. (Девятнадцать тысяч семьсот пятьдесят два рубля 98 копеек).',
        'По данным ООО «Ромашка» на 31.03.2026 задолженность ____',
      ]),
    ).toEqual([]);
    expect(pdf.text).not.toContain('RU-MOSCOW-LLC-2026-000102');
    expect(pdf.text).not.toContain('card-9');
    expect(pdf.text).not.toContain('ИНН/БИН');
  });

  it('an advance: the opening credit, a UPD and payments, the closing balance in favour of the customer', async () => {
    const { report, pdf } = await rendered(
      'reconciliation-advance',
      {
        openingBalance: '-5000.00',
        entries: [
          payment('2026-03-03', 'pp-50', '50000.00', 'bank-transfer'),
          document('upd', '2026-03-31', 'RU-MOSCOW-LLC-2026-000104', '39752.98'),
        ],
      },
      { jurisdiction: 'RU', signatories: ISSUER.signatories! },
    );
    expect(report.owedBy).toBe('provider');
    expect(
      missingFields(pdf.text, [
        ...COMMON,
        // No contract registered: the public offer.
        'Публичная оферта',
        'Сальдо начальное 0,00 5 000,00 Сальдо начальное',
        '03.03.2026 Оплата № pp-50 (банковский перевод) 50 000,00',
        '31.03.2026 УПД № RU-MOSCOW-LLC-2026-000104 39 752,98',
        'Обороты за период 39 752,98 50 000,00 Обороты за период',
        'Сальдо конечное 0,00 15 247,02 Сальдо конечное',
        'На 31.03.2026 задолженность в пользу ООО «Ромашка» составляет 15 247,02 руб. ' +
          '(Пятнадцать тысяч двести сорок семь рублей 02 копейки).',
      ]),
    ).toEqual([]);
    expect(pdf.text).not.toContain('Договор №');
  });

  it('settled: nothing owed on the last day — the statement says so, with no amount in words', async () => {
    const { report, pdf } = await rendered('reconciliation-zero', {
      openingBalance: '0.00',
      entries: [
        payment('2026-03-10', 'pp-1', '39752.98', 'bank-transfer'),
        document('act', '2026-03-31', 'RU-MOSCOW-LLC-2026-000101', '39752.98'),
      ],
    });
    expect(report.owedBy).toBe('nobody');
    expect(
      missingFields(pdf.text, [
        ...COMMON,
        'Сальдо начальное 0,00 0,00 Сальдо начальное',
        '10.03.2026 Оплата № pp-1 (банковский перевод) 39 752,98',
        '31.03.2026 Акт № RU-MOSCOW-LLC-2026-000101 39 752,98',
        'Обороты за период 39 752,98 39 752,98 Обороты за период',
        'Сальдо конечное 0,00 0,00 Сальдо конечное',
        'На 31.03.2026 задолженность отсутствует.',
      ]),
    ).toEqual([]);
    expect(pdf.text).not.toContain('в пользу');
    expect(pdf.text).not.toContain('копе');
  });

  it('flows 80 entries over pages, repeating both sides’ heads: every row, the turnovers and the closing balance present', async () => {
    const entries: ReconciliationEntry[] = Array.from({ length: 80 }, (_, index) => {
      const day = String((index % 28) + 1).padStart(2, '0');
      return index % 2 === 0
        ? document(
            'act',
            `2026-03-${day}`,
            `RU-MOSCOW-LLC-2026-${String(index + 1).padStart(6, '0')}`,
            '122.00',
          )
        : payment(`2026-03-${day}`, `pay-${index + 1}`, '100.00', 'bank-transfer');
    });
    const { report, pdf } = await rendered('reconciliation-long', { openingBalance: '0.00', entries });
    expect(report.lines).toHaveLength(80);
    expect(pdf.pages).toBeGreaterThan(1);
    expect(pdf.text.split('По данным ООО «Облачные технологии», руб.').length - 1).toBeGreaterThanOrEqual(
      pdf.pages,
    );
    expect(
      missingFields(pdf.text, [
        ...entries.map((entry) =>
          entry.type === 'document'
            ? `Акт № ${entry.number} 122,00`
            : `Оплата № ${entry.paymentId} (банковский перевод) 100,00`,
        ),
        // 40 acts of 122.00 and 40 payments of 100.00: 880.00 owed.
        'Обороты за период 4 880,00 4 000,00 Обороты за период',
        'Сальдо конечное 880,00 0,00 Сальдо конечное',
        'задолженность в пользу ООО «Облачные технологии» составляет 880,00 руб. (Восемьсот восемьдесят рублей 00 копеек).',
        `Страница 1 из ${pdf.pages}`,
      ]),
    ).toEqual([]);
  });
});
