import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { pricingInForce } from '../../domain/pricing/index.js';
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
import { AccountIdPipe } from '../../platform/http/account-id.pipe.js';
import { RequireScopes } from '../../platform/http/auth/roles.js';
import { Meta } from '../../platform/http/command-meta.decorator.js';
import { IsExternalIdPipe } from '../../platform/http/external-id.pipe.js';
import { problem } from '../../platform/http/problem-details.js';
import { isSaneInstant, SANE_INSTANTS } from '../../platform/http/validators.js';
import { ACCOUNT_DIRECTORY, type AccountDirectory } from '../account-directory.js';
import { AccountPricingBook } from '../account-pricing-book.js';
import { EndDiscount, GrantDiscount, MakeCommitment } from './pricing.command.js';
import { EndDiscountDto, GrantDiscountDto, MakeCommitmentDto } from './pricing.dto.js';

const ACCOUNT_PARAM = { name: 'accountId', description: 'The account', example: 'romashka' };
const AS_OF_RULE = `asOf must be an ISO-8601 time with seconds and an offset, from ${SANE_INSTANTS.from} to ${SANE_INSTANTS.until}`;

/**
 * Per-account pricing (business-rules.md#per-account-pricing): discounts and committed use, set by ops in
 * the account's pricing stream; rating and the close apply them. The read is served from that stream.
 */
@ApiCapability('Pricing', 400, 404, 409, 422)
@Controller('v1/accounts/:accountId/pricing')
export class AccountPricingController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(AccountPricingBook) private readonly pricing: AccountPricingBook,
    @Inject(ACCOUNT_DIRECTORY) private readonly accounts: AccountDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('discounts')
  @HttpCode(201)
  @RequireScopes('ops')
  @ApiCommand({
    summary: 'Grant a discount',
    description:
      'A percent off one SKU or one category, in force from `effectiveFrom` (at most the effective-time window back) until `effectiveUntil` or an early end. A SKU discount beats a category one; nothing stacks; usage a commitment covers takes the commitment rate.',
    params: [ACCOUNT_PARAM],
    body: GrantDiscountDto,
    examples: {
      sku: {
        summary: '15 % off vCPU hours',
        value: {
          discountId: 'romashka-vcpu-15',
          sku: 'compute.vcpu.hour',
          percent: '15',
          effectiveFrom: '2026-03-10T12:00:00+03:00',
          reason: 'Agreement 42 of 2026-03-01',
        },
      },
    },
  })
  grant(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: GrantDiscountDto,
    @Meta() meta: CommandMeta,
  ) {
    return this.commands.execute(new GrantDiscount(accountId, body, meta));
  }

  @Post('discounts/:discountId/end')
  @HttpCode(201)
  @RequireScopes('ops')
  @ApiCommand({
    summary: 'End a discount early',
    description:
      'Stops a running discount at `at` (a new event; the grant is never edited). A discount not yet begun, or already ended, is refused.',
    params: [ACCOUNT_PARAM, { name: 'discountId', description: 'The discount', example: 'romashka-vcpu-15' }],
    body: EndDiscountDto,
    examples: {
      end: { value: { at: '2026-03-10T13:00:00+03:00', reason: 'Agreement 42 terminated' } },
    },
  })
  end(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Param('discountId', IsExternalIdPipe) discountId: string,
    @Body() body: EndDiscountDto,
    @Meta() meta: CommandMeta,
  ) {
    return this.commands.execute(new EndDiscount(accountId, discountId, body, meta));
  }

  @Post('commitments')
  @HttpCode(201)
  @RequireScopes('ops')
  @ApiCommand({
    summary: 'Record a committed-use agreement',
    description:
      'A fixed monthly commitment (gross, the account currency) for the SKUs and categories in `scope`, whose usage is rated at `discountPercent` off. From a period start, for `months` whole periods; at each close of the term a covered spend below the commitment is charged as the shortfall.',
    params: [ACCOUNT_PARAM],
    body: MakeCommitmentDto,
    examples: {
      compute: {
        summary: '50 000 RUB a month of compute at 20 % off, for a year',
        value: {
          commitmentId: 'romashka-compute-2026',
          amount: '50000.00',
          currency: 'RUB',
          scope: { categories: ['compute'] },
          discountPercent: '20',
          effectiveFrom: '2026-04-01T00:00:00+03:00',
          months: 12,
        },
      },
    },
  })
  commit(
    @Param('accountId', AccountIdPipe) accountId: string,
    @Body() body: MakeCommitmentDto,
    @Meta() meta: CommandMeta,
  ) {
    return this.commands.execute(new MakeCommitment(accountId, body, meta));
  }

  /** From the account's pricing stream (read, never appended to). */
  @Get()
  @RequireScopes('read')
  @ApiRead({
    summary: "The account's pricing in force",
    description:
      'The discounts and committed-use agreements in force at `asOf` (now when absent), read from the account pricing stream.',
    params: [ACCOUNT_PARAM],
    query: [{ ...AS_OF_QUERY, description: 'The pricing in force at this time; now when absent' }],
    response: objectWith({ accountId: STRING, asOf: STRING, discounts: ARRAY, commitments: ARRAY }),
  })
  async inForce(@Param('accountId', AccountIdPipe) accountId: string, @Query('asOf') asOf?: string) {
    if (asOf !== undefined && !isSaneInstant(asOf)) {
      throw problem(400, 'VALIDATION_FAILED', 'The request is invalid', AS_OF_RULE, {
        errors: [{ field: 'asOf', rule: 'isInstant', message: AS_OF_RULE }],
      });
    }
    await this.accounts.account(accountId);
    const at = asOf ?? this.clock.now().toISOString();
    const state = await this.pricing.state(accountId);
    return { accountId, asOf: at, ...pricingInForce(state, at) };
  }
}
