import iconv from 'iconv-lite';
import type { Numbered } from '../../domain/documents/index.js';
import {
  edmXmlFor,
  shipmentDocumentOf,
  type EdmDocument,
  type EdmXmlFile,
} from '../../domain/documents/edm/upd-xml.js';
import { edmSignerFor } from './edm-signers.js';

export const EDM_XML_CONTENT_TYPE = 'application/xml; charset=windows-1251';

/** The file's bytes: the XML declares windows-1251, and every character it lacks is already a reference. */
export function encodeEdmXml(file: Pick<EdmXmlFile, 'xml'>): Buffer {
  return iconv.encode(file.xml, 'win1251');
}

export interface EdmFile {
  /** `<ИдФайл>.xml`, as the format requires. */
  readonly fileName: string;
  readonly content: Buffer;
  readonly contentType: string;
}

/**
 * The tax service's XML of an issued UPD or VAT invoice — one builder for the route and the e-mail, so both
 * give the same bytes. `basisOf` finds, among the account's issued documents, the act or UPD a VAT invoice
 * accompanies (its shipment document, line 5a). A requisite that does not fit the format, or an issuer
 * without a signer, throws.
 */
export function edmFileOf(
  document: EdmDocument,
  basisOf: (documentId: string) => Numbered | undefined,
): EdmFile {
  const basis = document.kind === 'vat-invoice' ? basisOf(document.basisDocumentId) : undefined;
  const file = edmXmlFor({
    document,
    signer: edmSignerFor(document.issuer.id),
    ...(basis ? { shipmentDocument: shipmentDocumentOf(basis) } : {}),
  });
  return { fileName: file.fileName, content: encodeEdmXml(file), contentType: EDM_XML_CONTENT_TYPE };
}
