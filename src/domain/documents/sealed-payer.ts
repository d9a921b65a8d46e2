import type { PayerType } from '../policies/policy-profile.js';
import { ERASED_TEXT, personalPayerFields } from '../account/personal-data-retention.js';
import type { DocumentParty, Numbered } from './document-types.js';

/**
 * A person's requisites as a DocumentIssued event stores them: the personal fields (name, address, bank — an
 * individual's tax id too) only sealed under the account's retention key; the rest (a sole proprietor's
 * INN) in clear. Read back through `openPayer`.
 */
export interface SealedPersonalRequisites {
  readonly retained: string;
}

type StoredParty = Partial<DocumentParty> & { readonly personal?: SealedPersonalRequisites };

/** The document as stored: the payer's personal fields sealed by `seal`; a legal entity's document as is. */
export function sealPayer<D extends Numbered>(
  document: D,
  payerType: PayerType,
  seal: (personal: Partial<DocumentParty>) => string,
): D {
  const fields = personalPayerFields(payerType);
  const payer = document.payer as DocumentParty | null | undefined;
  if (!payer || fields.length === 0) return document;
  const kept: Record<string, unknown> = { ...payer };
  const personal: Record<string, unknown> = {};
  for (const field of fields) {
    if (payer[field] !== undefined) personal[field] = payer[field];
    delete kept[field];
  }
  const stored: StoredParty = { ...kept, personal: { retained: seal(personal) } };
  // The stored shape differs from DocumentParty only in the sealed fields; every read opens it first.
  return { ...document, payer: stored as unknown as DocumentParty };
}

/**
 * The document as issued: sealed payer fields unsealed by `unseal`, or — once the retention key is destroyed
 * (`unseal` answers undefined) — read as erased ("[удалено]"); the bank, an optional field, is then absent.
 * A document without sealed fields is returned as is.
 */
export function openPayer<D extends Numbered>(
  document: D,
  unseal: (sealed: string) => Partial<DocumentParty> | undefined,
): D {
  const stored = document.payer as StoredParty | null | undefined;
  if (!stored?.personal?.retained) return document;
  const { personal, ...kept } = stored;
  const opened = unseal(personal.retained);
  const payer: DocumentParty = opened
    ? ({ ...kept, ...opened } as DocumentParty)
    : {
        ...kept,
        name: ERASED_TEXT,
        address: ERASED_TEXT,
        taxId: kept.taxId ?? ERASED_TEXT,
      };
  return { ...document, payer };
}

/** Whether a stored document holds sealed personal requisites. */
export const hasSealedPayer = (document: Numbered): boolean =>
  Boolean((document.payer as StoredParty | null | undefined)?.personal?.retained);
