import type { PayerType } from '../policies/policy-profile.js';
import type { Region } from './account-events.js';

/**
 * Personal data the law makes the issuer keep after the account is deleted: the payer's requisites in issued
 * documents, when the payer is a person (a sole proprietor or an individual). A legal entity's requisites are
 * not personal data and stay in clear.
 */
export const payerIsPerson = (payerType: PayerType): boolean => payerType !== 'legal-entity';

/** How a sealed field reads once its retention period is over and its key destroyed. */
export const ERASED_TEXT = '[удалено]';

/** The document payer fields that are a person's data: an individual's tax id (ИНН/ИИН) too. */
export function personalPayerFields(payerType: PayerType): readonly PersonalPayerField[] {
  if (!payerIsPerson(payerType)) return [];
  return payerType === 'individual' ? ['name', 'address', 'bank', 'taxId'] : ['name', 'address', 'bank'];
}
export type PersonalPayerField = 'name' | 'address' | 'bank' | 'taxId';

const FIELD_WORDS: Record<PersonalPayerField, string> = {
  name: 'name',
  address: 'address',
  bank: 'bank details',
  taxId: 'tax id',
};

/** What deletion keeps of a person's issued documents, in words (AccountDeleted.kept). */
export const retainedDocumentDataOf = (payerType: PayerType): string =>
  `the payer's ${personalPayerFields(payerType)
    .map((f) => FIELD_WORDS[f])
    .join(', ')} in issued documents (sealed under the retention key)`;

/** Why, by the issuer's country. */
export const RETENTION_BASIS: Record<Region, string> = {
  'ru-moscow':
    'Federal law No. 402-FZ of 06.12.2011 «О бухгалтерском учёте», art. 29 p. 1 (primary accounting ' +
    'documents are kept at least five years after the reporting year); Tax Code of the Russian Federation, ' +
    'art. 23 p. 1 pp. 8 (five years)',
  kz:
    'Law of the Republic of Kazakhstan No. 234-III of 28.02.2007 «О бухгалтерском учёте и финансовой ' +
    'отчётности» (primary documents are kept for the periods of the archival legislation; five years after ' +
    'the reporting year taken as the minimum — the article and period to be confirmed by the issuer’s counsel)',
};

/** Both countries keep primary documents at least five years after the end of the document's year. */
const RETENTION_YEARS = 5;

/**
 * Until when a document dated `documentDate` (a local date) must be kept: to the end of the fifth year after
 * its year — the instant the next year begins (UTC midnight, a few hours after it in Moscow and Almaty, so
 * never early).
 */
export function retentionOf(region: Region, documentDate: string): { retainUntil: string; basis: string } {
  const year = Number(documentDate.slice(0, 4));
  return {
    retainUntil: `${year + RETENTION_YEARS + 1}-01-01T00:00:00.000Z`,
    basis: RETENTION_BASIS[region],
  };
}
