import { ValidationPipe, type INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import express, { type NextFunction, type Request, type Response } from 'express';
import { TRANSPORT_DEFAULTS, type TransportConfig } from '../config/config.js';
import { identifyCaller, type AuthenticatedRequest } from './auth/api-key.guard.js';
import type { ApiKeyRegistry } from './auth/api-keys.js';
import { jsonNestingExceeds } from './json-depth.js';
import type { StorageHealth } from './storage-health.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { countRequests } from './http-metrics.js';
import {
  ProblemDetailsFilter,
  ProblemException,
  problem,
  toProblem,
  validationProblem,
  type Problem,
} from './problem-details.js';

/** The largest body accepted, in bytes (2 MiB), as sent and after decoding. */
export const MAX_BODY = 2 * 1024 * 1024;

/**
 * The HTTP edge: strict JSON bodies only, unknown fields refused, every error as problem+json.
 * Malformed input is a 4xx and reaches no handler. In order, before any byte of a body is read:
 * a request with a body must present a valid API key (an unauthenticated body is never read, inflated or
 * parsed); the body must be JSON; then it is read — at most MAX_BODY, its nesting at most MAX_JSON_DEPTH
 * deep (counted on the raw bytes, before JSON.parse) — and parsed.
 */
export function configureHttp(
  app: INestApplication,
  options: {
    keys?: ApiKeyRegistry;
    transport?: TransportConfig;
    storage?: StorageHealth;
    metrics?: ServiceMetrics;
  } = {},
): void {
  const transport = options.transport ?? TRANSPORT_DEFAULTS;
  const { maxJsonDepth } = transport;
  limitSlowClients(app.getHttpServer() as Server, transport);
  // First, so that every answer is counted, refusals at the edge included.
  if (options.metrics) app.use(countRequests(options.metrics));
  if (options.storage) app.use(noteStorageWorking(options.storage));
  if (options.keys) app.use(authenticateBeforeBody(options.keys));
  app.use(requireJsonBody);
  app.use(refuseOversizedBody);
  app.use(limitBodyTime(transport.requestTimeoutMs));
  const parseJson = express.json({
    limit: MAX_BODY,
    strict: true,
    type: ['application/json', 'application/*+json'],
    verify: (_request, _response, body) => {
      if (jsonNestingExceeds(body, maxJsonDepth)) {
        throw problem(
          400,
          'JSON_TOO_DEEP',
          'The body nests too deeply',
          `Objects and arrays may nest at most ${maxJsonDepth} levels deep (MAX_JSON_DEPTH)`,
          {
            errors: [
              { field: 'body', rule: 'maxDepth', message: `body nests deeper than ${maxJsonDepth} levels` },
            ],
          },
        );
      }
    },
  });
  // Body errors are answered here, before Nest sees the request, so none can turn into a 500.
  app.use((request: Request, response: Response, next: NextFunction) =>
    parseJson(request, response, (error?: unknown) =>
      error ? sendProblem(request, response, bodyProblem(error)) : next(),
    ),
  );
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      forbidUnknownValues: true,
      exceptionFactory: validationProblem,
    }),
  );
  app.useGlobalFilters(new ProblemDetailsFilter(options.storage));
}

/**
 * A request answered without error tells readiness the storage works again: a command (a write) clears any
 * recorded storage failure, a read clears a read failure. The probes and the docs touch no storage.
 */
function noteStorageWorking(storage: StorageHealth) {
  return (request: Request, response: Response, next: NextFunction): void => {
    response.once('finish', () => {
      if (response.statusCode >= 400 || /^\/(health|ready|docs)\b/.test(request.path)) return;
      storage.recordSuccess(request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write');
    });
    next();
  };
}

/**
 * A client must send its headers within HTTP_HEADERS_TIMEOUT_MS (Node answers a bare 408 and closes the
 * connection), and then its whole body within HTTP_REQUEST_TIMEOUT_MS (limitBodyTime answers 408
 * REQUEST_TIMEOUT problem+json and closes), so slow or stalled bodies cannot hold sockets. The time a
 * handler takes to answer does not count. Node's own whole-request limit is set to both together, plus a
 * second, as a backstop that never cuts a request first. Node checks connections every
 * `connectionsCheckingInterval` (30 s by default, which would let a 1 s limit run to 31 s): here at most
 * every second, and at least four times per limit. Node reads it when the server starts listening.
 */
function limitSlowClients(server: Server, transport: TransportConfig): void {
  server.headersTimeout = transport.headersTimeoutMs;
  server.requestTimeout = transport.headersTimeoutMs + transport.requestTimeoutMs + 1000;
  // A createServer option that Node reads from the server when it starts listening (not in its types).
  (server as Server & { connectionsCheckingInterval: number }).connectionsCheckingInterval = Math.max(
    25,
    Math.min(1000, Math.floor(transport.headersTimeoutMs / 4)),
  );
}

/**
 * The body must be in within `ms` of the headers, however steadily it trickles: otherwise 408
 * REQUEST_TIMEOUT, and the connection is closed with the answer.
 */
function limitBodyTime(ms: number) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (!hasBody(request) || request.complete) return next();
    const timer = setTimeout(() => {
      if (request.complete) return;
      sendProblem(
        request,
        response,
        problem(
          408,
          'REQUEST_TIMEOUT',
          'The body did not arrive in time',
          `The whole body must arrive within ${ms} ms of the headers (HTTP_REQUEST_TIMEOUT_MS)`,
          { errors: [{ field: 'body', rule: 'requestTimeout', message: `not received within ${ms} ms` }] },
        ).problem,
      );
    }, ms);
    const stop = () => clearTimeout(timer);
    request.once('end', stop);
    request.once('close', stop);
    response.once('close', stop);
    next();
  };
}

