import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CATALOG_REJECTIONS, type CatalogVersion } from '../../domain/catalog/index.js';
import {
  CommandRejectedError,
  type CommandMeta,
  type CommandOutcome,
} from '../../platform/commands/command-outcome.js';
import { problem } from '../../platform/http/problem-details.js';
import { CatalogBook } from './catalog-book.js';

/** A whole new price-list version, in force from its effectiveFrom (a price change is never an edit). */
export class PublishCatalogVersion extends Command<CommandOutcome> {
  constructor(
    readonly version: CatalogVersion,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** A bad price list is bad input: 400 naming the field, like any other malformed body. */
const BAD_INPUT: readonly string[] = [
  CATALOG_REJECTIONS.invalid,
  CATALOG_REJECTIONS.inThePast,
  CATALOG_REJECTIONS.notAfterLatest,
];

@CommandHandler(PublishCatalogVersion)
export class PublishCatalogVersionHandler implements ICommandHandler<PublishCatalogVersion> {
  constructor(@Inject(CatalogBook) private readonly catalog: CatalogBook) {}

  async execute({ version, meta }: PublishCatalogVersion): Promise<CommandOutcome> {
    try {
      return await this.catalog.publish(version, meta);
    } catch (error) {
      if (error instanceof CommandRejectedError && BAD_INPUT.includes(error.code)) {
        const field = error.field ?? 'version';
        throw problem(400, 'VALIDATION_FAILED', 'The request is invalid', error.message, {
          errors: [{ field, rule: error.code, message: error.message }],
        });
      }
      throw error;
    }
  }
}
