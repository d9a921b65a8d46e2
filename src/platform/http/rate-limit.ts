import {
  Injectable,
  type CanActivate,
  type DynamicModule,
  type ExecutionContext,
  type Provider,
  type Type,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { createRequire } from 'node:module';
import type { ThrottlerLimitDetail } from '@nestjs/throttler';
import type { Request } from 'express';
import { identifyCaller } from './auth/api-key.guard.js';
import type { ApiKeyRegistry } from './auth/api-keys.js';
import { problem } from './problem-details.js';

/** Probes and scrapes are never limited: a throttled /ready would take a healthy instance out of service. */
export const RATE_LIMIT_EXEMPT: readonly string[] = ['/health', '/ready', '/metrics'];

/** The limit counts requests in windows of a minute (RATE_LIMIT_PER_MINUTE). */
const WINDOW_MS = 60_000;

/**
 * Who a request counts against: the API key it presents, by the key's name, or, without a known key, the
 * client's address — so guessing keys is limited too.
 */
export function rateLimitTracker(request: Request, keys: ApiKeyRegistry): string {
  const caller = identifyCaller(request, keys);
  return caller ? `key:${caller.name}` : `ip:${request.ip ?? 'unknown'}`;
}

/**
 * @nestjs/throttler is CommonJS requiring the ES-module @nestjs/common; loaded while the module graph that
 * holds @nestjs/common is still being linked (as Jest does), require(esm) refuses the cycle. So it is
 * loaded on first use, once Nest has loaded.
 */
let throttler: typeof import('@nestjs/throttler') | undefined;
const loadThrottler = () =>
  (throttler ??= createRequire(import.meta.url)('@nestjs/throttler') as typeof import('@nestjs/throttler'));

/**
 * @nestjs/throttler's guard, answering in the API's own terms: 429 problem+json `RATE_LIMITED` with
 * Retry-After (set by the base guard), and the exempt routes skipped.
 */
let rateLimitGuard: Type<CanActivate> | undefined;
function rateLimitGuardClass(): Type<CanActivate> {
  if (rateLimitGuard) return rateLimitGuard;
  @Injectable()
  class RateLimitGuard extends loadThrottler().ThrottlerGuard {
    protected override shouldSkip(context: ExecutionContext): Promise<boolean> {
      const request = context.switchToHttp().getRequest<Request>();
      return Promise.resolve(RATE_LIMIT_EXEMPT.includes(request.path));
    }

    protected override throwThrottlingException(
      _context: ExecutionContext,
      detail: ThrottlerLimitDetail,
    ): Promise<void> {
      throw problem(
        429,
        'RATE_LIMITED',
        'Too many requests',
        `At most ${detail.limit} requests a minute per API key; retry after ${detail.timeToBlockExpire} s`,
        { limit: detail.limit, retryAfterSeconds: detail.timeToBlockExpire },
      );
    }
  }
  return (rateLimitGuard = RateLimitGuard);
}

/**
 * The rate limit's module and guard, or nothing when it is off (perMinute 0). The guard goes before the
 * key check, so requests with a wrong key are counted (by address) before they are refused.
 */
export function rateLimit(
  perMinute: number,
  keys: ApiKeyRegistry,
): { imports: DynamicModule[]; guards: Provider[] } {
  if (perMinute <= 0) return { imports: [], guards: [] };
  return {
    imports: [
      loadThrottler().ThrottlerModule.forRoot({
        throttlers: [{ ttl: WINDOW_MS, limit: perMinute }],
        getTracker: (request) => rateLimitTracker(request as Request, keys),
        // One budget per key across every route (the default would give each route its own).
        generateKey: (_context, tracker, name) => `${name}:${tracker}`,
      }),
    ],
    guards: [{ provide: APP_GUARD, useClass: rateLimitGuardClass() }],
  };
}
