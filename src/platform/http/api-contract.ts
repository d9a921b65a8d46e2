import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiBody,
  ApiExtension,
  ApiHeader,
  ApiOperation,
  ApiParam,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';

/** An OpenAPI schema or reference (the package does not export its SchemaObject type). */
type SchemaObject = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>[string];

/**
 * The OpenAPI contract of a route, declared next to it (docs/api.md#the-openapi-document). The pattern for a
 * new route:
 *
 *   @Controller('v1/…')
 *   @ApiCapability('Ledger', 400, 401, 403, 404, 422)   // the tag and the problem+json answers it can give
 *   export class XController {
 *     @Post() @HttpCode(201) @RequireScopes('…')
 *     @ApiCommand({ summary: 'Top up an account', body: XDto, examples: { card: { … } } })
 *     …
 *     @Get() @RequireScopes('read')
 *     @ApiRead({ summary: '…', response: { type: 'object', required: [...], properties: {...} },
 *                query: [AS_OF_QUERY] })
 *
 * Request bodies are the DTO's class-validator schema (openapi.ts); their examples are sent as they stand
 * by test/api/openapi-contract.test.ts, so an example that the API refuses fails the build.
 */

export const PROBLEM_REF = '#/components/schemas/Problem';
export const COMMAND_ACCEPTED_REF = '#/components/schemas/CommandAccepted';

/** RFC 9457 problem details, the shape of every error (problem-details.ts). */
export const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['type', 'title', 'status', 'code'],
  properties: {
    type: { type: 'string', format: 'uri', example: 'https://billing-engine.dev/problems/validation-failed' },
    title: { type: 'string', example: 'The request is invalid' },
    status: { type: 'integer', example: 400 },
    code: { type: 'string', description: 'Stable machine-readable code', example: 'VALIDATION_FAILED' },
    detail: { type: 'string', example: 'amount must be a decimal string such as "100.50"' },
    errors: {
      type: 'array',
      description: 'One entry per field and rule that failed',
      items: {
        type: 'object',
        required: ['field', 'rule', 'message'],
        properties: {
          field: { type: 'string', example: 'amount' },
          rule: { type: 'string', example: 'isString' },
          message: { type: 'string' },
        },
      },
    },
  },
};

/** What every command answers (command-outcome.ts). */
export const COMMAND_ACCEPTED_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['status', 'streamId', 'eventTypes'],
  properties: {
    status: {
      type: 'string',
      enum: ['accepted', 'duplicate'],
      description: '`duplicate`: the same id took effect before; nothing new is stored',
    },
    streamId: { type: 'string', example: 'account-romashka' },
    eventTypes: { type: 'array', items: { type: 'string' }, example: ['TopUpReceived'] },
    position: { type: 'string', description: 'The log position of the last event stored' },
    revision: { type: 'integer', description: 'The stream revision after the command' },
  },
};

const PROBLEM_WHEN: Record<ProblemStatus, string> = {
  400: 'Invalid input: `errors[]` names each field and rule; nothing is stored',
  401: 'No API key, or an unknown one',
  403: 'The key lacks the scope in x-required-scopes',
  404: 'No such account or resource',
  409: 'A concurrent change or an in-flight idempotent request: retry',
  422: 'A business rule refused the command (`code` names it); nothing is stored',
  429: 'RATE_LIMITED: this key sent more than RATE_LIMIT_PER_MINUTE requests; retry after Retry-After seconds',
};
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 422 | 429;

/** The problem+json answers a route can give, as responses referring to the shared Problem schema. */
export const ApiProblems = (...statuses: ProblemStatus[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: PROBLEM_WHEN[status],
        content: { 'application/problem+json': { schema: { $ref: PROBLEM_REF } } },
      }),
    ),
  );

/**
 * Per controller: the capability tag and the problems its routes can answer (401, 403 and the rate limit's
 * 429 always).
 */
export const ApiCapability = (tag: string, ...problems: Exclude<ProblemStatus, 401 | 403 | 429>[]) =>
  applyDecorators(ApiTags(tag), ApiProblems(401, 403, 429, ...problems));

/** Public routes (health probes): listed without a security requirement (openapi.ts reads the mark). */
export const API_PUBLIC = 'x-public';
export const ApiPublic = () => ApiExtension(API_PUBLIC, true);

export interface QueryParameter {
  name: string;
  description: string;
  schema: SchemaObject;
}

