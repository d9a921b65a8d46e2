import { REGIONS } from '../domain/account/open-account.js';
import { defaultCatalogVersions, russianNames, type CatalogVersion } from '../domain/catalog/index.js';
import type { AccountDocument, Numbered } from '../domain/documents/index.js';
import { renderAct } from './forms/act-form.js';
import type { FormContext } from './forms/form-common.js';
import { renderBill } from './forms/bill-form.js';
import { renderCorrectiveDocument } from './forms/corrective-forms.js';
import { renderKzAct } from './forms/kz-act-form.js';
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
 * A Kazakh issuer — the one that issues the documents of the region `kz` — prints the Kazakh statutory forms
 * (its act is form Р-1), whatever the customer's residency; a Kazakh VAT jurisdiction implies it too.
 */
export function isKazakhIssuer(document: Numbered<AccountDocument>): boolean {
  return document.vatJurisdiction === 'KZ' || document.issuer.id === REGIONS.kz.issuer;
}

/**
 * Renders a numbered document as the form an accountant expects for its kind (act, VAT invoice, advance VAT
 * invoice, UPD, bill), each laid out by the forms' table layout (src/documents/forms): a Russian issuer's act
 * is the Russian act, a Kazakh issuer's act the act of completed works in form Р-1.
 */
export function renderDocumentPdf(
  document: Numbered<AccountDocument>,
  options: RenderOptions = {},
): Promise<Buffer> {
  const context = formContext(document, options);
  switch (document.kind) {
    case 'act':
      return isKazakhIssuer(document) ? renderKzAct(document, context) : renderAct(document, context);
    case 'vat-invoice':
    case 'advance-vat-invoice':
      return renderVatInvoice(document, context);
    case 'upd':
      return renderUpd(document, context);
    case 'bill':
      return renderBill(document, context);
    case 'corrective-vat-invoice':
    case 'ukd':
    case 'corrective-act':
      return renderCorrectiveDocument(document, context);
  }
}
