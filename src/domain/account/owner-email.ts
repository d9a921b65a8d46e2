import type { AccountEvent } from './account-events.js';
import type { AccountState } from './account-state.js';

type Decision =
  { ok: true; events: AccountEvent[] } | { ok: false; code: string; message: string; field?: string };

/** At most 254 characters (RFC 5321), a local part and a domain with a dot; no spaces, no line breaks. */
export const OWNER_EMAIL_MAX_LENGTH = 254;
export const OWNER_EMAIL_PATTERN =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export const OWNER_EMAIL_RULE = 'an e-mail address like name@example.com (at most 254 characters)';

/** The problem with an owner e-mail, or undefined when it is a plausible address. */
export function checkOwnerEmail(
  email: unknown,
  field = 'ownerEmail',
): { code: string; message: string; field: string } | undefined {
  if (typeof email !== 'string' || email.length > OWNER_EMAIL_MAX_LENGTH || !OWNER_EMAIL_PATTERN.test(email))
    return { code: 'OWNER_EMAIL_INVALID', message: `${field} must be ${OWNER_EMAIL_RULE}`, field };
  return undefined;
}

/** The owner's e-mail changed (or set for the first time); the same address again changes nothing. */
export function decideChangeOwnerEmail(
  command: { accountId: string; ownerEmail: string; at: string },
  state: AccountState,
): Decision {
  if (!state.facts)
    return { ok: false, code: 'ACCOUNT_NOT_FOUND', message: `Account ${command.accountId} does not exist` };
  if (state.deletedAt)
    return { ok: false, code: 'ACCOUNT_DELETED', message: `Account ${command.accountId} is deleted` };
  const problem = checkOwnerEmail(command.ownerEmail);
  if (problem) return { ok: false, ...problem };
  if (state.ownerEmail === command.ownerEmail) return { ok: true, events: [] };
  return {
    ok: true,
    events: [
      {
        type: 'OwnerEmailChanged',
        data: { accountId: command.accountId, at: command.at, personal: { ownerEmail: command.ownerEmail } },
      },
    ],
  };
}