/**
 * Whatever went wrong while reading a body is the request's fault: a 4xx naming it, never a 500. A body
 * that does not decode as its Content-Encoding says (a plain body sent as gzip) surfaces as a zlib error.
 */
function bodyProblem(error: unknown): Problem {
  if (error instanceof ProblemException) return error.problem;
  const known = toProblem(error);
  if (known.status < 500) {
    if ((error as { type?: string }).type === 'encoding.unsupported')
      return problem(
        415,
        'UNSUPPORTED_CONTENT_ENCODING',
        'The body is encoded in a way this service does not read',
        `${(error as Error).message}; send identity, gzip, deflate or br`,
        {
          errors: [
            { field: 'Content-Encoding', rule: 'supportedEncoding', message: (error as Error).message },
          ],
        },
      ).problem;
    return known;
  }
  const { code, message } = error as { code?: unknown; message?: string };
  if (typeof code === 'string' && (code.startsWith('Z_') || code.startsWith('ERR__ERROR'))) {
    return problem(
      400,
      'MALFORMED_CONTENT_ENCODING',
      'The body does not decode as its Content-Encoding says',
      message,
      { errors: [{ field: 'Content-Encoding', rule: 'decodes', message: message ?? 'does not decode' }] },
    ).problem;
  }
  return problem(400, 'BAD_BODY', 'The body cannot be read', message).problem;
}

/**
 * Sends a problem for a request whose body is not (fully) read: the connection is closed with the answer,
 * so the server does not go on reading — or waiting for — a body nobody wants.
 */
function sendProblem(request: Request, response: Response, body: Problem): void {
  // Already answered (a body that timed out, whose reading then failed when its connection closed).
  if (response.headersSent) return;
  if (!request.complete) response.setHeader('connection', 'close');
  response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
}

const hasBody = (request: Request) =>
  request.headers['transfer-encoding'] !== undefined ||
  (request.headers['content-length'] !== undefined && request.headers['content-length'] !== '0');

/**
 * A request that carries a body must present a valid API key before a byte of it is read: unauthenticated
 * callers cannot make the service inflate, parse or validate anything. Roles are checked by the guard
 * afterwards, as for every route; a request without a body (GET, the public probes) goes on to it as is.
 */
function authenticateBeforeBody(keys: ApiKeyRegistry) {
  return (request: Request, response: Response, next: NextFunction): void => {
    if (!hasBody(request)) return next();
    const caller = identifyCaller(request, keys);
    if (!caller) {
      sendProblem(
        request,
        response,
        problem(401, 'UNAUTHENTICATED', 'A valid API key is required', 'Send Authorization: Bearer <key>')
          .problem,
      );
      return;
    }
    (request as AuthenticatedRequest).caller = caller;
    next();
  };
}

/**
 * A Content-Length over MAX_BODY is refused before reading anything, and the connection closed with the
 * answer. (The body parser would answer 413 too, but only after reading the whole body to discard it.)
 */
function refuseOversizedBody(request: Request, response: Response, next: NextFunction): void {
  const length = Number(request.headers['content-length'] ?? 0);
  if (!(length > MAX_BODY)) return next();
  sendProblem(
    request,
    response,
    problem(
      413,
      'BODY_TOO_LARGE',
      'The body is too large',
      `Content-Length ${request.headers['content-length']} is over the limit of ${MAX_BODY} bytes`,
      { errors: [{ field: 'Content-Length', rule: 'maxBodyBytes', message: `at most ${MAX_BODY} bytes` }] },
    ).problem,
  );
}

function requireJsonBody(request: Request, response: Response, next: NextFunction): void {
  // request.is() is null when the request has no body (allowed: e.g. closing a period), false for another type.
  const empty = request.headers['content-length'] === '0' && !request.headers['transfer-encoding'];
  const bodyType = request.is(['application/json', 'application/*+json']);
  if (['POST', 'PUT', 'PATCH'].includes(request.method) && !empty && bodyType === false) {
    sendProblem(
      request,
      response,
      problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json').problem,
    );
    return;
  }
  next();
}
