import {
  ARRAY,
  ApiCapability,
  ApiCommand,
  ApiRead,
  STRING,
  objectWith,
} from '../../platform/http/api-contract.js';
import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { problem } from '../../platform/http/problem-details.js';
import type { DeliveryLogFilter } from '../../../projections/workers/document-delivery.projection.js';
import { DeliveryRuntime } from '../delivery-runtime.js';

const DELIVERY_ID = /^dlv_[0-9a-f]{32}$/;
const ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;
const QUERY: Record<string, { rule: string; ok: (value: string) => boolean }> = {
  accountId: { rule: '1–128 letters, digits, _ . : @ -', ok: (v) => ID.test(v) },
  recipient: { rule: "'owner' or a webhook subscription id", ok: (v) => ID.test(v) },
  channel: { rule: 'one of email, webhook', ok: (v) => v === 'email' || v === 'webhook' },
  status: {
    rule: 'one of pending, delivered, skipped, failed',
    ok: (v) => ['pending', 'delivered', 'skipped', 'failed'].includes(v),
  },
  documentNumber: { rule: '1–128 letters, digits, _ . : @ -', ok: (v) => ID.test(v) },
  limit: { rule: 'an integer from 1 to 1000', ok: (v) => /^\d{1,4}$/.test(v) && +v >= 1 && +v <= 1000 },
};

const invalid = (field: string, rule: string) =>
  problem(400, 'VALIDATION_FAILED', 'The request is invalid', `${field} must be ${rule}`, {
    errors: [{ field, rule: 'format', message: `${field} must be ${rule}` }],
  });

/** One delivery as the log shows it. */
const DELIVERY = objectWith({
  deliveryId: STRING,
  accountId: STRING,
  documentNumber: STRING,
  channel: STRING,
  recipient: STRING,
  status: STRING,
  attempts: { type: 'integer' },
  history: ARRAY,
});

/** The delivery log: each document's delivery to each recipient, its attempts, and redelivery on request. */
@ApiCapability('Delivery', 400, 404, 422)
@Controller('v1/ops/deliveries')
export class DeliveryLogController {
  constructor(@Inject(DeliveryRuntime) private readonly delivery: DeliveryRuntime) {}

  @Get()
  @RequireScopes('ops')
  @ApiRead({
    summary: 'The delivery log',
    description: "Each document's delivery to each recipient: status, attempts, next attempt.",
    query: [
      { name: 'accountId', description: 'Only this account', schema: { type: 'string' } },
      {
        name: 'channel',
        description: 'email or webhook',
        schema: { type: 'string', enum: ['email', 'webhook'] },
      },
      { name: 'recipient', description: '`owner` or a subscription id', schema: { type: 'string' } },
      {
        name: 'status',
        description: 'The delivery status',
        schema: { type: 'string', enum: ['pending', 'delivered', 'skipped', 'failed'] },
      },
      { name: 'documentNumber', description: 'One document', schema: { type: 'string' } },
      {
        name: 'limit',
        description: 'At most this many (1–1000)',
        schema: { type: 'string', pattern: '^\\d{1,4}$', example: '100' },
      },
    ],
    response: objectWith({ email: STRING, deliveries: ARRAY }),
  })
  async log(@Query() query: Record<string, unknown>) {
    for (const [field, value] of Object.entries(query)) {
      const check = QUERY[field];
      if (!check) throw invalid(field, `one of the known filters (${Object.keys(QUERY).join(', ')})`);
      if (typeof value !== 'string' || !check.ok(value)) throw invalid(field, check.rule);
    }
    const filter = { ...query, limit: query.limit ? Number(query.limit) : 100 } as DeliveryLogFilter;
    return { email: this.delivery.emailStatus, deliveries: await this.delivery.outbox.log(filter) };
  }

  @Get(':deliveryId')
  @RequireScopes('ops')
  @ApiRead({
    summary: 'One delivery and its attempts',
    params: [{ name: 'deliveryId', description: 'From the delivery log' }],
    response: DELIVERY,
  })
  async one(@Param('deliveryId') deliveryId: string) {
    if (!DELIVERY_ID.test(deliveryId)) throw invalid('deliveryId', 'dlv_ and 32 hex digits');
    const entry = await this.delivery.outbox.get(deliveryId);
    if (!entry) throw problem(404, 'NOT_FOUND', 'Not found', `Delivery ${deliveryId} does not exist`);
    return entry;
  }

  /** Sends it again, with the same delivery id, at the worker's next round (202: accepted, not yet sent). */
  @Post(':deliveryId/redeliver')
  @HttpCode(202)
  @RequireScopes('ops')
  @ApiCommand({
    summary: 'Deliver a document again',
    description: 'Sent again with the same delivery id at the worker’s next round.',
    status: 202,
    params: [{ name: 'deliveryId', description: 'From the delivery log' }],
    response: DELIVERY,
  })
  async redeliver(@Param('deliveryId') deliveryId: string) {
    if (!DELIVERY_ID.test(deliveryId)) throw invalid('deliveryId', 'dlv_ and 32 hex digits');
    const entry = await this.delivery.outbox.redeliver(deliveryId);
    if (!entry) throw problem(404, 'NOT_FOUND', 'Not found', `Delivery ${deliveryId} does not exist`);
    return entry;
  }
}
