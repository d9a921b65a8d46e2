import type { IssuerDetails } from '../domain/documents/index.js';

/**
 * The legal entities that sign documents and own their numbering, one per region (domain-rules §1).
 * Requisites are reference data; a deployment overrides them by editing this table. `signatories` (position
 * and name) are printed in the forms' signature blocks; a document issued before they were configured
 * takes them from here when rendered.
 */
export const ISSUERS: Record<string, IssuerDetails> = {
  'ru-moscow-llc': {
    id: 'ru-moscow-llc',
    name: 'ООО «Облачные технологии»',
    taxId: '7707049388',
    kpp: '770701001',
    address: '125167, г. Москва, Ленинградский проспект, д. 39, стр. 79',
    bank: {
      bankName: 'ПАО Сбербанк',
      accountNumber: '40702810938000000001',
      bik: '044525225',
      correspondentAccount: '30101810400000000225',
    },
    signatories: {
      head: { position: 'Генеральный директор', name: 'Иванов И. И.' },
      chiefAccountant: { position: 'Главный бухгалтер', name: 'Петрова А. С.' },
      responsible: { position: 'Руководитель отдела расчётов', name: 'Сидоров П. В.' },
    },
  },
  'kz-llp': {
    id: 'kz-llp',
    name: 'ТОО «QazCloud»',
    taxId: '940140000385',
    address: '010000, г. Астана, проспект Мангилик Ел, 55',
    bank: {
      bankName: 'АО «Народный банк Казахстана»',
      accountNumber: 'KZ946010111000000001',
      swift: 'HSBKKZKX',
    },
    signatories: {
      head: { position: 'Директор', name: 'Сериков А. Б.' },
      chiefAccountant: { position: 'Главный бухгалтер', name: 'Ахметова Д. К.' },
    },
  },
};

export function issuerDetails(issuerId: string): IssuerDetails {
  const issuer = ISSUERS[issuerId];
  if (!issuer) throw new Error(`No requisites for issuer ${issuerId}`);
  return issuer;
}
