import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  decideSubscribeWebhook,
  decideUnsubscribeWebhook,
} from '../../domain/delivery/webhook-subscription.js';
import {
  NotFoundError,
  type CommandMeta,
  type CommandOutcome,
} from '../../platform/commands/command-outcome.js';
import { WebhookBook } from './webhook-book.js';

/** Ops subscribe a URL to document deliveries; calls are signed with the shared secret. */
export class SubscribeWebhook extends Command<CommandOutcome> {
  constructor(
    readonly subscriptionId: string,
    readonly url: string,
    readonly secret: string,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** Ends a subscription: documents issued from then on are not announced to it. */
export class UnsubscribeWebhook extends Command<CommandOutcome> {
  constructor(
    readonly subscriptionId: string,
    readonly at: string,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

@CommandHandler(SubscribeWebhook)
export class SubscribeWebhookHandler implements ICommandHandler<SubscribeWebhook> {
  constructor(@Inject(WebhookBook) private readonly webhooks: WebhookBook) {}

  execute({ subscriptionId, url, secret, at, meta }: SubscribeWebhook): Promise<CommandOutcome> {
    return this.webhooks.decide(
      subscriptionId,
      (state) => decideSubscribeWebhook({ subscriptionId, url, secret, at }, state),
      meta,
      at,
    );
  }
}

@CommandHandler(UnsubscribeWebhook)
export class UnsubscribeWebhookHandler implements ICommandHandler<UnsubscribeWebhook> {
  constructor(@Inject(WebhookBook) private readonly webhooks: WebhookBook) {}

  async execute({ subscriptionId, at, meta }: UnsubscribeWebhook): Promise<CommandOutcome> {
    if (!(await this.webhooks.subscription(subscriptionId)).subscriptionId)
      throw new NotFoundError(`Webhook subscription ${subscriptionId} does not exist`);
    return this.webhooks.decide(
      subscriptionId,
      (state) => decideUnsubscribeWebhook({ subscriptionId, at }, state),
      meta,
      at,
    );
  }
}
