import { ValidationPipe, type INestApplication } from '@nestjs/common';
import express, { type NextFunction, type Request, type Response } from 'express';
import {
  ProblemDetailsFilter,
  problem,
  toProblem,
  validationProblem,
  type Problem,
} from './problem-details.js';

export const MAX_BODY = '2mb';

/**
 * The HTTP edge: strict JSON bodies only, unknown fields refused, every error as problem+json.
 * Malformed input is a 4xx and reaches no handler.
 */
export function configureHttp(app: INestApplication): void {
  app.use(requireJsonBody);
  const parseJson = express.json({
    limit: MAX_BODY,
    strict: true,
    type: ['application/json', 'application/*+json'],
  });
  // Body errors are answered here, before Nest sees the request, so none can turn into a 500.
  app.use((request: Request, response: Response, next: NextFunction) =>
    parseJson(request, response, (error?: unknown) =>
      error ? sendProblem(response, toProblem(error)) : next(),
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
  app.useGlobalFilters(new ProblemDetailsFilter());
}

function sendProblem(response: Response, body: Problem): void {
  response.status(body.status).type('application/problem+json').send(JSON.stringify(body));
}

function requireJsonBody(request: Request, response: Response, next: NextFunction): void {
  // request.is() is null when the request has no body (allowed: e.g. closing a period), false for another type.
  const empty = request.headers['content-length'] === '0' && !request.headers['transfer-encoding'];
  const bodyType = request.is(['application/json', 'application/*+json']);
  if (['POST', 'PUT', 'PATCH'].includes(request.method) && !empty && bodyType === false) {
    sendProblem(
      response,
      problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json').problem,
    );
    return;
  }
  next();
}
