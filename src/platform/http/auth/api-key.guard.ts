import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { problem } from '../problem-details.js';
import { ApiKeyRegistry, type ApiKeyRecord, type Role } from './api-keys.js';
import { PUBLIC_KEY, ROLES_KEY } from './roles.js';

export interface AuthenticatedRequest extends Request {
  caller?: ApiKeyRecord;
}

/** The key the request presents (`Authorization: Bearer <key>` or `X-Api-Key`), if it is a known one. */
export function identifyCaller(request: Request, keys: ApiKeyRegistry): ApiKeyRecord | undefined {
  const header = request.headers.authorization;
  const presented = header?.startsWith('Bearer ') ? header.slice(7).trim() : request.headers['x-api-key'];
  return typeof presented === 'string' && presented ? keys.identify(presented) : undefined;
}

/** Authenticates `Authorization: Bearer <key>` (or `X-Api-Key`) and checks the route's declared roles. */
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
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets) ?? [];
    if (!allowed.includes(caller.role)) {
      throw problem(
        403,
        'FORBIDDEN',
        'This key may not call this route',
        `Allowed roles: ${allowed.join(', ') || 'none'}`,
      );
    }
    request.caller = caller;
    return true;
  }
}
