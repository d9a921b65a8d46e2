import Big from 'big.js';
import { decideLedger } from '../ledger/ledger-decide.js';
import type { LedgerCommand } from '../ledger/ledger-commands.js';
import type { LedgerEvent, LedgerEventOf } from '../ledger/ledger-events.js';
import { consume, contextFor, grantIssued, periodOpened } from '../ledger/ledger.fixtures.js';
import { evolveLedger, initialLedgerState, type LedgerState } from '../ledger/ledger-state.js';
import { vatPercent, type VatSchedule } from '../shared/vat.js';
import {
  AgreementRequiredError,
  BillDateOutsidePeriodError,
  billBasisFromLedgerState,
  billForClosedPeriod,
  composeBill,
  type BillBasis,
  type BillDecision,
  type BillRequest,
} from './bill.js';
import type { BillDocument } from './document-types.js';
import {
  KZ_ISSUER,
  RU_CUSTOMER,
  RU_ISSUER,
  individual,
  kzLegal,
  nonResident,
  periodClosed,
  periodClosedBySku,
  profile,
  ruLegal,
  service,
  skuTotal,
} from './documents.fixtures.js';

const YC_CREDIT = 'yc-legal-credit';

function issued(decision: BillDecision): BillDocument {
  if (!decision.issued)
    throw new Error(`expected a bill, got no bill: ${decision.reason} (${decision.toPay})`);
  return decision.bill;
}

const basis = (overrides: Partial<BillBasis> = {}): BillBasis => ({
  openingBalance: '0',
  deposits: '0',
  grantsUsed: '0',
  byService: [],
  ...overrides,
});

const periodBill = (overrides: Partial<Extract<BillRequest, { kind: 'period' }>> = {}): BillDecision =>
  composeBill({
    kind: 'period',
    account: ruLegal(),
    issuer: RU_ISSUER,
    profile: profile(YC_CREDIT),
    periodId: '2026-03',
    basis: basis(),
    ...overrides,
  });

describe('amount = consumption − (opening balance + deposits + grants used) (rules §8 checks)', () => {
  it('1 400 − (0 + 0 + 1 000) = 400 → a bill for 400', () => {
    const bill = issued(
      periodBill({ basis: basis({ grantsUsed: '1000', byService: [service('Compute', '1400', '1000')] }) }),
    );
    expect(bill.toPay).toBe('400.00');
    expect(bill.settlement).toEqual({
      consumption: '1400.00',
      grantsUsed: '1000.00',
      openingBalance: '0.00',
      deposits: '0.00',
      alreadyBilled: '0.00',
      penalties: '0.00',
    });
  });

  it('800 consumed against a 1 000 grant → no bill', () => {
    const decision = periodBill({
      basis: basis({ grantsUsed: '800', byService: [service('Compute', '800', '800')] }),
    });
    expect(decision).toEqual({ issued: false, reason: 'nothing-to-pay', toPay: '0.00' });
  });

  it('a mid-period bill for 1 000 when a 1 000 credit limit is reached at 2 000 consumed with a 1 000 grant', () => {
    const bill = issued(
      composeBill({
        kind: 'mid-period',
        issuedOn: '2026-03-10',
        account: ruLegal(),
        issuer: RU_ISSUER,
        profile: profile(YC_CREDIT),
        periodId: '2026-03',
        basis: basis({ grantsUsed: '1000', byService: [service('Compute', '2000', '1000')] }),
      }),
    );
    expect(bill).toMatchObject({
      billKind: 'mid-period',
      toPay: '1000.00',
      date: '2026-03-10',
      dueDate: '2026-03-12',
      servicePeriod: { firstDay: '2026-03-01', lastDay: '2026-03-10' },
      documentId: 'acc-ru/2026-03/bill-mid-2026-03-10',
    });
  });

  it('is issued from one minor unit to pay, not at zero; a credit is no bill either', () => {
    const withOpening = (openingBalance: string) =>
      periodBill({ basis: basis({ openingBalance, byService: [service('Compute', '100')] }) });
    expect(issued(withOpening('99.99')).toPay).toBe('0.01');
    expect(withOpening('100')).toEqual({ issued: false, reason: 'nothing-to-pay', toPay: '0.00' });
    expect(withOpening('150')).toEqual({ issued: false, reason: 'nothing-to-pay', toPay: '-50.00' });
  });

  it('the opening balance and deposits of the period pay first; a negative opening balance is debt', () => {
    const pay = (openingBalance: string, deposits: string) =>
      issued(
        periodBill({ basis: basis({ openingBalance, deposits, byService: [service('Compute', '1000')] }) }),
      ).toPay;
    expect(pay('100', '0')).toBe('900.00');
    expect(pay('0', '300')).toBe('700.00');
    expect(pay('-500', '0')).toBe('1500.00');
  });

  it('bills already out for the same debt are not billed again; penalties are added', () => {
    expect(
      issued(
        periodBill({
          basis: basis({ openingBalance: '-500', byService: [service('Compute', '1000')] }),
          alreadyBilled: '500',
        }),
      ).toPay,
    ).toBe('1000.00');
    const withPenalties = issued(
      periodBill({ basis: basis({ penalties: '12.5', byService: [service('Compute', '100')] }) }),
    );
    expect(withPenalties.toPay).toBe('112.50');
    expect(withPenalties.settlement!.penalties).toBe('12.50');
  });
});

