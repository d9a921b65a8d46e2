import { AgreementRequiredError } from './bill.js';
import { RU_CUSTOMER, RU_ISSUER, nonResident, profile, ruLegal } from './documents.fixtures.js';
import { composeTopUpBill } from './top-up-bill.js';

const bill = { billId: 'tb-1', amount: '5000', issuedOn: '2026-03-02', dueDate: '2026-03-16' };
const prepaid = ruLegal({ paymentScheme: 'prepaid', profileId: 'yc-legal-prepaid' });

describe('the top-up bill document (rules §8)', () => {
  it('one advance line with the VAT it contains (22% in 2026), full requisites, the account in the purpose', () => {
    const document = composeTopUpBill({
      account: prepaid,
      issuer: RU_ISSUER,
      profile: profile('yc-legal-prepaid'),
      bill,
    });
    expect(document).toMatchObject({
      kind: 'bill',
      billKind: 'top-up',
      documentId: 'acc-ru/2026-03/bill/tb-1',
      periodId: '2026-03',
      date: '2026-03-02',
      dueDate: '2026-03-16',
      accountNumber: 'acc-ru',
      issuer: RU_ISSUER,
      payer: { name: RU_CUSTOMER.name, taxId: RU_CUSTOMER.taxId, kpp: RU_CUSTOMER.kpp },
      totals: { net: '4098.36', vat: '901.64', gross: '5000.00' },
      toPay: '5000.00',
      toPayVat: '901.64',
      settlement: null,
      penaltiesLine: null,
      nonResident: null,
    });
    expect(document.lines).toHaveLength(1);
    expect(document.lines[0]).toMatchObject({
      description: 'Аванс за услуги облачной платформы (пополнение лицевого счёта № acc-ru)',
      vatRate: { kind: 'percent', percent: '22' },
      gross: '5000.00',
    });
    expect(document.paymentPurpose).toBe(
      'Пополнение лицевого счёта № acc-ru, аванс за услуги облачной платформы. ' +
        'Сумма 5000.00 RUB, в т.ч. НДС 22% — 901.64 RUB',
    );
  });

  it('without additional registration the payer has no requisites', () => {
    const document = composeTopUpBill({
      account: ruLegal({ profileId: 'yc-legal-prepaid' }, null),
      issuer: RU_ISSUER,
      profile: profile('yc-legal-prepaid'),
      bill,
    });
    expect(document.payer).toBeNull();
  });

  it('a non-resident: amounts without taxes, the agreement, payment terms; none without an agreement', () => {
    const account = {
      ...nonResident(),
      facts: { ...nonResident().facts, agreement: { number: 'NR-7', date: '2025-12-01' } },
    };
    const request = {
      issuer: RU_ISSUER,
      profile: profile('yc-legal-credit'),
      bill: { ...bill, amount: '100' },
    };
    const withAgreement = composeTopUpBill({
      ...request,
      account,
      agreement: { number: 'NR-7', date: '2025-12-01' },
    });
    expect(withAgreement).toMatchObject({
      currency: 'USD',
      totals: { vat: '0.00', gross: '100.00' },
      nonResident: {
        agreement: { number: 'NR-7', date: '2025-12-01' },
        paymentTerms: 'Advance payment due within 14 calendar days of the invoice date, by 2026-03-16',
      },
    });
    expect(withAgreement.paymentPurpose).toContain('account No. acc-nr');
    expect(() => composeTopUpBill({ ...request, account: nonResident() })).toThrow(AgreementRequiredError);
  });
});
