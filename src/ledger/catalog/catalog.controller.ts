import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ARRAY,
  AS_OF_QUERY,
  ApiCapability,
  ApiCommand,
  ApiRead,
  STRING,
  objectWith,
} from '../../platform/http/api-contract.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import type { CommandMeta } from '../../platform/commands/command-outcome.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { problem } from '../../platform/http/problem-details.js';
import { isSaneInstant, SANE_INSTANTS } from '../../platform/http/validators.js';
import { PriceCatalog, defaultCatalogVersions, type CatalogVersion } from '../../domain/catalog/index.js';
import { CatalogBook } from './catalog-book.js';
import { PublishCatalogVersion } from './publish-catalog-version.command.js';
import { PublishCatalogVersionDto } from './publish-catalog-version.dto.js';

const AS_OF_RULE = `asOf must be an ISO-8601 time with seconds and an offset, from ${SANE_INSTANTS.from} to ${SANE_INSTANTS.until}`;

/** The documented example: today's prices with vCPU dearer from 2027 (a whole version, every SKU). */
function exampleVersion(): CatalogVersion {
  const latest = defaultCatalogVersions().at(-1)!;
  return {
    version: '2027.1',
    effectiveFrom: '2027-01-01T00:00:00+03:00',
    skus: latest.skus.map((sku) =>
      sku.sku === 'compute.vcpu.hour' && sku.pricing.model === 'flat'
        ? { ...sku, pricing: { model: 'flat', unitPrice: '1.25' } }
        : sku,
    ),
  };
}

const VERSION_SCHEMA = objectWith({
  version: STRING,
  effectiveFrom: { type: 'string', format: 'date-time' },
  skus: ARRAY,
});

@ApiCapability('Catalog', 400, 404)
@Controller('v1/catalog')
export class CatalogController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(CatalogBook) private readonly catalog: CatalogBook,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** A new version of the price list; scheduled ahead or in force now, never back-dated, never an edit. */
  @Post('versions')
  @HttpCode(201)
  @RequireScopes('ops')
  @ApiCommand({
    summary: 'Publish a price-list version',
    description:
      'A whole version (every SKU, its names, unit with OKEI code, tiers, free quota and price per currency) in force from `effectiveFrom` (now or later, after the latest version). A price change is a new version, never an edit; the same version again stores nothing.',
    body: PublishCatalogVersionDto,
    examples: { scheduled: { summary: 'vCPU dearer from 2027', value: exampleVersion() } },
  })
  publish(@Body() body: PublishCatalogVersionDto, @Meta() meta: CommandMeta) {
    const version = {
      version: body.version,
      effectiveFrom: body.effectiveFrom,
      skus: body.skus,
    } as CatalogVersion;
    return this.commands.execute(new PublishCatalogVersion(version, meta));
  }

  /** Every version with the instant it takes effect, in effective order. */
  @Get('versions')
  @RequireScopes('read')
  @ApiRead({
    summary: 'The price-list versions',
    response: objectWith({ versions: ARRAY }),
  })
  async versions() {
    await this.catalog.refresh();
    const now = this.clock.now().toISOString();
    const catalog = this.catalogInForce();
    const inForce = catalog.versionAt(now)?.version ?? null;
    return {
      versions: catalog.versions.map((version) => ({
        version: version.version,
        effectiveFrom: version.effectiveFrom,
        skus: version.skus.length,
        inForce: version.version === inForce,
      })),
    };
  }

  /** The version in force at `asOf` (now when absent), with every SKU it prices. */
  @Get()
  @RequireScopes('read')
  @ApiRead({
    summary: 'The price list in force',
    query: [
      {
        ...AS_OF_QUERY,
        description: 'The price list in force at this time (ISO-8601 with an offset); now when absent',
      },
    ],
    response: VERSION_SCHEMA,
  })
  async inForce(@Query('asOf') asOf?: string) {
    const at = asOf ?? this.clock.now().toISOString();
    if (asOf !== undefined && !isSaneInstant(asOf)) throw badAsOf();
    await this.catalog.refresh();
    let version: CatalogVersion | undefined;
    try {
      version = this.catalogInForce().versionAt(at);
    } catch {
      throw badAsOf();
    }
    if (version === undefined) {
      throw problem(404, 'NOT_FOUND', 'Not found', `no price-list version is in force at ${at}`);
    }
    return version;
  }

  private catalogInForce(): PriceCatalog {
    return this.catalog.catalog;
  }
}

const badAsOf = () =>
  problem(400, 'VALIDATION_FAILED', 'The request is invalid', AS_OF_RULE, {
    errors: [{ field: 'asOf', rule: 'isInstant', message: AS_OF_RULE }],
  });
