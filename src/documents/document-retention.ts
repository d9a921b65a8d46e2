import { Inject, Injectable } from '@nestjs/common';
import { AccountBook } from '../accounts/account-book.js';
import { retentionOf } from '../domain/account/personal-data-retention.js';
import type { AccountFacts } from '../domain/account/account-events.js';
import type { DocumentParty, Numbered } from '../domain/documents/index.js';
import { openPayer, sealPayer } from '../domain/documents/sealed-payer.js';
import { PersonalDataVault } from '../platform/personal-data/personal-data-vault.js';

/**
 * Issued documents keep the requisites the law requires for its retention period; a person's (a sole
 * proprietor's, an individual's) are personal data, so they are stored sealed under the account's retention
 * key — which deleting the account keeps, and which is destroyed when the period is over. Sealing happens
 * once, where DocumentIssued events are built; every read of issued documents opens them.
 */
@Injectable()
export class DocumentRetention {
  constructor(
    @Inject(PersonalDataVault) private readonly vault: PersonalDataVault,
    @Inject(AccountBook) private readonly accounts: AccountBook,
  ) {}

  /** The documents as they are to be stored (a legal entity's, or documents without a payer: unchanged). */
  async sealForIssue<D extends Numbered>(accountId: string, documents: D[]): Promise<D[]> {
    if (!documents.some((d) => d.payer)) return documents;
    return sealPersonalRequisites(this.vault, await this.accounts.account(accountId), documents);
  }

  /** The documents as issued, for any reader (JSON, PDF, XML, ЭСФ, delivery). */
  open<D extends Numbered>(documents: D[]): D[] {
    return documents.map((d) => openPersonalRequisites(this.vault, d));
  }
}

/**
 * Extends the account's retention key to the latest document's period (by its issuer's country's law) and
 * seals each person's payer fields under it.
 */
export function sealPersonalRequisites<D extends Numbered>(
  vault: PersonalDataVault,
  facts: Pick<AccountFacts, 'accountId' | 'payerType' | 'region'>,
  documents: D[],
): D[] {
  return documents.map((document) =>
    sealPayer(document, facts.payerType, (personal) => {
      const { retainUntil, basis } = retentionOf(facts.region, document.date);
      vault.retain(facts.accountId, retainUntil, basis);
      return vault.sealRetained(facts.accountId, personal);
    }),
  );
}

/** One stored document as issued: its sealed payer fields opened, or read as erased once the key is gone. */
export function openPersonalRequisites<D extends Numbered>(vault: PersonalDataVault, document: D): D {
  return openPayer(
    document,
    (sealed) => vault.unsealRetained(document.accountId, sealed) as Partial<DocumentParty> | undefined,
  );
}
