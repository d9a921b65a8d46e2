import Big from 'big.js';
import { lateUsageWindowDays } from '../../policies/policy-profile.js';
import { Money, type Currency } from '../../shared/money.js';
import { roundCharge } from '../../shared/rounding.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { bookCorrection, chargedNow } from './correction-funding.js';
import { duplicate, reject, type Decision } from './decision.js';
import { plusDays, usageInstant } from './instants.js';
import { attributionProblem, storedAttribution } from '../usage-attribution.js';

/** The correction id of a late usage record: one per record, so a retry is recognised. */
export const lateUsageCorrectionId = (usageRecordId: string) => `late:${usageRecordId}`;

/**
 * Late usage (issue 14): a record whose usage instant falls in a period already closed is booked in the open
 * period as ChargeCorrected 'late-usage' naming that period, up to the profile's window (default 35 days)
 * after the period's end. It is rated at the prices in force at the usage instant, after the quantity its
 * period already holds (tiers, free quotas), and rounded on its own (not with its billing hour, which is
 * closed); it is paid like a charge booked now (grants usable now, then the balance) with a charge's
 * consequences. The account's status then is not asked: the usage was metered while the service ran.
 */
export function decideBookLateUsage(
  command: LedgerCommandOf<'BookLateUsage'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const correctionId = lateUsageCorrectionId(command.usageRecordId);
  if (state.usageRecords.has(command.usageRecordId) || state.corrections.has(correctionId))
    return duplicate();
  const misattributed = attributionProblem(command);
  if (misattributed) return reject('INVALID_ATTRIBUTION', misattributed.message, misattributed.field);
  const start = Date.parse(command.windowStart);
  const end = Date.parse(command.windowEnd);
  if (Number.isNaN(start) || Number.isNaN(end) || start > end) {
    return reject('INVALID_WINDOW', 'windowStart must be a time not after windowEnd', 'windowStart');
  }
  const { closedPeriod } = command;
  const usageAt = usageInstant(command.windowStart, command.windowEnd);
  if (!(closedPeriod.periodId < state.periodId) || Date.parse(usageAt) >= Date.parse(closedPeriod.endsAt)) {
    return reject(
      'WINDOW_OUTSIDE_PERIOD',
      `windowEnd is not in closed period ${closedPeriod.periodId}`,
      'windowEnd',
    );
  }
  const days = lateUsageWindowDays(context.profile);
  const lastAccepted = plusDays(closedPeriod.endsAt, days);
  if (Date.parse(command.at) > Date.parse(lastAccepted)) {
    return reject(
      'LATE_USAGE_WINDOW_PASSED',
      `windowEnd is in period ${closedPeriod.periodId}, closed; its late usage was accepted until ${lastAccepted} (${days} days after the period's end)`,
      'windowEnd',
    );
  }
  const rated = context.rate({
    sku: command.sku,
    quantity: command.quantity,
    usageAt,
    currency: state.currency,
    usedThisPeriodBefore: closedPeriod.quantityBefore,
  });
  if ('rejected' in rated) return reject(rated.code, rated.message, rated.field ?? 'sku');
  const amount = roundCharge(
    Money.of(rated.amount, state.currency as Currency),
    context.profile.rounding,
  ).amount;
  return bookCorrection(
    state,
    context,
    {
      correctionId,
      kind: 'late-usage',
      correctsPeriod: closedPeriod.periodId,
      service: rated.service,
      category: rated.category,
      sku: command.sku,
      usageRecordId: command.usageRecordId,
      usage: {
        quantity: command.quantity,
        unit: rated.unit,
        windowStart: command.windowStart,
        windowEnd: command.windowEnd,
        catalogVersion: rated.catalogVersion,
        ratedAmount: rated.amount,
      },
      quantityChange: new Big(command.quantity).toFixed(),
      amount: amount.toFixed(),
      reason: 'late usage',
      by: command.by,
      at: command.at,
      ...storedAttribution(command),
    },
    chargedNow(state, context, amount, rated.category, command.at, true),
  );
}
