import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { PRICING_BAD_INPUT, PRICING_REJECTIONS, type PricingCommand } from '../../domain/pricing/index.js';
import {
  CommandRejectedError,
  type CommandMeta,
  type CommandOutcome,
} from '../../platform/commands/command-outcome.js';
import { CLOCK, type Clock } from '../../platform/clock/clock.js';
import { EFFECTIVE_TIME_WINDOW, type EffectiveTimeWindow } from '../../platform/http/effective-time.js';
import { problem } from '../../platform/http/problem-details.js';
import { ACCOUNT_DIRECTORY, type AccountDirectory } from '../account-directory.js';
import { AccountPricingBook } from '../account-pricing-book.js';
import type { EndDiscountDto, GrantDiscountDto, MakeCommitmentDto } from './pricing.dto.js';

/** Ops give an account a percent off a SKU or a category, from an instant (optionally until one). */
export class GrantDiscount extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly terms: GrantDiscountDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** Ops end a discount early: a new event, never an edit of the grant. */
export class EndDiscount extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly discountId: string,
    readonly end: EndDiscountDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** Ops record a committed-use agreement: a monthly commitment, its scope and its discounted rate. */
export class MakeCommitment extends Command<CommandOutcome> {
  constructor(
    readonly accountId: string,
    readonly terms: MakeCommitmentDto,
    readonly meta: CommandMeta,
  ) {
    super();
  }
}

/** The three handlers share one way to run a pricing command and to answer its refusals. */
abstract class PricingHandler {
  constructor(
    protected readonly accounts: AccountDirectory,
    protected readonly pricing: AccountPricingBook,
    protected readonly clock: Clock,
    protected readonly window: EffectiveTimeWindow,
  ) {}

  protected async run(
    accountId: string,
    effectiveAt: string | undefined,
    command: (context: { now: string; maxPastDays: number }) => PricingCommand,
    meta: CommandMeta,
  ): Promise<CommandOutcome> {
    const now = this.clock.now().toISOString();
    const context = { now, maxPastDays: this.window.maxPastDays };
    const at = effectiveAt !== undefined && !Number.isNaN(Date.parse(effectiveAt)) ? effectiveAt : now;
    try {
      return await this.pricing.decide(accountId, () => command(context), meta, at);
    } catch (error) {
      throw answered(error);
    }
  }
}

/** Bad input is 400 naming the field (like any malformed body), an unknown discount 404, the rest 422. */
function answered(error: unknown): unknown {
  if (!(error instanceof CommandRejectedError)) return error;
  if (PRICING_BAD_INPUT.includes(error.code)) {
    const field = error.field ?? 'body';
    return problem(400, 'VALIDATION_FAILED', 'The request is invalid', error.message, {
      errors: [{ field, rule: error.code, message: error.message }],
    });
  }
  if (error.code === PRICING_REJECTIONS.discountNotFound) {
    return problem(404, 'NOT_FOUND', 'Not found', error.message);
  }
  return error;
}

@CommandHandler(GrantDiscount)
export class GrantDiscountHandler extends PricingHandler implements ICommandHandler<GrantDiscount> {
  constructor(
    @Inject(ACCOUNT_DIRECTORY) accounts: AccountDirectory,
    @Inject(AccountPricingBook) pricing: AccountPricingBook,
    @Inject(CLOCK) clock: Clock,
    @Inject(EFFECTIVE_TIME_WINDOW) window: EffectiveTimeWindow,
  ) {
    super(accounts, pricing, clock, window);
  }

  async execute({ accountId, terms, meta }: GrantDiscount): Promise<CommandOutcome> {
    await this.accounts.account(accountId);
    const knownSkus = this.pricing.knownSkus();
    return this.run(
      accountId,
      terms.effectiveFrom,
      (context) => ({
        type: 'GrantDiscount',
        ...context,
        knownSkus,
        discountId: terms.discountId,
        ...(terms.sku !== undefined ? { sku: terms.sku } : {}),
        ...(terms.category !== undefined ? { category: terms.category } : {}),
        percent: terms.percent,
        effectiveFrom: terms.effectiveFrom,
        ...(terms.effectiveUntil !== undefined ? { effectiveUntil: terms.effectiveUntil } : {}),
        reason: terms.reason,
      }),
      meta,
    );
  }
}

@CommandHandler(EndDiscount)
export class EndDiscountHandler extends PricingHandler implements ICommandHandler<EndDiscount> {
  constructor(
    @Inject(ACCOUNT_DIRECTORY) accounts: AccountDirectory,
    @Inject(AccountPricingBook) pricing: AccountPricingBook,
    @Inject(CLOCK) clock: Clock,
    @Inject(EFFECTIVE_TIME_WINDOW) window: EffectiveTimeWindow,
  ) {
    super(accounts, pricing, clock, window);
  }

  async execute({ accountId, discountId, end, meta }: EndDiscount): Promise<CommandOutcome> {
    await this.accounts.account(accountId);
    return this.run(
      accountId,
      end.at,
      (context) => ({ type: 'EndDiscount', ...context, discountId, at: end.at, reason: end.reason }),
      meta,
    );
  }
}

@CommandHandler(MakeCommitment)
export class MakeCommitmentHandler extends PricingHandler implements ICommandHandler<MakeCommitment> {
  constructor(
    @Inject(ACCOUNT_DIRECTORY) accounts: AccountDirectory,
    @Inject(AccountPricingBook) pricing: AccountPricingBook,
    @Inject(CLOCK) clock: Clock,
    @Inject(EFFECTIVE_TIME_WINDOW) window: EffectiveTimeWindow,
  ) {
    super(accounts, pricing, clock, window);
  }

  async execute({ accountId, terms, meta }: MakeCommitment): Promise<CommandOutcome> {
    // The commitment is in the account's currency: another is refused (WRONG_CURRENCY).
    const account = await this.accounts.accountInCurrency(accountId, terms.currency);
    const knownSkus = this.pricing.knownSkus();
    return this.run(
      accountId,
      terms.effectiveFrom,
      (context) => ({
        type: 'MakeCommitment',
        ...context,
        knownSkus,
        commitmentId: terms.commitmentId,
        amount: terms.amount,
        currency: account.currency,
        skus: terms.scope.skus ?? [],
        categories: terms.scope.categories ?? [],
        discountPercent: terms.discountPercent,
        effectiveFrom: terms.effectiveFrom,
        months: terms.months,
        timeZone: account.timeZone,
      }),
      meta,
    );
  }
}
