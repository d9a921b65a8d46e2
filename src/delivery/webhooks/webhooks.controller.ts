import {
  ARRAY,
  ApiCapability,
  ApiCommand,
  ApiRead,
  STRING,
  objectWith,
} from '../../platform/http/api-contract.js';
import { createHash } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { IsExternalIdPipe } from '../../platform/http/external-id.pipe.js';
import { SubscribeWebhookDto } from './webhooks.dto.js';
import { SubscribeWebhook, UnsubscribeWebhook } from './webhooks.command.js';
import { WebhookBook } from './webhook-book.js';

/** Webhook subscriptions to issued documents, configured by ops (secrets are write-only). */
@ApiCapability('Delivery', 400, 404, 409, 422)
@Controller('v1/ops/webhooks')
export class WebhooksController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(WebhookBook) private readonly webhooks: WebhookBook,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScopes('ops')
  @ApiCommand({
    summary: 'Subscribe a webhook',
    description: 'Issued documents are announced to the URL, signed with the secret (write-only).',
    body: SubscribeWebhookDto,
    examples: {
      erp: { value: { url: 'https://erp.example.com/billing/hooks', secret: 'a-long-shared-secret-2026' } },
    },
    response: objectWith({ subscriptionId: STRING }),
  })
  async subscribe(@Body() body: SubscribeWebhookDto, @Meta() meta: CommandMeta) {
    // From the command id: a retry with the same Idempotency-Key names the same subscription.
    const subscriptionId = `wh_${createHash('sha256').update(meta.commandId).digest('hex').slice(0, 20)}`;
    const outcome = await this.commands.execute(
      new SubscribeWebhook(subscriptionId, body.url, body.secret, this.clock.now().toISOString(), meta),
    );
    return { ...outcome, subscriptionId, url: body.url };
  }

  @Get()
  @RequireScopes('ops')
  @ApiRead({
    summary: 'The webhook subscriptions',
    description: 'Id, url, active, since — never the secrets.',
    response: objectWith({ subscriptions: ARRAY }),
  })
  async list() {
    return { subscriptions: await this.webhooks.list() };
  }

  @Delete(':subscriptionId')
  @HttpCode(200)
  @RequireScopes('ops')
  @ApiCommand({
    method: 'DELETE',
    summary: 'Unsubscribe a webhook',
    params: [{ name: 'subscriptionId', description: 'From the subscription' }],
  })
  unsubscribe(@Param('subscriptionId', IsExternalIdPipe) subscriptionId: string, @Meta() meta: CommandMeta) {
    return this.commands.execute(
      new UnsubscribeWebhook(subscriptionId, this.clock.now().toISOString(), meta),
    );
  }
}
