import type { ContractKind, PaymentScheme } from '../policies/policy-profile.js';
import type { ProfileRegistry } from '../policies/profile-registry.js';
import type { AccountAgreement, AccountEvent, LegalDetails } from './account-events.js';
import type { AccountState } from './account-state.js';
import { checkLegalDetails, kppRequired } from './legal-details.js';
import { checkCombination } from './open-account.js';

type Decision =
  { ok: true; events: AccountEvent[] } | { ok: false; code: string; message: string; field?: string };

export interface ChangeContractCommand {
  accountId: string;
  contract: ContractKind;
  paymentScheme: PaymentScheme;
  profileId: string;
  /** An agreement to register with the change (the contract register); absent: the registered one stays. */
  agreement?: AccountAgreement;
  at: string;
}

/** A new contract, scheme or profile: the same combination rules as at opening; the latest profile version. */
export function decideChangeContract(
  command: ChangeContractCommand,
  state: AccountState,
  profiles: ProfileRegistry,
): Decision {
  const facts = state.facts;
  if (!facts)
    return { ok: false, code: 'ACCOUNT_NOT_FOUND', message: `Account ${command.accountId} does not exist` };
  const combination = checkCombination({ ...facts, ...command }, profiles);
  if ('code' in combination) return { ok: false, ...combination };
  const { profile } = combination;
  const kpp =
    state.legalDetails &&
    kppRequired(state.legalDetails, facts.region, facts.residency, facts.payerType, profile);
  if (kpp) return { ok: false, code: kpp.code, message: kpp.message, field: `legalDetails.${kpp.field}` };
  if (
    facts.contract === command.contract &&
    facts.paymentScheme === command.paymentScheme &&
    facts.profileId === profile.id &&
    facts.profileVersion === profile.version &&
    (command.agreement === undefined ||
      (facts.agreement?.number === command.agreement.number &&
        facts.agreement.date === command.agreement.date))
  ) {
    return { ok: true, events: [] };
  }
  return {
    ok: true,
    events: [
      {
        type: 'ContractChanged',
        data: {
          accountId: command.accountId,
          at: command.at,
          contract: command.contract,
          paymentScheme: command.paymentScheme,
          profileId: profile.id,
          profileVersion: profile.version,
          ...(command.agreement ? { agreement: { ...command.agreement } } : {}),
        },
      },
    ],
  };
}

/** "Additional registration": legal details needed for bills with full requisites. */
export function decideAddLegalDetails(
  command: { accountId: string; legalDetails: LegalDetails; at: string },
  state: AccountState,
  deps?: { profiles: ProfileRegistry },
): Decision {
  const facts = state.facts;
  if (!facts)
    return { ok: false, code: 'ACCOUNT_NOT_FOUND', message: `Account ${command.accountId} does not exist` };
  if (facts.payerType === 'individual') {
    return {
      ok: false,
      code: 'LEGAL_DETAILS_NOT_FOR_INDIVIDUALS',
      message: 'Individuals have no legal details',
      field: 'legalDetails',
    };
  }
  let profile;
  try {
    profile = deps?.profiles.get(facts.profileId, facts.profileVersion);
  } catch {
    profile = undefined;
  }
  const problem = checkLegalDetails(
    command.legalDetails,
    facts.region,
    facts.residency,
    facts.payerType,
    profile,
  );
  if (problem)
    return {
      ok: false,
      code: problem.code,
      message: problem.message,
      field: `legalDetails.${problem.field}`,
    };
  if (JSON.stringify(state.legalDetails) === JSON.stringify(command.legalDetails))
    return { ok: true, events: [] };
  return {
    ok: true,
    events: [
      {
        type: 'LegalDetailsAdded',
        data: { accountId: command.accountId, at: command.at, personal: command.legalDetails },
      },
    ],
  };
}
