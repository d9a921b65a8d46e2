import type { EdmSigner } from '../../domain/documents/edm/upd-xml.js';

/**
 * Who signs the EDM files for each issuer (the format requires the signer's name and position; the issuer
 * requisites do not hold them). Reference data like ISSUERS: a deployment edits this table, and the name
 * must be the holder of the qualified signature the operator signs the file with.
 */
export const EDM_SIGNERS: Record<string, EdmSigner> = {
  'ru-moscow-llc': {
    surname: 'Иванов',
    givenName: 'Иван',
    patronymic: 'Иванович',
    position: 'Генеральный директор',
  },
};

export function edmSignerFor(issuerId: string): EdmSigner {
  const signer = EDM_SIGNERS[issuerId];
  if (!signer) throw new Error(`No EDM signer for issuer ${issuerId}`);
  return signer;
}
