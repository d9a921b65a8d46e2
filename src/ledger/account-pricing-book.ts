import { Inject, Injectable } from '@nestjs/common';
import {
  accountPricingOf,
  decidePricing,
  evolvePricing,
  initialPricingState,
  type AccountPricing,
  type KnownSkus,
  type PricingCommand,
  type PricingEvent,
  type PricingState,
} from '../domain/pricing/index.js';
import { AggregateStreams } from '../platform/commands/aggregate-streams.js';
import type { CommandMeta, CommandOutcome } from '../platform/commands/command-outcome.js';
import { CLOCK, type Clock } from '../platform/clock/clock.js';
import { EVENT_STORE, type EventStore } from '../platform/event-store/event-store.port.js';
import { pricingStream } from '../platform/event-store/stream-names.js';
import { PriceCatalogProvider } from './price-catalog.provider.js';

/** Accounts whose pricing view is kept (a view is small; beyond this the views are rebuilt as needed). */
const MAX_VIEWS = 50_000;

/**
 * Per-account pricing: the `pricing-<accountId>` stream (discounts granted and ended, commitments made).
 * The ledger book reads an account's pricing from here before each decision and passes it into the pure
 * decider, as it passes the catalog's rater.
 */
@Injectable()
export class AccountPricingBook {
  private readonly streams: AggregateStreams<PricingState, PricingEvent>;
  /** The ledger's view per account, kept with the stream revision it was made from. */
  private readonly views = new Map<string, { revision: number | undefined; pricing?: AccountPricing }>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) clock: Clock,
    @Inject(PriceCatalogProvider) private readonly catalog: PriceCatalogProvider,
  ) {
    // ≈ 0.6 KiB a state, default pricing for most accounts: 5 000 ≈ 3 MiB (issue 18, memory).
    this.streams = new AggregateStreams(store, clock, initialPricingState, evolvePricing, 5_000);
  }

  /** Decides a pricing command on the account's stream as stored (another instance may have written). */
  decide(
    accountId: string,
    command: (state: PricingState) => PricingCommand,
    meta: CommandMeta,
    effectiveAt: string,
  ): Promise<CommandOutcome> {
    const stream = pricingStream(accountId);
    this.streams.forget(stream);
    return this.streams.decide(stream, (state) => decidePricing(command(state), state), meta, effectiveAt);
  }

  /** The account's pricing state as stored now (a read: appends nothing). */
  async state(accountId: string): Promise<PricingState> {
    const stream = pricingStream(accountId);
    this.streams.forget(stream);
    return (await this.streams.load(stream)).state;
  }

  /**
   * What the ledger rates and closes with; undefined when the account has no pricing (list prices). The
   * stream's revision is checked each time, so a change another instance stored is seen.
   */
  async pricingOf(accountId: string): Promise<AccountPricing | undefined> {
    const stream = pricingStream(accountId);
    const revision = await this.store.streamRevision(stream);
    const view = this.views.get(accountId);
    if (view && view.revision === revision) return view.pricing;
    this.streams.forget(stream);
    const loaded = await this.streams.load(stream);
    const pricing = loaded.revision === undefined ? undefined : accountPricingOf(loaded.state);
    if (this.views.size >= MAX_VIEWS) this.views.clear();
    this.views.set(accountId, { revision: loaded.revision, pricing });
    return pricing;
  }

  /** Every SKU of every price-list version, with its category: what a discount or commitment may name. */
  knownSkus(): KnownSkus {
    const known: Record<string, string> = {};
    for (const version of this.catalog.catalog.versions) {
      for (const sku of version.skus) known[sku.sku] = sku.category;
    }
    return known;
  }
}
