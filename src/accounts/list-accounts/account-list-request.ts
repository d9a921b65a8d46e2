import { ACCOUNT_ID_PATTERN } from '../../domain/account/open-account.js';
import type { AccountStatus } from '../../domain/ledger/ledger-events.js';
import { CLOSURE_STATUSES, type ClosureStatus } from '../../domain/account/close-account.js';
import type { PayerType } from '../../domain/policies/policy-profile.js';
import { REGIONS } from '../../domain/shared/reporting-period.js';
import { problem } from '../../platform/http/problem-details.js';
import { isSaneInstant, SANE_INSTANTS } from '../../platform/http/validators.js';
import type { AccountListFilters } from '../../../projections/queries/account-list.query.js';

/** The ledger's statuses and a closure's (issue 14, item 5: closing, closed), as the account list keeps them. */
export type ListedStatus = AccountStatus | ClosureStatus;
export const ACCOUNT_STATUSES: readonly ListedStatus[] = [
  'active',
  'frozen',
  'payment-required',
  'suspended',
  'blocked',
  'deleted',
  ...CLOSURE_STATUSES,
];
export const PAYER_TYPES: readonly PayerType[] = ['individual', 'legal-entity', 'sole-proprietor'];
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

/** The query string as Express hands it over: a repeated parameter is an array. */
export type RawQuery = Record<string, unknown>;

export interface AccountListRequest {
  filters: AccountListFilters;
  limit: number;
  /** The last account id of the previous page. */
  after?: string;
}

interface FieldError {
  field: string;
  rule: string;
  message: string;
}

const KNOWN = new Set([
  'status',
  'profile',
  'region',
  'payerType',
  'hasDebt',
  'statusSince',
  'statusBefore',
  'q',
  'limit',
  'cursor',
]);

/**
 * Reads GET /v1/accounts' query: every filter optional; anything invalid is a 400 naming each field and
 * its rule. `knownProfile` says whether a profile id is registered (an unknown one could only match
 * nothing, which hides a typo).
 */
export function accountListRequest(
  query: RawQuery,
  knownProfile: (id: string) => boolean,
): AccountListRequest {
  const errors: FieldError[] = [];
  const fail = (field: string, rule: string, message: string) => {
    errors.push({ field, rule, message });
    return undefined;
  };
  for (const name of Object.keys(query))
    if (!KNOWN.has(name)) fail(name, 'isKnownParameter', `${name} is not a filter of this list`);

  const single = (field: string): string | undefined => {
    const value = query[field];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') return fail(field, 'isSingle', `${field} must be given once`);
    return value;
  };
  const oneOf = <T extends string>(field: string, allowed: readonly T[]): T | undefined => {
    const value = single(field);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value))
      return fail(field, 'isIn', `${field} must be one of ${allowed.join(', ')}`);
    return value as T;
  };
  const instant = (field: string): string | undefined => {
    const value = single(field);
    if (value === undefined) return undefined;
    if (!isSaneInstant(value))
      return fail(
        field,
        'isInstant',
        `${field} must be an ISO-8601 time with an offset, from ${SANE_INSTANTS.from} to ${SANE_INSTANTS.until}`,
      );
    return new Date(value).toISOString();
  };

  const filters: AccountListFilters = {};
  const statuses = statusesOf(query.status, fail);
  if (statuses) filters.statuses = statuses;
  const profile = single('profile');
  if (profile !== undefined) {
    if (knownProfile(profile)) filters.profileId = profile;
    else fail('profile', 'isKnownProfile', `profile ${JSON.stringify(profile)} is not a known profile id`);
  }
  const region = oneOf('region', REGIONS);
  if (region) filters.region = region;
  const payerType = oneOf('payerType', PAYER_TYPES);
  if (payerType) filters.payerType = payerType;
  const hasDebt = oneOf('hasDebt', ['true', 'false']);
  if (hasDebt) filters.hasDebt = hasDebt === 'true';
  const since = instant('statusSince');
  if (since) filters.statusSince = since;
  const before = instant('statusBefore');
  if (before) filters.statusBefore = before;
  const q = single('q');
  if (q !== undefined) {
    if (ACCOUNT_ID_PATTERN.test(q)) filters.idPrefix = q;
    else
      fail(
        'q',
        'pattern',
        'q is an account id prefix: 1–64 letters, digits, _ . or -, from a letter or digit',
      );
  }

  let limit = DEFAULT_LIMIT;
  const rawLimit = single('limit');
  if (rawLimit !== undefined) {
    if (/^[0-9]{1,3}$/.test(rawLimit) && Number(rawLimit) >= 1 && Number(rawLimit) <= MAX_LIMIT)
      limit = Number(rawLimit);
    else fail('limit', 'isInRange', `limit must be a whole number from 1 to ${MAX_LIMIT}`);
  }

  let after: string | undefined;
  const cursor = single('cursor');
  if (cursor !== undefined && errors.length === 0) {
    const decoded = decodeCursor(cursor);
    if (!decoded) fail('cursor', 'isCursor', 'cursor must be the nextCursor of a previous page, unchanged');
    else if (decoded.filters !== filterKey(filters))
      fail(
        'cursor',
        'matchesFilters',
        'cursor belongs to a listing with other filters: repeat them unchanged',
      );
    else after = decoded.after;
  }

  if (errors.length > 0)
    throw problem(
      400,
      'VALIDATION_FAILED',
      'The request is invalid',
      errors.map((e) => e.message).join('; '),
      {
        errors,
      },
    );
  return { filters, limit, ...(after === undefined ? {} : { after }) };
}

/** `status` may repeat and each value may be a comma-separated list; the set, in a canonical order. */
function statusesOf(
  value: unknown,
  fail: (field: string, rule: string, message: string) => undefined,
): ListedStatus[] | undefined {
  if (value === undefined) return undefined;
  const values = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(value) && typeof value !== 'string')
    return fail('status', 'isIn', `status must be one or more of ${ACCOUNT_STATUSES.join(', ')}`);
  const parts = (values as unknown[]).flatMap((v) => (typeof v === 'string' ? v.split(',') : [v]));
  const unknown = parts.filter((p) => !(ACCOUNT_STATUSES as readonly unknown[]).includes(p));
  if (unknown.length > 0 || parts.length === 0)
    return fail(
      'status',
      'isIn',
      `status must be one or more of ${ACCOUNT_STATUSES.join(', ')} (got ${unknown.map((u) => JSON.stringify(u)).join(', ')})`,
    );
  return ACCOUNT_STATUSES.filter((s) => parts.includes(s));
}

/** The filters a cursor is bound to, canonical: the same listing gives the same key whatever the spelling. */
export function filterKey(filters: AccountListFilters): string {
  return JSON.stringify([
    filters.statuses ?? null,
    filters.profileId ?? null,
    filters.region ?? null,
    filters.payerType ?? null,
    filters.hasDebt ?? null,
    filters.statusSince ?? null,
    filters.statusBefore ?? null,
    filters.idPrefix ?? null,
  ]);
}

/** Opaque to callers: the last account id of a page and the filters it was listed with. */
export function encodeCursor(after: string, filters: AccountListFilters): string {
  return Buffer.from(JSON.stringify({ after, filters: filterKey(filters) }), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): { after: string; filters: string } | undefined {
  if (cursor.length > 2048 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const { after, filters } = value as { after?: unknown; filters?: unknown };
    if (typeof after !== 'string' || !ACCOUNT_ID_PATTERN.test(after) || typeof filters !== 'string')
      return undefined;
    return { after, filters };
  } catch {
    return undefined;
  }
}