describe('penalties bear no VAT and stand on their own line (rules §8, §10)', () => {
  it('512.34 to pay with 12.34 of penalties: VAT 22 % on the 500.00 of services only, 90.16 (not 92.39)', () => {
    const bill = issued(
      periodBill({ basis: basis({ penalties: '12.34', byService: [service('Compute', '500')] }) }),
    );
    expect(bill.toPay).toBe('512.34');
    expect(bill.toPayVat).toBe('90.16');
    expect(bill.penaltiesLine).toEqual({
      description: 'Неустойка (пени) за просрочку оплаты, без НДС',
      amount: '12.34',
      vatRate: { kind: 'none' },
      vat: '0.00',
    });
    expect(bill.paymentPurpose).toContain('в т.ч. НДС 22% — 90.16 RUB');
  });

  it('a bill without penalties has no penalties line', () => {
    const bill = issued(periodBill({ basis: basis({ byService: [service('Compute', '500')] }) }));
    expect(bill.penaltiesLine).toBeNull();
    expect(bill.toPayVat).toBe('90.16');
  });
});

describe('when bills are issued at all', () => {
  const owing = basis({ byService: [service('Compute', '100')] });

  it('period bills only under a profile that issues them, or to a bank-transfer payer where the profile bills those (seed 004)', () => {
    const byCard = ruLegal({ paymentMethod: 'card' });
    expect(periodBill({ basis: owing, profile: profile('yc-legal-prepaid'), account: byCard })).toEqual({
      issued: false,
      reason: 'profile-issues-no-bills',
      toPay: '100.00',
    });
    expect(periodBill({ basis: owing, profile: profile('vk-legal-postpaid') }).issued).toBe(true);
    // A legal entity pays by bank transfer unless it says otherwise.
    expect(periodBill({ basis: owing, profile: profile('yc-legal-prepaid') }).issued).toBe(true);
    expect(periodBill({ basis: owing, profile: profile('vk-legal-prepaid') }).issued).toBe(false);
  });

  it('mid-period bills only under a profile with a credit limit', () => {
    const mid = (profileId: string) =>
      composeBill({
        kind: 'mid-period',
        issuedOn: '2026-03-15',
        account: ruLegal(),
        issuer: RU_ISSUER,
        profile: profile(profileId),
        periodId: '2026-03',
        basis: owing,
      });
    expect(mid('vk-legal-postpaid')).toMatchObject({ issued: false, reason: 'profile-issues-no-bills' });
    expect(mid(YC_CREDIT).issued).toBe(true);
    // The bill for debt of a bank-transfer payer (seed 004).
    expect(mid('yc-legal-prepaid').issued).toBe(true);
  });

  it('never to individuals, whatever the profile says', () => {
    expect(periodBill({ basis: owing, account: individual() })).toMatchObject({
      issued: false,
      reason: 'individual',
    });
  });

  it('a mid-period bill is dated inside its period, first and last day included', () => {
    const mid = (issuedOn: string) =>
      composeBill({
        kind: 'mid-period',
        issuedOn,
        account: ruLegal(),
        issuer: RU_ISSUER,
        profile: profile(YC_CREDIT),
        periodId: '2026-03',
        basis: owing,
      });
    expect(mid('2026-03-01').issued).toBe(true);
    expect(mid('2026-03-31').issued).toBe(true);
    expect(() => mid('2026-02-28')).toThrow(BillDateOutsidePeriodError);
    expect(() => mid('2026-04-01')).toThrow(expect.objectContaining({ code: 'BILL_DATE_OUTSIDE_PERIOD' }));
  });
});

