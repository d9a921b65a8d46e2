/**
 * Least privilege: an API key holds scopes, and every route declares the scope it needs. The roles of
 * before (service, ops, auditor) are presets that expand to scopes, so existing key records keep working
 * and keep exactly the access they had.
 */
export const SCOPES = [
  /** POST usage records (one or a batch): what a meter needs, and nothing else. */
  'usage:write',
  /** Top-ups, bill payments and the payment gateway's answers to auto top-up requests. */
  'payments:write',
  /** Open accounts, change their contract, payment method, legal details, credit limit, auto top-up. */
  'accounts:write',
  /** Issue grants (money the provider gives away). */
  'grants:write',
  /** Close a reporting period and expire due grants: the month-end housekeeping the timelines also do. */
  'periods:write',
  /** Move the test clock (only with CLOCK=virtual). */
  'clock:write',
  /** Read accounts, entitlements, documents, reports and the engine's time. */
  'read',
  /** The audit trail: history, exports, hash-chain verification. */
  'audit',
  /** Operations: projections (status, replay, rebuild, resume), signing checkpoints. */
  'ops',
  /** Read /metrics and nothing else: the key a Prometheus scraper holds (`prometheus:metrics:<sha256>`). */
  'metrics',
] as const;
export type Scope = (typeof SCOPES)[number];

export type Role = 'service' | 'ops' | 'auditor';
export const ROLES: readonly Role[] = ['service', 'ops', 'auditor'];

/** What each role of before could call, as scopes (docs/api.md prints this table). */
export const ROLE_SCOPES: Readonly<Record<Role, readonly Scope[]>> = {
  service: ['usage:write', 'payments:write', 'accounts:write', 'grants:write', 'periods:write', 'read'],
  ops: ['periods:write', 'clock:write', 'ops', 'metrics', 'audit', 'read'],
  auditor: ['audit', 'read'],
};

export const isScope = (value: string): value is Scope => (SCOPES as readonly string[]).includes(value);
export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/**
 * The scopes a route still declared by roles needs: those every one of its roles holds. A role-declared
 * route so admits exactly the roles it names and no key with fewer rights than all of them share.
 */
export function scopesSharedBy(roles: readonly Role[]): Scope[] {
  if (roles.length === 0) return [];
  return SCOPES.filter((scope) => roles.every((role) => ROLE_SCOPES[role].includes(scope)));
}
