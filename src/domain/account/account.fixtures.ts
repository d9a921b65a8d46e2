import { DeciderSpecification } from '../../../test/support/decider-specification.js';
import { ProfileRegistry } from '../policies/profile-registry.js';
import type { DecisionOf } from '../shared/decision.js';
import type { AccountEvent, LegalDetails } from './account-events.js';
import { evolveAccount, initialAccountState, type AccountState } from './account-state.js';
import {
  decideAddLegalDetails,
  decideChangeContract,
  type ChangeContractCommand,
} from './change-contract.js';
import { decideDeleteAccount, type DeleteAccountCommand } from './delete-account.js';
import { decideOpenAccount, type OpenAccountCommand } from './open-account.js';
import {
  decideCloseAccount,
  decideClosedAccountDeletion,
  type CloseAccountCommand,
  type ClosedAccountDeletionCommand,
} from './close-account.js';

const profiles = new ProfileRegistry();

/** A decider specification over the account stream, for one of its decisions. */
const accountSpecification = <Command>(
  decide: (command: Command, state: AccountState) => DecisionOf<AccountEvent>,
) =>
  DeciderSpecification.for<Command, AccountEvent, AccountState>({
    decide,
    evolve: evolveAccount,
    initialState: initialAccountState,
  });

/** `openAccount.given([]).when(command).then([...])`, with the built-in profiles. */
export const openAccount = accountSpecification((command: OpenAccountCommand, state) =>
  decideOpenAccount(command, state, { profiles }),
);

export const changeContract = accountSpecification((command: ChangeContractCommand, state) =>
  decideChangeContract(command, state, profiles),
);

export const addLegalDetails = accountSpecification(
  (command: { accountId: string; legalDetails: LegalDetails; at: string }, state) =>
    decideAddLegalDetails(command, state, { profiles }),
);

export const deleteAccount = accountSpecification((command: DeleteAccountCommand, state) =>
  decideDeleteAccount(command, state),
);

export const closeAccount = accountSpecification((command: CloseAccountCommand, state) =>
  decideCloseAccount(command, state),
);

export const deleteClosedAccount = accountSpecification((command: ClosedAccountDeletionCommand, state) =>
  decideClosedAccountDeletion(command, state),
);
