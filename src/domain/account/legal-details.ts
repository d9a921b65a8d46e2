import type { PayerType } from '../policies/policy-profile.js';
import { validateBinIin, validateInn, validateKpp } from '../shared/tax-ids.js';
import type { LegalDetails, Region, Residency } from './account-events.js';

/**
 * Legal details for bills with full requisites: the tax id is checked against the region's rules
 * (INN with checksum in Russia, BIN/IIN in Kazakhstan); non-residents' foreign ids are taken as given.
 */
export function checkLegalDetails(
  details: LegalDetails,
  region: Region,
  residency: Residency,
  payerType: PayerType,
): { code: string; message: string; field: keyof LegalDetails } | undefined {
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
