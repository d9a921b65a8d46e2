import type { NextFunction, Request, Response } from 'express';
import type { ServiceMetrics } from '../metrics/service-metrics.js';

/** The route label of a request answered before any route matched: an unknown path, or a body refused unread. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The route a request matched, as its template (`/v1/accounts/:id/top-ups`), never the raw path: account ids
 * and document numbers in labels would make a series per account.
 */
export function routeTemplate(request: Request): string {
  const path = (request.route as { path?: unknown } | undefined)?.path;
  return typeof path === 'string' ? path : UNMATCHED_ROUTE;
}

/**
 * Counts and times every answered request by method, route template and status. It runs first, so requests
 * the edge refuses before a route (401 before a body is read, 413, 415, 404) are counted too; the route is
 * read when the response is sent, after routing.
 */
export function countRequests(metrics: ServiceMetrics) {
  return (request: Request, response: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    response.once('finish', () => {
      const labels = {
        method: request.method,
        route: routeTemplate(request),
        status: String(response.statusCode),
      };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
    });
    next();
  };
}