describe('lines, VAT and totals', () => {
  const bill = issued(
    periodBill({
      basis: basis({
        grantsUsed: '1000',
        byService: [service('Compute', '1000', '1000'), service('Object Storage', '400', '0', 'storage')],
      }),
    }),
  );

  it('one line per service, VAT extracted and rounded per line at the rate of the period (22% in 2026)', () => {
    expect(bill.lines).toEqual([
      {
        description: 'Compute',
        service: 'Compute',
        category: 'compute',
        servicePeriod: { firstDay: '2026-03-01', lastDay: '2026-03-31' },
        vatRate: { kind: 'percent', percent: '22' },
        gross: '1000.00',
        vat: '180.33',
        net: '819.67',
      },
      {
        description: 'Object Storage',
        service: 'Object Storage',
        category: 'storage',
        servicePeriod: { firstDay: '2026-03-01', lastDay: '2026-03-31' },
        vatRate: { kind: 'percent', percent: '22' },
        gross: '400.00',
        vat: '72.13',
        net: '327.87',
      },
    ]);
    expect(bill.totals).toEqual({ gross: '1400.00', vat: '252.46', net: '1147.54' });
  });

  it('"to pay" and the VAT it contains', () => {
    expect(bill.toPay).toBe('400.00');
    expect(bill.toPayVat).toBe('72.13');
  });

  it('sub-kopeck service totals are rounded once, per line, with the profile mode; zero lines are left out', () => {
    const lines = (mode: 'half-up' | 'half-even') =>
      issued(
        periodBill({
          profile: profile(YC_CREDIT, { rounding: { mode, subMinorChargesRoundUp: false } }),
          basis: basis({
            byService: [service('A', '10.005'), service('B', '0.004'), service('C', '0.015')],
          }),
        }),
      ).lines.map((line) => [line.service, line.gross]);
    expect(lines('half-up')).toEqual([
      ['A', '10.01'],
      ['C', '0.02'],
    ]);
    expect(lines('half-even')).toEqual([
      ['A', '10.00'],
      ['C', '0.02'],
    ]);
  });

  it('the rate is the one in force on the last day of service: 20% for December 2025', () => {
    const december = issued(
      periodBill({ periodId: '2025-12', basis: basis({ byService: [service('Compute', '120')] }) }),
    );
    expect(december.lines[0]).toMatchObject({ vatRate: { percent: '20' }, vat: '20.00', net: '100.00' });
    // A December bill is issued on 1 January: the date is next year's, the service date is not.
    expect(december.date).toBe('2026-01-01');
    expect(december.dueDate).toBe('2026-01-14');
  });

  it('Kazakhstan: 16% from 2026 (116.00 → VAT 16.00), 12% before', () => {
    const kz = (periodId: string, amount: string) =>
      issued(
        periodBill({
          account: kzLegal(),
          issuer: KZ_ISSUER,
          periodId,
          basis: basis({ byService: [service('Compute', amount)] }),
        }),
      );
    expect(kz('2026-03', '116')).toMatchObject({ currency: 'KZT', totals: { vat: '16.00', net: '100.00' } });
    expect(kz('2025-11', '112')).toMatchObject({ totals: { vat: '12.00', net: '100.00' } });
  });

  it("with 'split-by-day' a service spanning a rate change becomes one line per rate", () => {
    const schedule: VatSchedule = {
      RU: [
        { from: null, until: '2026-03-10', rate: vatPercent('20'), basis: 'test' },
        { from: '2026-03-11', until: null, rate: vatPercent('22'), basis: 'test' },
      ],
      KZ: [],
      'non-resident': [],
    };
    const split = issued(
      periodBill({
        profile: profile(YC_CREDIT, { vat: { midMonthChange: 'split-by-day' } }),
        vatSchedule: schedule,
        basis: basis({ byService: [service('Compute', '3100')] }),
      }),
    );
    expect(split.lines.map((line) => [line.servicePeriod, line.vatRate, line.gross, line.vat])).toEqual([
      [
        { firstDay: '2026-03-01', lastDay: '2026-03-10' },
        { kind: 'percent', percent: '20' },
        '1000.00',
        '166.67',
      ],
      [
        { firstDay: '2026-03-11', lastDay: '2026-03-31' },
        { kind: 'percent', percent: '22' },
        '2100.00',
        '378.69',
      ],
    ]);
    expect(split.totals).toEqual({ gross: '3100.00', vat: '545.36', net: '2554.64' });
  });
});

