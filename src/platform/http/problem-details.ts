import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  HttpException,
  HttpStatus,
  Logger,
  type ExceptionFilter,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ValidationError } from 'class-validator';
import {
  CommandRejectedError,
  ConcurrencyConflictError,
  NotFoundError,
} from '../commands/command-outcome.js';
import { STORAGE_RETRY_AFTER_SECONDS, storageFailureOf, type StorageHealth } from './storage-health.js';

/** RFC 9457 problem details: every error the API returns has this shape. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  errors?: Array<{ field: string; rule: string; message: string }>;
  [extension: string]: unknown;
}

const PROBLEM_BASE = 'https://billing-engine.dev/problems/';

export class ProblemException extends HttpException {
  constructor(readonly problem: Problem) {
    super(problem, problem.status);
  }
}

export function problem(
  status: number,
  code: string,
  title: string,
  detail?: string,
  extra: Partial<Problem> = {},
) {
  return new ProblemException({
    type: PROBLEM_BASE + code.toLowerCase().replaceAll('_', '-'),
    title,
    status,
    code,
    ...(detail ? { detail } : {}),
    ...extra,
  });
}

/** Flattens class-validator errors to one entry per field and rule. */
export function validationProblem(errors: ValidationError[]): ProblemException {
  const flat: Array<{ field: string; rule: string; message: string }> = [];
  const walk = (list: ValidationError[], path: string) => {
    for (const error of list) {
      const field = path ? `${path}.${error.property}` : error.property;
      for (const [rule, message] of Object.entries(error.constraints ?? {})) {
        flat.push({
          field,
          rule,
          message: rule === 'whitelistValidation' ? `${field} is not a known field` : message,
        });
      }
      if (error.children?.length) walk(error.children, field);
    }
  };
  walk(errors, '');
  return problem(
    HttpStatus.BAD_REQUEST,
    'VALIDATION_FAILED',
    'The request is invalid',
    flat.map((e) => e.message).join('; '),
    { errors: flat },
  );
}

/** Maps every error to problem+json; only a genuine fault of ours becomes a 500. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  /** With `storage`, every storage failure answered is recorded there (readiness reports it). */
  constructor(private readonly storage?: StorageHealth) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const request = host.switchToHttp().getRequest<Request>();
    const body = toProblem(exception);
    if (body.status >= 500)
      this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    const storageFailure = storageFailureOf(exception);
    if (storageFailure) {
      const kind = request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
      this.storage?.recordFailure(storageFailure, kind, `${request.method} ${request.originalUrl}`);
      response.setHeader('Retry-After', String(STORAGE_RETRY_AFTER_SECONDS));
    }
    response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
  }
}

export function toProblem(exception: unknown): Problem {
  {
    if (exception instanceof ProblemException) return exception.problem;
    if (exception instanceof CommandRejectedError) {
      return problem(
        HttpStatus.UNPROCESSABLE_ENTITY,
        exception.code,
        'The command was rejected',
        exception.message,
        {
          ...(exception.field
            ? { errors: [{ field: exception.field, rule: exception.code, message: exception.message }] }
            : {}),
        },
      ).problem;
    }
    if (exception instanceof ConcurrencyConflictError) {
      return problem(HttpStatus.CONFLICT, 'CONCURRENT_MODIFICATION', 'Try again', exception.message).problem;
    }
    if (exception instanceof NotFoundError) {
      return problem(HttpStatus.NOT_FOUND, 'NOT_FOUND', 'Not found', exception.message).problem;
    }
    const storageFailure = storageFailureOf(exception);
    if (storageFailure) {
      return problem(
        HttpStatus.SERVICE_UNAVAILABLE,
        'STORAGE_UNAVAILABLE',
        'The storage is failing: try again later',
        `${storageFailure.code}: ${storageFailure.message}. Retry after ${STORAGE_RETRY_AFTER_SECONDS} s, with the same Idempotency-Key: it runs the command again`,
        { storage: storageFailure.code },
      ).problem;
    }
    const bodyParserError = exception as { type?: string; status?: number; message?: string };
    if (bodyParserError?.type === 'entity.parse.failed') {
      return problem(
        HttpStatus.BAD_REQUEST,
        'MALFORMED_JSON',
        'The body is not valid JSON',
        bodyParserError.message,
      ).problem;
    }
    if (bodyParserError?.type === 'entity.too.large') {
      return problem(HttpStatus.PAYLOAD_TOO_LARGE, 'BODY_TOO_LARGE', 'The body is too large').problem;
    }
    if (typeof bodyParserError?.type === 'string' && bodyParserError.status && bodyParserError.status < 500) {
      return problem(bodyParserError.status, 'BAD_BODY', 'The body cannot be read', bodyParserError.message)
        .problem;
    }
    if (exception instanceof BadRequestException || exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const detail = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      return problem(
        status,
        HttpStatus[status] ?? 'HTTP_ERROR',
        exception.message,
        Array.isArray(detail) ? detail.join('; ') : String(detail ?? ''),
      ).problem;
    }
    return problem(HttpStatus.INTERNAL_SERVER_ERROR, 'INTERNAL', 'Internal error').problem;
  }
}
