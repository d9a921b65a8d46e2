import { Inject, Injectable } from '@nestjs/common';
import {
  evolveWebhook,
  initialWebhookState,
  type WebhookEvent,
  type WebhookState,
} from '../../domain/delivery/webhook-subscription.js';
import { AggregateStreams, type DecisionResult } from '../../platform/commands/aggregate-streams.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { EVENT_STORE, type EventStore } from '../../platform/event-store/event-store.port.js';
import {
  WEBHOOK_STREAM_PREFIX,
  subscriptionIdOfWebhookStream,
  webhookStream,
} from '../../platform/event-store/stream-names.js';
import { PersonalDataVault, personalDataCodec } from '../../platform/personal-data/personal-data-vault.js';

/** A subscription as ops see it: never its secret. */
export interface WebhookView {
  subscriptionId: string;
  url: string;
  active: boolean;
  subscribedAt: string;
  unsubscribedAt: string | null;
}

/**
 * The webhook subscriptions: one stream each (`webhook-<id>`), the secret sealed with the vault under the
 * stream's own key (so a copy of the log does not reveal it).
 */
@Injectable()
export class WebhookBook {
  readonly streams: AggregateStreams<WebhookState, WebhookEvent>;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(PersonalDataVault) vault: PersonalDataVault,
  ) {
    this.streams = new AggregateStreams(
      store,
      clock,
      initialWebhookState,
      evolveWebhook,
      1_000,
      personalDataCodec(vault),
    );
  }

  async subscription(subscriptionId: string): Promise<WebhookState> {
    return (await this.streams.load(webhookStream(subscriptionId))).state;
  }

  decide(
    subscriptionId: string,
    decision: (state: WebhookState) => DecisionResult<WebhookEvent>,
    meta: CommandMeta,
    at: string,
  ): Promise<CommandOutcome> {
    return this.streams.decide(webhookStream(subscriptionId), decision, meta, at);
  }

  /** Every subscription, oldest first (without secrets). */
  async list(): Promise<WebhookView[]> {
    const events = await this.store.readAll({ filter: { streamPrefixes: [WEBHOOK_STREAM_PREFIX] } });
    const ids = [...new Set(events.map((e) => subscriptionIdOfWebhookStream(e.streamId)!))];
    const views: WebhookView[] = [];
    for (const id of ids) {
      const state = await this.subscription(id);
      if (!state.subscriptionId) continue;
      views.push({
        subscriptionId: id,
        url: state.url ?? '',
        active: state.active,
        subscribedAt: state.subscribedAt ?? '',
        unsubscribedAt: state.unsubscribedAt ?? null,
      });
    }
    return views;
  }
}
