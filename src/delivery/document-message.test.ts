/**
 * The e-mail body of an issued document: a corrective document prints its change and the document it corrects,
 * not its totals (which are the period after the correction).
 */
import Big from 'big.js';
import { closeAndNumber, correction, TestSeries } from '../domain/documents/corrective-documents.fixtures.js';
import { correctiveDocumentsFor } from '../domain/documents/corrective-documents.js';
import type { AccountDocument, CorrectiveDocument, Numbered } from '../domain/documents/index.js';
import {
  RU_ISSUER,
  periodClosedBySku,
  profile,
  ruLegal,
  skuTotal,
} from '../domain/documents/documents.fixtures.js';
import { documentEmail } from './document-message.js';

const VCPU = 'compute.vcpu.hour';
const RAM = 'compute.ram.gb.hour';
const ATTACHED = 'Документ во вложении (PDF).\n';

/** March: 1 220.00 of vCPU and 610.00 of RAM; on 10 April +122.00 of vCPU and −61.00 of RAM booked for March. */
function march() {
  const series = new TestSeries();
  const policy = profile('yc-legal-credit');
  const originals = closeAndNumber(
    series,
    ruLegal(),
    policy,
    periodClosedBySku([
      skuTotal(VCPU, 'Cloud Compute', '1000', '1220'),
      skuTotal(RAM, 'Cloud Compute', '500', '610'),
    ]),
  );
  const compose = (...corrections: ReturnType<typeof correction>[]) =>
    series.number(
      correctiveDocumentsFor({
        account: ruLegal(),
        issuer: RU_ISSUER,
        profile: policy,
        periodId: '2026-03',
        bookedInPeriod: '2026-04',
        corrections,
        issued: series.issued,
      }).documents,
    ) as Array<Numbered<CorrectiveDocument>>;
  return { originals, compose };
}

const cloud = { service: 'Cloud Compute' };
const up = (id: string, amount: string) => correction(id, amount, { ...cloud, sku: VCPU });
const down = (id: string, amount: string) =>
  correction(id, `-${amount}`, {
    ...cloud,
    sku: RAM,
    fromBalance: `-${amount}`,
    fromBalanceBy: [{ source: 'bank-transfer', amount: `-${amount}` }],
  });

describe('documentEmail', () => {
  const { originals, compose } = march();
  const first = compose(up('c-up', '122'), down('c-down', '61'));
  const second = compose(up('c-more', '12.2'));
  const act = originals.find((d) => d.kind === 'act')! as Numbered<AccountDocument>;

  it('an act: the title, the account and period, and its total', () => {
    const { subject, text } = documentEmail(act, ATTACHED);
    expect(subject).toBe(`Акт оказанных услуг № ${act.number} от 2026-03-31`);
    expect(text).toBe(
      `${subject}\nЛицевой счёт ${act.accountId}, период 2026-03, итого 1830.00 RUB.\n${ATTACHED}`,
    );
  });

  it('a corrective act: increase, decrease and difference, and the act it corrects by number and date', () => {
    const corrective = first.find((d) => d.kind === 'corrective-act')!;
    const { increase, decrease, difference } = corrective.change;
    expect([increase.gross, decrease.gross, difference.gross]).toEqual(['122.00', '61.00', '61.00']);
    const { subject, text } = documentEmail(corrective, ATTACHED);
    expect(subject).toBe(`Корректировочный акт № ${corrective.number} от ${corrective.date}`);
    expect(text.split('\n')).toEqual([
      subject,
      `Корректирует: Акт оказанных услуг № ${act.number} от 2026-03-31.`,
      `Лицевой счёт ${act.accountId}, период 2026-03.`,
      `Увеличение стоимости: 122.00 RUB (в т. ч. НДС ${increase.vat}).`,
      `Уменьшение стоимости: 61.00 RUB (в т. ч. НДС ${decrease.vat}).`,
      `Разница: 61.00 RUB (в т. ч. НДС ${difference.vat}).`,
      'Документ во вложении (PDF).',
      '',
    ]);
    // Not the period's amount after the correction (1 891.00), which the document's totals hold.
    expect(new Big(corrective.totals.gross).eq('1891')).toBe(true);
    expect(text).not.toContain(corrective.totals.gross);
  });

  it('a second correction names the previous corrective document it continues from', () => {
    const invoice = second.find((d) => d.kind === 'corrective-vat-invoice')!;
    const previous = first.find((d) => d.kind === 'corrective-vat-invoice')!;
    const text = documentEmail(invoice, ATTACHED).text;
    expect(text).toContain(
      `Корректирует: ${'Счёт-фактура'} № ${invoice.corrects.number} от ${invoice.corrects.date}; ` +
        `предыдущий корректировочный документ № ${previous.number} от ${previous.date}.`,
    );
    expect(text).toContain('Разница: 12.20 RUB');
  });

  it('a decrease only: nothing increased, the difference negative', () => {
    const corrective = march()
      .compose(down('c-credit', '61'))
      .find((d) => d.kind === 'corrective-act')!;
    const text = documentEmail(corrective, ATTACHED).text;
    expect(text).toContain('Увеличение стоимости: 0.00 RUB (в т. ч. НДС 0.00).');
    expect(text).toContain('Уменьшение стоимости: 61.00 RUB (в т. ч. НДС 11.00).');
    expect(text).toContain('Разница: -61.00 RUB (в т. ч. НДС -11.00).');
  });
});
