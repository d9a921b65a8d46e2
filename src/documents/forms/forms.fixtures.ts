/** Issued documents of every kind for the form tests and the sample pages in docs/documents/. */
import type {
  ActDocument,
  AdvanceVatInvoiceDocument,
  BillDocument,
  DocumentLine,
  DocumentParty,
  Numbered,
  UpdDocument,
  VatInvoiceDocument,
} from '../../domain/documents/index.js';
import { ISSUERS } from '../issuers.js';

const ISSUER = ISSUERS['ru-moscow-llc']!;

export const PAYER: DocumentParty = {
  name: 'ООО «Ромашка»',
  taxId: '7707083893',
  kpp: '773601001',
  address: '117312, г. Москва, ул. Вавилова, д. 19',
  bank: { bankName: 'АО «Альфа-Банк»', accountNumber: '40702810401300000002', bik: '044525593' },
};

const MARCH = { firstDay: '2026-03-01', lastDay: '2026-03-31' };

const line = (service: string, category: string, net: string, vat: string, gross: string): DocumentLine => ({
  description: service,
  service,
  category,
  servicePeriod: MARCH,
  vatRate: { kind: 'percent', percent: '22' },
  net,
  vat,
  gross,
});

export const SERVICE_LINES: DocumentLine[] = [
  line('Cloud Compute', 'compute', '10000.00', '2200.00', '12200.00'),
  line('Block Storage', 'storage', '1500.00', '330.00', '1830.00'),
  line('Object Storage', 'object-storage', '250.41', '55.09', '305.50'),
  {
    ...line('GPU Cluster', 'gpu-cluster', '20834.00', '4583.48', '25417.48'),
    sku: 'gpu.a100.hour',
    quantity: '100',
    unitPrice: '208.34',
  },
];

const TOTALS = { net: '32584.41', vat: '7168.57', gross: '39752.98' };

const closingBase = {
  accountId: 'acc-romashka',
  periodId: '2026-03',
  date: '2026-03-31',
  currency: 'RUB',
  vatJurisdiction: 'RU',
  issuer: ISSUER,
  payer: PAYER,
  servicePeriod: MARCH,
  delivery: 'edm',
  lines: SERVICE_LINES,
  totals: TOTALS,
} as const;

export const ACT: Numbered<ActDocument> = {
  ...closingBase,
  kind: 'act',
  documentId: 'acc-romashka/2026-03/act',
  basis: 'spent-from-balance',
  agreement: { number: 'ОБЛ-2025/117', date: '2025-06-01' },
  number: 'RU-MOSCOW-LLC-2026-000101',
  sequence: 101,
};

export const VAT_INVOICE: Numbered<VatInvoiceDocument> = {
  ...closingBase,
  kind: 'vat-invoice',
  documentId: 'acc-romashka/2026-03/vat-invoice',
  basisDocumentId: ACT.documentId,
  number: 'RU-MOSCOW-LLC-2026-000102',
  sequence: 102,
};

export const ADVANCE_VAT_INVOICE: Numbered<AdvanceVatInvoiceDocument> = {
  ...closingBase,
  kind: 'advance-vat-invoice',
  documentId: 'acc-romashka/2026-03/advance-vat-invoice',
  lines: [
    {
      description: 'Advance payment for cloud services',
      service: null,
      category: null,
      servicePeriod: MARCH,
      vatRate: { kind: 'percent', percent: '22' },
      net: '8196.72',
      vat: '1803.28',
      gross: '10000.00',
    },
  ],
  totals: { net: '8196.72', vat: '1803.28', gross: '10000.00' },
  eligibleDeposits: '49752.98',
  confirmedByServices: '39752.98',
  paymentDocuments: [{ number: '734', date: '2026-03-12' }],
  number: 'RU-MOSCOW-LLC-2026-000103',
  sequence: 103,
};

export const UPD_STATUS_1: Numbered<UpdDocument> = {
  ...closingBase,
  kind: 'upd',
  status: 1,
  basis: 'spent-from-balance',
  documentId: 'acc-romashka/2026-03/upd',
  number: 'RU-MOSCOW-LLC-2026-000104',
  sequence: 104,
};

export const UPD_STATUS_2: Numbered<UpdDocument> = {
  ...UPD_STATUS_1,
  status: 2,
  agreement: { number: 'ОБЛ-2025/117', date: '2025-06-01' },
  number: 'RU-MOSCOW-LLC-2026-000105',
  sequence: 105,
};

export const PERIOD_BILL: Numbered<BillDocument> = {
  kind: 'bill',
  billKind: 'period',
  documentId: 'acc-romashka/2026-03/bill/b-1',
  accountId: 'acc-romashka',
  accountNumber: 'acc-romashka',
  periodId: '2026-03',
  date: '2026-04-01',
  dueDate: '2026-04-15',
  currency: 'RUB',
  vatJurisdiction: 'RU',
  issuer: ISSUER,
  payer: PAYER,
  servicePeriod: MARCH,
  lines: SERVICE_LINES,
  totals: TOTALS,
  settlement: {
    consumption: '39752.98',
    grantsUsed: '1000.00',
    openingBalance: '2000.00',
    deposits: '5000.00',
    alreadyBilled: '0.00',
    penalties: '12.50',
  },
  toPay: '31765.48',
  toPayVat: '5726.30',
  penaltiesLine: {
    description: 'Неустойка (пени) за просрочку оплаты, без НДС',
    amount: '12.50',
    vatRate: { kind: 'none' },
    vat: '0.00',
  },
  paymentPurpose:
    'Оплата услуг облачной платформы по счёту № RU-MOSCOW-LLC-2026-000106, лицевой счёт acc-romashka. ' +
    'Сумма 31765.48 руб., в т.ч. НДС 5726.30 руб.',
  nonResident: null,
  number: 'RU-MOSCOW-LLC-2026-000106',
  sequence: 106,
};

export const TOP_UP_BILL: Numbered<BillDocument> = {
  ...PERIOD_BILL,
  billKind: 'top-up',
  documentId: 'acc-romashka/2026-04/bill/t-1',
  periodId: '2026-04',
  date: '2026-04-03',
  dueDate: '2026-04-13',
  servicePeriod: { firstDay: '2026-04-03', lastDay: '2026-04-03' },
  lines: [
    {
      description: 'Аванс за услуги облачной платформы (пополнение лицевого счёта № acc-romashka)',
      service: null,
      category: null,
      servicePeriod: { firstDay: '2026-04-03', lastDay: '2026-04-03' },
      vatRate: { kind: 'percent', percent: '22' },
      net: '40983.61',
      vat: '9016.39',
      gross: '50000.00',
    },
  ],
  totals: { net: '40983.61', vat: '9016.39', gross: '50000.00' },
  settlement: null,
  penaltiesLine: null,
  toPay: '50000.00',
  toPayVat: '9016.39',
  paymentPurpose: 'Пополнение лицевого счёта № acc-romashka по счёту № RU-MOSCOW-LLC-2026-000107',
  number: 'RU-MOSCOW-LLC-2026-000107',
  sequence: 107,
};

/** A long act: enough lines to flow over several pages. */
export const LONG_ACT: Numbered<ActDocument> = {
  ...ACT,
  lines: Array.from({ length: 90 }, (_, index) => ({
    ...line(`Service ${index + 1}`, 'compute', '100.00', '22.00', '122.00'),
    description: `Услуга № ${index + 1} облачной платформы`,
  })),
  totals: { net: '9000.00', vat: '1980.00', gross: '10980.00' },
};
