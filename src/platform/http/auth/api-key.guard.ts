import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { problem } from '../problem-details.js';
import { ApiKeyRegistry, type ApiKeyRecord } from './api-keys.js';
import { ANY_KEY, PUBLIC_KEY, SCOPES_KEY } from './roles.js';
import type { Scope } from './scopes.js';

export interface AuthenticatedRequest extends Request {
  caller?: ApiKeyRecord;
}

/** The key the request presents (`Authorization: Bearer <key>` or `X-Api-Key`), if it is a known one. */
export function identifyCaller(request: Request, keys: ApiKeyRegistry): ApiKeyRecord | undefined {
  const header = request.headers.authorization;
  const presented = header?.startsWith('Bearer ') ? header.slice(7).trim() : request.headers['x-api-key'];
  return typeof presented === 'string' && presented ? keys.identify(presented) : undefined;
}

/** Authenticates `Authorization: Bearer <key>` (or `X-Api-Key`) and checks the scopes the route declares. */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRegistry,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const caller = identifyCaller(request, this.keys);
    if (!caller)
      throw problem(
        401,
        'UNAUTHENTICATED',
        'A valid API key is required',
        'Send Authorization: Bearer <key>',
      );
    if (this.reflector.getAllAndOverride<boolean>(ANY_KEY, targets)) {
      request.caller = caller;
      return true;
    }
    const required = this.reflector.getAllAndOverride<Scope[]>(SCOPES_KEY, targets) ?? [];
    const missing = required.filter((scope) => !caller.scopes.includes(scope));
    // A route that declares no scope is closed to every key: nothing is open by omission.
    if (required.length === 0 || missing.length > 0) {
      throw problem(
        403,
        'FORBIDDEN',
        'This key may not call this route',
        required.length === 0
          ? 'This route declares no scope'
          : `This route needs the scope ${required.join(' and ')}; the key lacks ${missing.join(', ')}`,
        { requiredScopes: required },
      );
    }
    request.caller = caller;
    return true;
  }
}
