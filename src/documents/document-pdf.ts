import { defaultCatalogVersions, russianNames, type CatalogVersion } from '../domain/catalog/index.js';
import type { AccountDocument, Numbered } from '../domain/documents/index.js';
import { renderAct } from './forms/act-form.js';
import type { FormContext } from './forms/form-common.js';
import { renderBill } from './forms/bill-form.js';
import { renderUpd } from './forms/upd-form.js';
import { renderVatInvoice } from './forms/vat-invoice-form.js';
import { ISSUERS } from './issuers.js';

export interface RenderOptions {
  /** The act a VAT invoice accompanies (its number is printed on line 5а). */
  readonly basisDocument?: Numbered<AccountDocument>;
  /** Where the Russian service names and units come from (the default catalog unless given). */
  readonly catalog?: readonly CatalogVersion[];
}

let defaultNames: FormContext['names'] | undefined;

function formContext(document: Numbered<AccountDocument>, options: RenderOptions): FormContext {
  const names = options.catalog
    ? russianNames(options.catalog)
    : (defaultNames ??= russianNames(defaultCatalogVersions()));
  // A document issued before the signatories were configured takes them from the configuration.
  const signatories = document.issuer.signatories ?? ISSUERS[document.issuer.id]?.signatories;
  return {
    names,
    ...(signatories ? { signatories } : {}),
    ...(options.basisDocument ? { basisDocument: options.basisDocument } : {}),
  };
}

/**
 * Renders a numbered document as the form a Russian accountant expects for its kind (act, VAT invoice,
 * advance VAT invoice, UPD, bill), each laid out by the forms' table layout (src/documents/forms).
 */
export function renderDocumentPdf(
  document: Numbered<AccountDocument>,
  options: RenderOptions = {},
): Promise<Buffer> {
  const context = formContext(document, options);
  switch (document.kind) {
    case 'act':
      return renderAct(document, context);
    case 'vat-invoice':
    case 'advance-vat-invoice':
      return renderVatInvoice(document, context);
    case 'upd':
      return renderUpd(document, context);
    case 'bill':
      return renderBill(document, context);
  }
}
