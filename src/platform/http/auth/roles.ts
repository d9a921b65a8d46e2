import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { scopesSharedBy, type Role, type Scope } from './scopes.js';

export const SCOPES_KEY = 'billing:scopes';
export const ROLES_KEY = 'billing:roles';
export const PUBLIC_KEY = 'billing:public';

/**
 * Declares the scopes a key must hold to call a route (all of them; routes declare one). A route that
 * declares none is refused to every key, so a new route is closed until it says who may call it.
 */
export const RequireScopes = (...scopes: [Scope, ...Scope[]]) =>
  applyDecorators(SetMetadata(SCOPES_KEY, scopes), ApiExtension('x-required-scopes', scopes));

/**
 * The former declaration by roles, kept for routes not yet moved to RequireScopes: it requires the scopes
 * every named role holds (scopesSharedBy), so it admits exactly those roles' preset keys.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    SetMetadata(SCOPES_KEY, scopesSharedBy(roles)),
    ApiExtension('x-required-scopes', scopesSharedBy(roles)),
  );

/** Health probes: no key needed. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
