import type { Numbered } from '../domain/documents/index.js';
import { edmUnavailableReason } from '../domain/documents/edm/upd-xml.js';
import { edmFileOf } from '../documents/document-xml/edm-file.js';

export interface MailAttachment {
  readonly filename: string;
  readonly content: Buffer;
  readonly contentType: string;
}

/**
 * The tax service's XML of an issued document, attached to the e-mail of an account that uses EDM: the very
 * file `GET …/documents/:number/xml` serves (same builder, signer and windows-1251 encoding), named
 * `<ИдФайл>.xml` as the format requires. Undefined for the documents that have none (acts, bills, advance
 * VAT invoices, documents that are not Russian ones in roubles). `basisOf` finds, among the account's issued
 * documents, the act or UPD a VAT invoice accompanies (its shipment document, line 5a).
 */
export function edmAttachment(
  document: Numbered,
  basisOf: (documentId: string) => Numbered | undefined,
): MailAttachment | undefined {
  if (edmUnavailableReason(document) !== null) return undefined;
  if (document.kind !== 'upd' && document.kind !== 'vat-invoice') return undefined;
  // A requisite that does not fit the format, or an issuer without a signer, throws: the delivery is retried
  // and, when it gives up, shows as failed in the log — never an EDM customer's e-mail silently without XML.
  const file = edmFileOf(document, basisOf);
  return { filename: file.fileName, content: file.content, contentType: file.contentType };
}
