import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { LogAnchor } from '../../platform/event-store/anchor/log-anchor.js';
import { problem } from '../../platform/http/problem-details.js';

/** Routes that stay open over a tampered log: the probes, the tools that investigate it, and who the key is. */
const INVESTIGATION = [
  /^\/health$/,
  /^\/v1\/whoami$/,
  /^\/ready$/,
  /^\/metrics$/,
  /^\/v1\/audit\//,
  /^\/v1\/ops\//,
];

/**
 * A service whose log does not match its last signed checkpoint refuses to serve: no command is decided on,
 * and no balance or document is read from, a history someone changed. GET /ready says why (503), so the load
 * balancer takes the instance out; this answers the requests that reach it anyway.
 */
@Injectable()
export class TamperedLogGuard implements CanActivate {
  constructor(@Optional() @Inject(LogAnchor) private readonly anchor?: LogAnchor) {}

  canActivate(context: ExecutionContext): boolean {
    const reason = this.anchor?.refusalReason();
    if (!reason || context.getType() !== 'http') return true;
    const { path } = context.switchToHttp().getRequest<Request>();
    if (INVESTIGATION.some((open) => open.test(path))) return true;
    throw problem(503, 'LOG_TAMPERED', 'The event log does not match its signed checkpoint', reason);
  }
}
