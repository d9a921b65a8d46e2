import type { ContractKind, PayerType, PaymentScheme, PolicyProfile } from '../policies/policy-profile.js';
import type { ProfileRegistry } from '../policies/profile-registry.js';
import { periodOf } from '../shared/reporting-period.js';
import {
  PAYMENT_METHODS,
  defaultPaymentMethod,
  type AccountAgreement,
  type AccountEvent,
  type Currency,
  type LegalDetails,
  type PaymentMethod,
  type Region,
  type Residency,
} from './account-events.js';
import type { AccountState } from './account-state.js';
import { checkLegalDetails } from './legal-details.js';
import { checkOwnerEmail } from './owner-email.js';

export interface OpenAccountCommand {
  accountId: string;
  payerType: PayerType;
  region: Region;
  residency: Residency;
  contract: ContractKind;
  paymentScheme: PaymentScheme;
  edm: boolean;
  profileId: string;
  legalDetails?: LegalDetails;
  /** Default: by payer type (`defaultPaymentMethod`). */
  paymentMethod?: PaymentMethod;
  /** The individual agreement to register (number and date). */
  agreement?: AccountAgreement;
  /** The owner's e-mail, where documents are delivered (sealed at rest, in its own OwnerEmailChanged). */
  ownerEmail?: string;
  at: string;
}

type Decision =
  { ok: true; events: AccountEvent[] } | { ok: false; code: string; message: string; field?: string };

/** The legal entity that issues documents in each region, and the region's time zone. */
export const REGIONS: Record<Region, { issuer: string; timeZone: string; residentCurrency: Currency }> = {
  'ru-moscow': { issuer: 'ru-moscow-llc', timeZone: 'Europe/Moscow', residentCurrency: 'RUB' },
  kz: { issuer: 'kz-llp', timeZone: 'Asia/Almaty', residentCurrency: 'KZT' },
};

/** An account's currency: its region's for residents, US dollars for non-residents (§1). */
export function accountCurrency(region: Region, residency: Residency): Currency {
  return residency === 'resident' ? REGIONS[region].residentCurrency : 'USD';
}

export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

const no = (code: string, message: string, field?: string): Decision => ({ ok: false, code, message, field });

export interface AccountTerms {
  payerType: PayerType;
  region: Region;
  residency: Residency;
  contract: ContractKind;
  paymentScheme: PaymentScheme;
  edm: boolean;
  profileId: string;
}

/** The combination rules of §1, shared by opening an account and changing its contract or profile. */
export function checkCombination(
  terms: AccountTerms,
  profiles: ProfileRegistry,
): { profile: PolicyProfile } | { code: string; message: string; field: string } {
  const legalLike = terms.payerType !== 'individual';
  const problem = (code: string, message: string, field: string) => ({ code, message, field });
  if (terms.paymentScheme === 'postpaid' && !legalLike) {
    return problem('INDIVIDUAL_POSTPAID', 'Individuals can only use the prepaid scheme', 'paymentScheme');
  }
  if (!legalLike && terms.contract !== 'public-offer') {
    return problem(
      'INDIVIDUAL_NEEDS_PUBLIC_OFFER',
      'Individuals work under the public offer only',
      'contract',
    );
  }
  if (terms.paymentScheme === 'postpaid' && terms.contract !== 'individual-contract') {
    return problem(
      'POSTPAID_NEEDS_INDIVIDUAL_CONTRACT',
      'The postpaid scheme needs an individual contract',
      'contract',
    );
  }
  if (legalLike && terms.residency === 'non-resident' && terms.contract !== 'individual-contract') {
    return problem(
      'NON_RESIDENT_NEEDS_INDIVIDUAL_CONTRACT',
      'A legal entity not resident in the region’s country needs an individual contract',
      'contract',
    );
  }
  if (terms.edm && !(legalLike && terms.residency === 'resident' && terms.region === 'ru-moscow')) {
    return problem(
      'EDM_NOT_AVAILABLE',
      'Electronic document exchange is only for RU-resident legal entities in ru-moscow',
      'edm',
    );
  }
  let profile: PolicyProfile;
  try {
    profile = profiles.get(terms.profileId);
  } catch {
    return problem('PROFILE_UNKNOWN', `Profile ${terms.profileId} is not known`, 'profileId');
  }
  const applies = profile.appliesTo;
  if (
    !applies.payerTypes.includes(terms.payerType) ||
    applies.paymentScheme !== terms.paymentScheme ||
    !applies.residency.includes(terms.residency)
  ) {
    return problem(
      'PROFILE_NOT_APPLICABLE',
      `Profile ${profile.id} is for ${applies.payerTypes.join('/')} payers, ${applies.paymentScheme}, ${applies.residency.join('/')}`,
      'profileId',
    );
  }
  return { profile };
}

/** Opens an account: rejects invalid combinations (§1) and fixes currency, issuer and time zone. */
export function decideOpenAccount(
  command: OpenAccountCommand,
  state: AccountState,
  deps: { profiles: ProfileRegistry },
): Decision {
  if (state.facts) return no('ACCOUNT_EXISTS', `Account ${command.accountId} already exists`, 'accountId');
  if (!ACCOUNT_ID_PATTERN.test(command.accountId)) {
    return no(
      'INVALID_ACCOUNT_ID',
      'accountId must be 1–64 letters, digits, _ . or -, starting with a letter or digit',
      'accountId',
    );
  }
  const combination = checkCombination(command, deps.profiles);
  if ('code' in combination) return no(combination.code, combination.message, combination.field);
  const profile = combination.profile;
  if (command.legalDetails) {
    const problem = checkLegalDetails(
      command.legalDetails,
      command.region,
      command.residency,
      command.payerType,
      profile,
    );
    if (problem) return no(problem.code, problem.message, `legalDetails.${problem.field}`);
  }
  const paymentMethod = command.paymentMethod ?? defaultPaymentMethod(command.payerType);
  if (!PAYMENT_METHODS.includes(paymentMethod)) {
    return no(
      'PAYMENT_METHOD_UNKNOWN',
      `paymentMethod must be one of ${PAYMENT_METHODS.join(', ')}`,
      'paymentMethod',
    );
  }
  if (command.ownerEmail !== undefined) {
    const problem = checkOwnerEmail(command.ownerEmail);
    if (problem) return no(problem.code, problem.message, problem.field);
  }
  const region = REGIONS[command.region];
  const opened = Date.parse(command.at);
  if (Number.isNaN(opened)) return no('INVALID_TIME', 'at must be an ISO-8601 time', 'at');
  return {
    ok: true,
    events: [
      {
        type: 'AccountOpened',
        data: {
          accountId: command.accountId,
          payerType: command.payerType,
          region: command.region,
          residency: command.residency,
          contract: command.contract,
          paymentScheme: command.paymentScheme,
          edm: command.edm,
          currency: accountCurrency(command.region, command.residency),
          issuer: region.issuer,
          timeZone: region.timeZone,
          profileId: profile.id,
          profileVersion: profile.version,
          openedAt: command.at,
          openingPeriodId: periodOf(command.at, region.timeZone).id,
          paymentMethod,
          ...(command.agreement ? { agreement: { ...command.agreement } } : {}),
          ...(command.legalDetails ? { personal: command.legalDetails } : {}),
        },
      },
      ...(command.ownerEmail === undefined
        ? []
        : [
            {
              type: 'OwnerEmailChanged' as const,
              data: {
                accountId: command.accountId,
                at: command.at,
                personal: { ownerEmail: command.ownerEmail },
              },
            },
          ]),
    ],
  };
}