describe('requisites', () => {
  it('number comes from numbering; date, due date, issuer, payer and the payment purpose naming the account', () => {
    const bill = issued(periodBill({ basis: basis({ byService: [service('Compute', '122')] }) }));
    expect(bill).toMatchObject({
      kind: 'bill',
      billKind: 'period',
      documentId: 'acc-ru/2026-03/bill',
      date: '2026-04-01',
      dueDate: '2026-04-14',
      issuer: RU_ISSUER,
      payer: {
        name: RU_CUSTOMER.name,
        taxId: RU_CUSTOMER.taxId,
        kpp: RU_CUSTOMER.kpp,
        address: RU_CUSTOMER.address,
      },
      accountNumber: 'acc-ru',
      currency: 'RUB',
      vatJurisdiction: 'RU',
      nonResident: null,
    });
    expect(bill).not.toHaveProperty('number');
    expect(bill.paymentPurpose).toBe(
      'Оплата услуг облачной платформы по лицевому счёту № acc-ru за период 2026-03. ' +
        'Сумма 122.00 RUB, в т.ч. НДС 22% — 22.00 RUB',
    );
  });

  it('without additional registration the bill has no payer requisites', () => {
    const bill = issued(
      periodBill({
        account: ruLegal({}, null),
        basis: basis({ byService: [service('Compute', '10')] }),
      }),
    );
    expect(bill.payer).toBeNull();
  });

  it('the payer’s bank details, when given with the legal details, are printed on the bill', () => {
    const bank = { bankName: 'ПАО Сбербанк', bik: '044525225', accountNumber: '40702810938000012345' };
    const bill = issued(
      periodBill({
        account: ruLegal({}, { ...RU_CUSTOMER, bank }),
        basis: basis({ byService: [service('Compute', '10')] }),
      }),
    );
    expect(bill.payer).toMatchObject({ taxId: RU_CUSTOMER.taxId, bank });
    expect(
      issued(periodBill({ basis: basis({ byService: [service('Compute', '10')] }) })).payer,
    ).not.toHaveProperty('bank');
  });

  it('non-residents: invoice terms, agreement number and date, due date, USD without taxes', () => {
    const bill = issued(
      periodBill({
        account: nonResident(),
        agreement: { number: 'NR-42', date: '2025-11-03' },
        basis: basis({ byService: [service('Compute', '250.5')] }),
      }),
    );
    expect(bill).toMatchObject({
      currency: 'USD',
      vatJurisdiction: 'non-resident',
      accountNumber: 'acc-nr',
      dueDate: '2026-04-14',
      toPay: '250.50',
      toPayVat: '0.00',
      totals: { gross: '250.50', vat: '0.00', net: '250.50' },
      nonResident: {
        agreement: { number: 'NR-42', date: '2025-11-03' },
        paymentTerms:
          'Payment due within 14 calendar days after the end of the reporting period, by 2026-04-14',
        taxNote: 'Amounts exclude taxes',
      },
    });
    expect(bill.lines[0]!.vatRate).toEqual({ kind: 'none' });
    expect(bill.paymentPurpose).toBe(
      'Payment for cloud services, account No. acc-nr, period 2026-03, under agreement No. NR-42 of ' +
        '2025-11-03. 250.50 USD, taxes not applicable',
    );
  });

  it('a non-resident bill without the agreement is refused', () => {
    expect(() =>
      periodBill({ account: nonResident(), basis: basis({ byService: [service('Compute', '1')] }) }),
    ).toThrow(AgreementRequiredError);
  });

  it('a bill is signed by the account’s own issuer only', () => {
    expect(() =>
      periodBill({ issuer: KZ_ISSUER, basis: basis({ byService: [service('Compute', '1')] }) }),
    ).toThrow(expect.objectContaining({ code: 'DOCUMENT_ISSUER_MISMATCH' }));
  });

  it('an account whose currency does not fit its residency is refused', () => {
    expect(() =>
      periodBill({
        account: ruLegal({ currency: 'USD' }),
        basis: basis({ byService: [service('Compute', '1')] }),
      }),
    ).toThrow(expect.objectContaining({ code: 'DOCUMENT_CURRENCY_MISMATCH' }));
  });
});

