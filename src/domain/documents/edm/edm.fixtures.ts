/**
 * Issued UPDs and VAT invoices for the EDM specs and the schema validation: every `Функция` (status-1 UPD,
 * status-2 UPD, VAT invoice), in a 2025 period (RU VAT 20 %) and a 2026 one (22 %), for a legal entity (with
 * a KPP) and a sole proprietor (a 12-digit INN, no KPP), composed by the real closing-documents rules.
 */
import type { LegalDetails } from '../../account/account-events.js';
import { closingDocumentsFor } from '../closing-documents.js';
import {
  RU_ISSUER,
  periodClosed,
  periodClosedBySku,
  ruLegal,
  service,
  skuTotal,
  withDocuments,
} from '../documents.fixtures.js';
import type { ClosingDocument, Numbered } from '../document-types.js';
import { redate } from '../numbering.js';
import type { EdmDocument, EdmSigner, ShipmentDocument } from './upd-xml.js';

export const EDM_SIGNER: EdmSigner = {
  surname: 'Иванов',
  givenName: 'Иван',
  patronymic: 'Иванович',
  position: 'Генеральный директор',
};

export const LEGAL_ENTITY: LegalDetails = {
  name: 'ООО «Ромашка & Партнёры» <"Север">',
  taxId: '7707083893',
  kpp: '773601001',
  address: 'г. Москва, ул. Вавилова, д. 19, офис «Ω-3»',
  bank: { bankName: 'АО «Банк»', bik: '044525974', accountNumber: '40702810910000000001' },
};

export const SOLE_PROPRIETOR: LegalDetails = {
  name: 'ИП Петров Пётр Петрович',
  taxId: '500100732259',
  address: 'Московская обл., г. Химки, ул. Ленина, д. 1',
};

export interface EdmCase {
  readonly label: string;
  readonly document: EdmDocument;
  readonly shipmentDocument?: ShipmentDocument;
}

const PERIODS = [
  { periodId: '2025-12', closedAt: '2025-12-31T21:00:00.000Z', year: '2025', rate: '20' },
  { periodId: '2026-03', closedAt: '2026-03-31T21:00:00.000Z', year: '2026', rate: '22' },
] as const;

const BUYERS = [
  { who: 'legal entity', details: LEGAL_ENTITY, payerType: 'legal-entity' },
  { who: 'sole proprietor', details: SOLE_PROPRIETOR, payerType: 'sole-proprietor' },
] as const;

/** The issued documents of one closed period on a closing policy, numbered from 1 in issue order. */
export function issuedDocuments(
  closing: 'upd-status-1' | 'upd-status-2',
  period: (typeof PERIODS)[number],
  buyer: (typeof BUYERS)[number],
  lines: 'per-service' | 'per-sku' = 'per-service',
): Numbered<ClosingDocument>[] {
  const when = { periodId: period.periodId, closedAt: period.closedAt };
  const { documents } = closingDocumentsFor({
    closed:
      lines === 'per-sku'
        ? // Issue 13: SKUs of the default catalog (Russian names and OKEI units), fractional quantities.
          periodClosedBySku(
            [
              skuTotal('compute.vcpu.hour', 'Cloud Compute', '720.5', '1000.005'),
              skuTotal('compute.ram.gb.hour', 'Cloud Compute', '2882.000000001', '220.005'),
              skuTotal('storage.ssd.gb.hour', 'Block Storage', '36000', '305.1', '0', 'storage'),
            ],
            when,
          )
        : periodClosed({
            ...when,
            byService: [
              service('Compute Cloud <vCPU & RAM>', '1220.00'),
              service('Object Storage', '305.10'),
            ],
          }),
    account: ruLegal(
      { accountId: `acc-edm-${buyer.payerType}`, payerType: buyer.payerType, edm: true },
      buyer.details,
    ),
    issuer: RU_ISSUER,
    profile: withDocuments('vk-legal-postpaid', { closing, advanceVatInvoice: false }),
  });
  return documents.map((document, index) => ({
    ...document,
    number: `RU-MOSCOW-LLC-${period.year}-${String(index + 1).padStart(6, '0')}`,
    sequence: index + 1,
  }));
}

/**
 * Every combination: 3 functions × 2 rates × 2 buyers = 12 documents with a line per service, and the 3
 * functions at 22 % for a legal entity with a line per SKU (quantity, unit, price: issue 13).
 */
export function edmCases(): EdmCase[] {
  const cases: EdmCase[] = [];
  const combinations = [
    ...PERIODS.flatMap((period) => BUYERS.map((buyer) => ({ period, buyer, lines: 'per-service' as const }))),
    { period: PERIODS[1], buyer: BUYERS[0], lines: 'per-sku' as const },
  ];
  for (const { period, buyer, lines } of combinations) {
    const label = `${period.rate}% VAT (${period.periodId}), ${buyer.who}${lines === 'per-sku' ? ', SKU lines' : ''}`;
    const [status1] = issuedDocuments('upd-status-1', period, buyer, lines);
    const [status2, invoice] = issuedDocuments('upd-status-2', period, buyer, lines);
    if (status1?.kind !== 'upd' || status2?.kind !== 'upd' || invoice?.kind !== 'vat-invoice') {
      throw new Error(`unexpected documents for ${label}`);
    }
    cases.push(
      { label: `UPD status 1, ${label}`, document: status1 },
      { label: `UPD status 2, ${label}`, document: status2 },
      {
        label: `VAT invoice, ${label}`,
        document: invoice,
        shipmentDocument: {
          name: 'Универсальный передаточный документ',
          number: status2.number,
          date: status2.date,
        },
      },
    );
  }
  return cases;
}

/**
 * The March 2026 documents of both buyers drawn up late (numbering in date order): numbered on 6 May after
 * later-dated documents, they are dated 6 May and keep the shipment date, 31 March.
 */
export function lateEdmCases(drawnUpOn = '2026-05-06'): EdmCase[] {
  return edmCases()
    .filter((c) => c.document.periodId === '2026-03')
    .map((c) => ({
      label: `${c.label}, drawn up on ${drawnUpOn}`,
      document: redate(c.document, drawnUpOn),
      // The UPD a VAT invoice accompanies was drawn up with it, the same day.
      ...(c.shipmentDocument ? { shipmentDocument: { ...c.shipmentDocument, date: drawnUpOn } } : {}),
    }));
}