/** As-of reads (account summary): both optional, the summary is "now" without them. */
export const AS_OF_QUERY: QueryParameter = {
  name: 'asOf',
  description: 'The account as it was at this time (ISO-8601 with an offset); now when absent',
  schema: { type: 'string', format: 'date-time', example: '2026-03-10T12:00:00+03:00' },
};
export const BASIS_QUERY: QueryParameter = {
  name: 'basis',
  description: '`effective` (default): by when things happened; `recorded`: as the log knew it then',
  schema: { type: 'string', enum: ['effective', 'recorded'], default: 'effective' },
};
/** Report periods: local dates, inclusive. */
export const dateQuery = (name: 'from' | 'to', what: string): QueryParameter => ({
  name,
  description: what,
  schema: { type: 'string', format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
});
export const PAGE_QUERIES: QueryParameter[] = [
  {
    name: 'after',
    description: 'A log position: only events after it (the previous page’s last position)',
    schema: { type: 'string', pattern: '^\\d+$' },
  },
  {
    name: 'limit',
    description: 'At most this many events',
    schema: { type: 'string', pattern: '^\\d+$', example: '100' },
  },
];

const queries = (parameters: QueryParameter[] = []) =>
  parameters.map((p) =>
    ApiQuery({ name: p.name, required: false, description: p.description, schema: p.schema }),
  );

export interface PathParameter {
  name: string;
  description: string;
  example?: string;
}

const paths = (parameters: PathParameter[] = []) =>
  parameters.map((p) =>
    ApiParam({ name: p.name, description: p.description, example: p.example, schema: { type: 'string' } }),
  );

interface OperationDoc {
  summary: string;
  description?: string;
  /** Only when the generated one (Controller_method) would not be unique. */
  operationId?: string;
  status?: number;
  /** The success body: a schema (main fields at least); a command's is CommandAccepted by default. */
  response?: SchemaObject;
  /** Another success media type than JSON (PDF, XML, CSV, Prometheus text). */
  produces?: Record<string, SchemaObject>;
  query?: QueryParameter[];
  params?: PathParameter[];
}

const operation = (doc: OperationDoc, defaultStatus: number, defaultResponse?: SchemaObject) =>
  applyDecorators(
    ApiOperation({
      summary: doc.summary,
      ...(doc.description ? { description: doc.description } : {}),
      ...(doc.operationId ? { operationId: doc.operationId } : {}),
    }),
    ApiResponse({
      status: doc.status ?? defaultStatus,
      description: doc.summary,
      content: doc.produces
        ? Object.fromEntries(Object.entries(doc.produces).map(([type, schema]) => [type, { schema }]))
        : { 'application/json': { schema: doc.response ?? defaultResponse ?? { type: 'object' } } },
    }),
    ...queries(doc.query),
    ...paths(doc.params),
  );

/** A read: GET, 200 by default. */
export const ApiRead = (doc: OperationDoc) => operation(doc, 200);

interface CommandDoc extends OperationDoc {
  /** The DTO of the body, if it takes one: then at least one example, sent by the contract test. */
  body?: Type<unknown>;
  examples?: Record<string, { summary?: string; value: unknown }>;
  /** POST commands honour Idempotency-Key (idempotency.interceptor.ts); PUTs are idempotent by nature. */
  method?: 'POST' | 'PUT' | 'DELETE';
}

/** A command: CommandAccepted by default, an Idempotency-Key header on POST. */
export const ApiCommand = (doc: CommandDoc) =>
  applyDecorators(
    operation(doc, (doc.method ?? 'POST') === 'POST' ? 201 : 200, { $ref: COMMAND_ACCEPTED_REF }),
    ...(doc.body ? [ApiBody({ type: doc.body, examples: doc.examples, required: true })] : []),
    ...((doc.method ?? 'POST') === 'POST'
      ? [
          ApiHeader({
            name: 'Idempotency-Key',
            required: false,
            description:
              'A retry with the same key and body gets the first answer (Idempotent-Replayed: true); the same key with another body is 422',
            schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
          }),
        ]
      : []),
  );

/** A success body's main fields (all of them required: the contract test checks they are there). */
export const objectWith = (properties: Record<string, SchemaObject>): SchemaObject => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
});
export const STRING: SchemaObject = { type: 'string' };
export const DECIMAL: SchemaObject = { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$', example: '100.50' };
export const ARRAY: SchemaObject = { type: 'array', items: { type: 'object' } };
export const OBJECT: SchemaObject = { type: 'object' };
export const BINARY = (type: string): Record<string, SchemaObject> => ({
  [type]: { type: 'string', format: 'binary' },
});
export const TEXT = (type: string): Record<string, SchemaObject> => ({ [type]: { type: 'string' } });