describe('rendering the ledger’s own bills', () => {
  type PeriodClosedEvent = LedgerEventOf<'PeriodClosed'>;

  /** Runs commands through the real ledger decider, returning every event and the state before each. */
  function runLedger(profileId: string, history: LedgerEvent[], commands: LedgerCommand[]) {
    const context = contextFor(profileId);
    let state: LedgerState = history.reduce(evolveLedger, initialLedgerState());
    const emitted: Array<{ event: LedgerEvent; before: LedgerState }> = [];
    for (const command of commands) {
      const decision = decideLedger(command, state, context);
      if (!decision.ok) throw new Error(`${decision.code}: ${decision.message}`);
      for (const event of decision.events) {
        emitted.push({ event, before: state });
        state = evolveLedger(state, event);
      }
    }
    return emitted;
  }
  const close: LedgerCommand = {
    type: 'ClosePeriod',
    at: '2026-04-01T00:00:00.000Z',
    timeZone: 'Europe/Moscow',
  };
  const account = ruLegal({ accountId: 'acc-1' });

  it('a period bill from PeriodClosed asks for exactly what the ledger billed', () => {
    const emitted = runLedger(
      YC_CREDIT,
      [periodOpened({ creditLimit: '5000' }, YC_CREDIT), grantIssued('g', '1000')],
      [consume('u', 'compute.vcpu', '1400'), close],
    );
    const billIssued = emitted.find((e) => e.event.type === 'BillIssued')!
      .event as LedgerEventOf<'BillIssued'>;
    const closed = emitted.find((e) => e.event.type === 'PeriodClosed')!.event as PeriodClosedEvent;
    const bill = issued(
      billForClosedPeriod(closed.data, {
        account,
        issuer: RU_ISSUER,
        profile: profile(YC_CREDIT),
        ledgerBill: billIssued.data,
      }),
    );
    expect(billIssued.data.amount).toBe('400');
    expect(bill).toMatchObject({
      toPay: '400.00',
      date: billIssued.data.issuedOn,
      dueDate: billIssued.data.dueDate,
      documentId: `acc-1/2026-03/bill/${billIssued.data.billId}`,
    });
  });

  it('a period bill does not bill again what an unpaid mid-period bill already asks for', () => {
    const emitted = runLedger(
      YC_CREDIT,
      [periodOpened({ creditLimit: '1000' }, YC_CREDIT), grantIssued('g', '1000')],
      [consume('u1', 'compute.vcpu', '2000'), consume('u2', 'storage.disk', '300'), close],
    );
    const bills = emitted
      .filter((e) => e.event.type === 'BillIssued')
      .map((e) => e.event as LedgerEventOf<'BillIssued'>);
    const closed = emitted.find((e) => e.event.type === 'PeriodClosed')!.event as PeriodClosedEvent;
    expect(bills.map((b) => [b.data.kind, b.data.amount])).toEqual([
      ['mid-period', '1000'],
      ['period', '300'],
    ]);
    const bill = issued(
      billForClosedPeriod(closed.data, {
        account,
        issuer: RU_ISSUER,
        profile: profile(YC_CREDIT),
        ledgerBill: bills[1]!.data,
      }),
    );
    expect(bill.settlement!.alreadyBilled).toBe('1000.00');
    expect(bill.toPay).toBe('300.00');
  });

  it('a mid-period bill from the ledger state just before its BillIssued', () => {
    const emitted = runLedger(
      YC_CREDIT,
      [periodOpened({ creditLimit: '1000' }, YC_CREDIT), grantIssued('g', '1000')],
      [consume('u', 'compute.vcpu', '2000')],
    );
    const { event, before } = emitted.find((e) => e.event.type === 'BillIssued')!;
    const ledgerBill = (event as LedgerEventOf<'BillIssued'>).data;
    const { basis: figures, alreadyBilled } = billBasisFromLedgerState(before);
    const bill = issued(
      composeBill({
        kind: 'mid-period',
        issuedOn: ledgerBill.issuedOn,
        dueDate: ledgerBill.dueDate,
        ledgerBillId: ledgerBill.billId,
        account,
        issuer: RU_ISSUER,
        profile: profile(YC_CREDIT),
        periodId: '2026-03',
        basis: figures,
        alreadyBilled,
      }),
    );
    expect(ledgerBill.amount).toBe('1000');
    expect(bill).toMatchObject({ toPay: '1000.00', date: '2026-03-10', dueDate: '2026-03-12' });
  });

  it('from the ledger: a period with two SKUs of one service and one of another is billed per service (rules §8)', () => {
    const emitted = runLedger(
      YC_CREDIT,
      [periodOpened({}, YC_CREDIT)],
      [
        consume('u1', 'compute.vcpu', '1.5'),
        consume('u2', 'compute.ram', '4'),
        consume('u3', 'compute.vcpu', '2.25'),
        consume('u4', 'storage.disk', '10'),
        close,
      ],
    );
    const closedEvent = emitted.find((e) => e.event.type === 'PeriodClosed')!.event as PeriodClosedEvent;
    const ledgerBill = emitted.find((e) => e.event.type === 'BillIssued')!
      .event as LedgerEventOf<'BillIssued'>;
    const fromLedger = issued(
      billForClosedPeriod(closedEvent.data, {
        account,
        issuer: RU_ISSUER,
        profile: profile(YC_CREDIT),
        ledgerBill: ledgerBill.data,
      }),
    );
    // Flat test prices: 1 rouble a unit. One line per service, no SKU quantities on a bill.
    expect(fromLedger.lines.map((l) => [l.service, l.sku, l.quantity, l.gross])).toEqual(
      closedEvent.data.byService.map((s) => [
        s.service,
        undefined,
        undefined,
        new Big(s.consumption).toFixed(2),
      ]),
    );
    expect(fromLedger.lines.map((l) => l.gross)).toEqual(['10.00', '7.75']);
    expect(fromLedger.lines).toHaveLength(2);
    expect(closedEvent.data.bySku).toHaveLength(3);
    expect(fromLedger.toPay).toBe('17.75');
  });

  it('a mid-period bill from the ledger state has the service lines so far (rules §8)', () => {
    const emitted = runLedger(
      YC_CREDIT,
      [periodOpened({ creditLimit: '1000' }, YC_CREDIT)],
      [consume('u1', 'compute.ram', '400'), consume('u2', 'compute.vcpu', '700')],
    );
    const { event, before } = emitted.find((e) => e.event.type === 'BillIssued')!;
    const { basis: figures, alreadyBilled } = billBasisFromLedgerState(before);
    const ledgerBill = (event as LedgerEventOf<'BillIssued'>).data;
    const bill = issued(
      composeBill({
        kind: 'mid-period',
        issuedOn: ledgerBill.issuedOn,
        account,
        issuer: RU_ISSUER,
        profile: profile(YC_CREDIT),
        periodId: '2026-03',
        basis: figures,
        alreadyBilled,
      }),
    );
    expect(bill.lines.map((l) => [l.sku, l.quantity, l.gross])).toEqual([[undefined, undefined, '1100.00']]);
  });

  it('without the ledger bill, PeriodClosed alone still gives the formula', () => {
    const closed = periodClosed({ byService: [service('Compute', '1400', '1000')] });
    expect(
      issued(billForClosedPeriod(closed, { account, issuer: RU_ISSUER, profile: profile(YC_CREDIT) })).toPay,
    ).toBe('400.00');
  });
});

describe('bill lines stay per service when the close recorded SKUs (rules §8)', () => {
  const closed = periodClosedBySku([
    skuTotal('compute.vcpu.hour', 'Cloud Compute', '720', '1000.005'),
    skuTotal('compute.ram.gb.hour', 'Cloud Compute', '2880.5', '220.005'),
    skuTotal('storage.ssd.gb.hour', 'Block Storage', '1000', '116', '0', 'storage'),
  ]);
  const { bySku: _bySku, ...withoutSkus } = closed;
  const request = { account: ruLegal(), issuer: RU_ISSUER, profile: profile(YC_CREDIT) };
  const bill = issued(billForClosedPeriod(closed, request));
  const perService = issued(billForClosedPeriod(withoutSkus, request));

  it('one line per service, no quantities: the same bill as without the SKUs', () => {
    expect(bill.lines.map((l) => [l.service, l.sku, l.quantity, l.gross])).toEqual([
      ['Block Storage', undefined, undefined, '116.00'],
      ['Cloud Compute', undefined, undefined, '1220.01'],
    ]);
    expect(bill).toEqual(perService);
  });
});
