import { createHash } from 'node:crypto';
import {
  Inject,
  Injectable,
  Optional,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Response } from 'express';
import { Observable, catchError, finalize, from, map, mergeMap, of, throwError } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/api-key.guard.js';
import { ProblemException, problem, toProblem, type Problem } from '../problem-details.js';
import { ServiceMetrics } from '../../metrics/service-metrics.js';
import { routeTemplate } from '../http-metrics.js';
import { IdempotencyStore, type IdempotencyClaim } from './idempotency-store.js';

const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/**
 * Idempotency-Key on command routes: the first request's response is stored forever and replayed for a
 * retry with the same body; the same key with a different body is refused with 422. The key also becomes
 * the command id, so event ids are deterministic and a retry can never store anything twice.
 *
 * While a request runs its claim is renewed (every third of the lease); a request whose process died
 * leaves a claim that expires, and the next retry takes it over and runs the command again. A retry that
 * meets a live claim gets 409 with Retry-After (the claim's remaining lease).
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    @Inject(IdempotencyStore) private readonly store: IdempotencyStore,
    @Optional() @Inject(ServiceMetrics) private readonly metrics?: ServiceMetrics,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { commandId?: string }>();
    const response = context.switchToHttp().getResponse<Response>();
    const key = request.headers['idempotency-key'];
    if (key === undefined || request.method !== 'POST') return next.handle();
    if (typeof key !== 'string' || !KEY_PATTERN.test(key)) {
      return throwError(() =>
        problem(400, 'INVALID_IDEMPOTENCY_KEY', 'Idempotency-Key must be 1–255 visible ASCII characters'),
      );
    }
    const scope = `${request.caller?.name ?? 'anonymous'} ${request.method} ${request.route?.path ?? request.path}`;
    const requestHash = createHash('sha256')
      .update(JSON.stringify([request.originalUrl, request.body ?? null]))
      .digest('hex');
    request.commandId = createHash('sha256').update(`${scope}\n${key}`).digest('hex').slice(0, 32);

    return from(this.store.claim(scope, key, requestHash, new Date().toISOString())).pipe(
      mergeMap((claim) => this.answer(claim, scope, key, routeTemplate(request), response, next)),
    );
  }

  private answer(
    claim: IdempotencyClaim,
    scope: string,
    key: string,
    route: string,
    response: Response,
    next: CallHandler,
  ): Observable<unknown> {
    if (claim.kind === 'mismatch') {
      return throwError(() =>
        problem(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request'),
      );
    }
    if (claim.kind === 'in-flight') {
      const seconds = Math.max(1, Math.ceil(claim.retryAfterMs / 1000));
      response.setHeader('Retry-After', String(seconds));
      return throwError(() =>
        problem(
          409,
          'IDEMPOTENCY_KEY_IN_FLIGHT',
          'A request with this key is still running',
          `Retry after ${seconds} s: the running attempt answers it, or its claim expires and the retry runs the command`,
        ),
      );
    }
    if (claim.kind === 'replay') {
      this.metrics?.idempotentReplays.inc({ route });
      response.setHeader('Idempotent-Replayed', 'true');
      response.status(claim.response.status);
      const body = JSON.parse(claim.response.body) as unknown;
      if (claim.response.status >= 400) return throwError(() => new ProblemException(body as Problem));
      return of(body);
    }
    const renewal = setInterval(
      () => {
        // A failing store: the outcome's write reports it; the claim then simply expires.
        this.store.renew(scope, key).catch(() => undefined);
      },
      Math.max(50, Math.floor(this.store.leaseMs / 3)),
    );
    renewal.unref();
    return next.handle().pipe(
      finalize(() => clearInterval(renewal)),
      mergeMap((result: unknown) =>
        // The answer goes out only once it is remembered: a retry on any instance then replays it.
        from(
          this.store.remember(scope, key, {
            status: response.statusCode,
            body: JSON.stringify(result ?? null),
          }),
        ).pipe(map(() => result)),
      ),
      catchError((error: unknown) => {
        const body = toProblem(error);
        // A 5xx, or a conflict with concurrent writers (nothing stored — the documented answer is to retry),
        // is not the command's outcome: the retry under the same key runs it again.
        const settled =
          body.status >= 500 || body.code === 'CONCURRENT_MODIFICATION'
            ? this.store.forget(scope, key)
            : this.store.remember(scope, key, { status: body.status, body: JSON.stringify(body) });
        // The store failing too: the claim expires after its lease and a retry runs the command again.
        return from(settled.catch(() => undefined).then(() => Promise.reject(error)));
      }),
    );
  }
}
