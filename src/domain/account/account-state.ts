import type { AccountEvent, AccountFacts, LegalDetails } from './account-events.js';

export interface AccountState {
  facts?: AccountFacts;
  legalDetails?: LegalDetails;
  /** Where documents are e-mailed (OwnerEmailChanged); gone with the personal data on deletion. */
  ownerEmail?: string;
  /** Set once personal data has been erased (keys destroyed); the financial history stays. */
  deletedAt?: string;
}

export const initialAccountState = (): AccountState => ({});

export function evolveAccount(state: AccountState, event: AccountEvent): AccountState {
  switch (event.type) {
    case 'AccountOpened': {
      const { personal, ...facts } = event.data;
      return { facts, legalDetails: personal };
    }
    case 'PaymentMethodChanged':
      return { ...state, facts: state.facts && { ...state.facts, paymentMethod: event.data.paymentMethod } };
    case 'LegalDetailsAdded':
      return { ...state, legalDetails: event.data.personal };
    case 'OwnerEmailChanged':
      // Unsealed on read; once the account's key is destroyed the e-mail reads as absent.
      return { ...state, ownerEmail: event.data.personal?.ownerEmail };
    case 'AccountDeleted':
      return { ...state, legalDetails: undefined, ownerEmail: undefined, deletedAt: event.data.at };
    case 'AccountClosureRequested':
      return { ...state, facts: state.facts && { ...state.facts, closureRequestedAt: event.data.at } };
    case 'ClosedAccountDeletionDeferred':
      return state;
    case 'ContractChanged': {
      const { accountId: _id, at: _at, ...change } = event.data;
      return { ...state, facts: state.facts && { ...state.facts, ...change } };
    }
  }
}
