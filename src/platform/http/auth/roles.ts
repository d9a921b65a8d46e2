import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { scopesSharedBy, type Role, type Scope } from './scopes.js';

export const SCOPES_KEY = 'billing:scopes';
export const ROLES_KEY = 'billing:roles';
export const PUBLIC_KEY = 'billing:public';
export const ANY_KEY = 'billing:any-key';

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

/**
 * Any valid key, whatever its scopes: only for a route that tells the caller about its own key (GET
 * /v1/whoami), so a client can show what the key allows before it tries.
 */
export const AnyValidKey = () =>
  applyDecorators(
    SetMetadata(ANY_KEY, true),
    ApiExtension('x-required-scopes', []),
    ApiExtension('x-any-valid-key', true),
  );
