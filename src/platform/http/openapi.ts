import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { API_PUBLIC, COMMAND_ACCEPTED_SCHEMA, PROBLEM_SCHEMA } from './api-contract.js';

/** The capabilities the operations are tagged by (ApiCapability on each controller). */
const TAGS: Array<[string, string]> = [
  ['Accounts', 'Open accounts, change their contract, details and payment method; read their state'],
  ['Ledger', 'Usage, top-ups, grants, credit, bills and payments, period closes'],
  ['Documents', 'Acts, invoices, bills, reconciliation and billing reports'],
  ['Delivery', 'Where issued documents go: owner e-mail, webhooks, the delivery log'],
  ['Audit', 'The event log with metadata, exports and hash-chain verification'],
  ['Ops', 'Projections, the test clock, metrics and health'],
];

/**
 * The OpenAPI document at /docs (UI) and /docs/openapi.json. Request schemas come from the DTOs'
 * class-validator rules, so the document cannot drift from what the API accepts; operations, examples and
 * responses are declared per route with the helpers in api-contract.ts.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Billing engine')
    .setDescription(
      'Commands for internal services, queries, ops and audit. Money and quantities are decimal strings; ' +
        'every error is application/problem+json. See docs/api.md for the walk-through.',
    )
    .setVersion('1')
    .addServer('/', 'This service')
    .addSecurity('bearer', {
      type: 'http',
      scheme: 'bearer',
      // An opaque API key (not a JWT): no bearerFormat.
      description:
        'An API key; each operation names the scopes the key must hold in x-required-scopes (docs/security.md)',
    })
    .addSecurityRequirements('bearer');
  for (const [name, description] of TAGS) builder.addTag(name, description);
  const document = SwaggerModule.createDocument(app, builder.build(), {
    // Stable, readable ids: the handler's class without "Controller", then the method.
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  const schemas = validationMetadatasToSchemas({ refPointerPrefix: '#/components/schemas/' });
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      ...(schemas as object),
      Problem: PROBLEM_SCHEMA,
      CommandAccepted: COMMAND_ACCEPTED_SCHEMA,
    },
  };
  // Public routes (health probes) need no key: an empty security requirement overrides the global one.
  for (const operations of Object.values(document.paths))
    for (const operation of Object.values(operations) as Array<Record<string, unknown>>)
      if (operation && typeof operation === 'object' && operation[API_PUBLIC]) {
        operation.security = [];
        delete operation[API_PUBLIC];
      }
  return document;
}

export function setupOpenApi(app: INestApplication): void {
  SwaggerModule.setup('docs', app, openApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
}
