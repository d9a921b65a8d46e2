import type { PayerType, PolicyProfile } from '../policies/policy-profile.js';
import { validateBinIin, validateInn, validateKpp } from '../shared/tax-ids.js';
import type { LegalDetails, PayerBankDetails, Region, Residency } from './account-events.js';

export interface LegalDetailsProblem {
  code: string;
  message: string;
  /** The field inside the legal details: `kpp`, `bank.bik` … */
  field: string;
}

/** Whether the profile's closing documents include a VAT invoice (act + VAT invoice, or a UPD status 1). */
export const issuesVatInvoices = (profile: PolicyProfile): boolean =>
  profile.documents.closing === 'act-and-vat-invoice' || profile.documents.closing === 'upd-status-1';

/**
 * A Russian legal entity (not a sole proprietor) that receives VAT invoices needs a KPP on them; the
 * profile says whether it receives them.
 */
export function kppRequired(
  details: LegalDetails,
  region: Region,
  residency: Residency,
  payerType: PayerType,
  profile: PolicyProfile | undefined,
): LegalDetailsProblem | undefined {
  if (!profile || details.kpp !== undefined) return undefined;
  if (region !== 'ru-moscow' || residency !== 'resident' || payerType !== 'legal-entity') return undefined;
  if (!issuesVatInvoices(profile)) return undefined;
  return {
    code: 'KPP_REQUIRED',
    message: `kpp is required: a legal entity under profile ${profile.id} receives VAT invoices`,
    field: 'kpp',
  };
}

/**
 * Legal details for bills with full requisites: the tax id is checked against the region's rules
 * (INN with checksum in Russia, BIN/IIN in Kazakhstan); non-residents' foreign ids are taken as given.
 */
export function checkLegalDetails(
  details: LegalDetails,
  region: Region,
  residency: Residency,
  payerType: PayerType,
  profile?: PolicyProfile,
): LegalDetailsProblem | undefined {
  const problem = checkRequisites(details, region, residency, payerType);
  if (problem) return problem;
  const kpp = kppRequired(details, region, residency, payerType, profile);
  if (kpp) return kpp;
  return details.bank === undefined ? undefined : checkBank(details.bank, region, residency);
}

function checkRequisites(
  details: LegalDetails,
  region: Region,
  residency: Residency,
  payerType: PayerType,
): LegalDetailsProblem | undefined {
  if (!details.name?.trim())
    return { code: 'NAME_REQUIRED', message: 'name must not be empty', field: 'name' };
  if (!details.address?.trim())
    return { code: 'ADDRESS_REQUIRED', message: 'address must not be empty', field: 'address' };
  if (residency === 'non-resident') return undefined;
  if (region === 'ru-moscow') {
    const inn = validateInn(details.taxId, { payerType });
    if (!inn.valid) return { code: inn.code, message: `taxId: ${inn.message}`, field: 'taxId' };
    if (details.kpp !== undefined) {
      if (payerType !== 'legal-entity') {
        return { code: 'KPP_NOT_APPLICABLE', message: 'kpp is only for legal entities', field: 'kpp' };
      }
      const kpp = validateKpp(details.kpp);
      if (!kpp.valid) return { code: kpp.code, message: `kpp: ${kpp.message}`, field: 'kpp' };
    }
    return undefined;
  }
  const bin = validateBinIin(details.taxId, { expected: payerType === 'legal-entity' ? 'BIN' : 'IIN' });
  if (!bin.valid) return { code: bin.code, message: `taxId: ${bin.message}`, field: 'taxId' };
  if (details.kpp !== undefined)
    return { code: 'KPP_NOT_APPLICABLE', message: 'kpp exists only in Russia', field: 'kpp' };
  return undefined;
}

const RU_ACCOUNT_WEIGHTS = [7, 1, 3];

/**
 * The payer's bank: a name; in Russia a 9-digit BIK (starting 04) and a 20-digit account whose control
 * key matches the BIK (the last three BIK digits and the account, weights 7-1-3, sum ≡ 0 mod 10); in
 * Kazakhstan a BIC (8 or 11 characters) and a KZ IBAN; non-residents' banks as given, non-empty.
 */
function checkBank(
  bank: PayerBankDetails,
  region: Region,
  residency: Residency,
): LegalDetailsProblem | undefined {
  const problem = (code: string, message: string, field: keyof PayerBankDetails) => ({
    code,
    message,
    field: `bank.${field}`,
  });
  if (!bank.bankName?.trim())
    return problem('BANK_NAME_REQUIRED', 'bank.bankName must not be empty', 'bankName');
  const bik = bank.bik ?? '';
  const account = bank.accountNumber ?? '';
  if (residency === 'non-resident') {
    if (!bik.trim()) return problem('BIK_INVALID', 'bank.bik must not be empty', 'bik');
    if (!account.trim())
      return problem('BANK_ACCOUNT_INVALID', 'bank.accountNumber must not be empty', 'accountNumber');
    return undefined;
  }
  if (region === 'ru-moscow') {
    if (!/^04[0-9]{7}$/.test(bik))
      return problem('BIK_INVALID', 'bank.bik must be 9 digits starting with 04', 'bik');
    if (!/^[0-9]{20}$/.test(account)) {
      return problem('BANK_ACCOUNT_INVALID', 'bank.accountNumber must be 20 digits', 'accountNumber');
    }
    const digits = bik.slice(-3) + account;
    let sum = 0;
    for (let i = 0; i < digits.length; i++) sum += Number(digits[i]) * RU_ACCOUNT_WEIGHTS[i % 3]!;
    if (sum % 10 !== 0) {
      return problem(
        'BANK_ACCOUNT_CHECKSUM',
        'bank.accountNumber: the control key does not match the BIK',
        'accountNumber',
      );
    }
    return undefined;
  }
  if (!/^[A-Z0-9]{8}([A-Z0-9]{3})?$/.test(bik)) {
    return problem('BIK_INVALID', 'bank.bik must be the bank’s BIC: 8 or 11 letters or digits', 'bik');
  }
  if (!/^KZ[0-9]{2}[A-Z0-9]{16}$/.test(account)) {
    return problem(
      'BANK_ACCOUNT_INVALID',
      'bank.accountNumber must be a KZ IBAN (20 characters)',
      'accountNumber',
    );
  }
  return undefined;
}
