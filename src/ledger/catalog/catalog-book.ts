import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  decideCatalog,
  evolveCatalog,
  initialCatalogState,
  type CatalogEvent,
  type CatalogState,
  type CatalogVersion,
} from '../../domain/catalog/index.js';
import { AggregateStreams } from '../../platform/commands/aggregate-streams.js';
import type { CommandMeta, CommandOutcome } from '../../platform/commands/command-outcome.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { EVENT_STORE, type EventStore } from '../../platform/event-store/event-store.port.js';
import { CATALOG_STREAM } from '../../platform/event-store/stream-names.js';
import { PriceCatalogProvider } from '../price-catalog.provider.js';

/** The seeding's command id: its events' ids derive from it, so concurrent first starts store them once. */
export const CATALOG_SEED_COMMAND_ID = 'catalog-seed';

/**
 * The price list's one stream (`catalog`): seeded from the catalog the engine was built with on first
 * start, then changed only by publishing new versions. Whatever the stream holds is put in force in the
 * PriceCatalogProvider that rating reads.
 */
@Injectable()
export class CatalogBook implements OnModuleInit {
  private readonly streams: AggregateStreams<CatalogState, CatalogEvent>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(PriceCatalogProvider) private readonly provider: PriceCatalogProvider,
  ) {
    this.streams = new AggregateStreams(store, clock, initialCatalogState, evolveCatalog, 1);
  }

  async onModuleInit(): Promise<void> {
    await this.seed();
  }

  /** Appends the provider's initial versions when the stream is empty (once, however many instances start). */
  async seed(): Promise<CommandOutcome> {
    const now = this.clock.now().toISOString();
    const outcome = await this.streams.decide(
      CATALOG_STREAM,
      (state) => decideCatalog({ type: 'SeedCatalog', versions: this.provider.initial.versions, now }, state),
      { commandId: CATALOG_SEED_COMMAND_ID, actor: 'engine' },
      now,
    );
    await this.refresh();
    return outcome;
  }

  async publish(version: CatalogVersion, meta: CommandMeta): Promise<CommandOutcome> {
    const now = this.clock.now().toISOString();
    // Another instance may have published since: decide on the stream as stored.
    this.streams.forget(CATALOG_STREAM);
    const outcome = await this.streams.decide(
      CATALOG_STREAM,
      (state) => decideCatalog({ type: 'PublishCatalogVersion', version, now }, state),
      meta,
      typeof version.effectiveFrom === 'string' ? version.effectiveFrom : now,
    );
    await this.refresh();
    return outcome;
  }

  /** The catalog in force in this process (what rating reads). */
  get catalog() {
    return this.provider.catalog;
  }

  /** Reads the stream again and puts its versions in force (other instances' publications included). */
  async refresh(): Promise<CatalogState> {
    this.streams.forget(CATALOG_STREAM);
    const { state } = await this.streams.load(CATALOG_STREAM);
    if (state.versions.length > 0) this.provider.install(state.versions);
    return state;
  }
}
