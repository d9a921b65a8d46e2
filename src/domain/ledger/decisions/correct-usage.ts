import Big from 'big.js';
import { Money, type Currency } from '../../shared/money.js';
import { roundCharge } from '../../shared/rounding.js';
import type { LedgerCommandOf, LedgerContext } from '../ledger-commands.js';
import type { LedgerState } from '../ledger-state.js';
import { bookCorrection, chargedNow, givenBack } from './correction-funding.js';
import { duplicate, reject, type Decision } from './decision.js';
import { usageInstant } from './instants.js';
import { storedAttribution } from '../usage-attribution.js';

export const voidCorrectionId = (usageRecordId: string) => `void:${usageRecordId}`;

/**
 * Voiding a usage record (issue 14): what it still charges (booked amount plus earlier re-rates) is given
 * back to exactly the grants and sources it drew from, as ChargeCorrected 'usage-voided' for its period.
 * A record is voided once: again → USAGE_RECORD_ALREADY_VOIDED.
 */
export function decideVoidUsageRecord(
  command: LedgerCommandOf<'VoidUsageRecord'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const { record } = command;
  const correctionId = voidCorrectionId(record.usageRecordId);
  if (record.voided || state.corrections.has(correctionId)) {
    return reject('USAGE_RECORD_ALREADY_VOIDED', `Usage record ${record.usageRecordId} is already voided`);
  }
  if (command.reason.trim() === '') return reject('REASON_REQUIRED', 'reason must not be empty', 'reason');
  const charged = new Big(record.charged);
  return bookCorrection(
    state,
    context,
    {
      ...recordPart(command, correctionId, 'usage-voided'),
      quantityChange: new Big(record.quantity).neg().toFixed(),
      amount: charged.neg().toFixed(),
      usageWindow: { windowStart: record.windowStart, windowEnd: record.windowEnd },
    },
    {
      fromGrants: record.fromGrants.map((g) => ({
        grantId: g.grantId,
        amount: new Big(g.amount).neg().toFixed(),
      })),
      fromBalanceBy: record.fromBalanceBy.map((p) => ({
        source: p.source,
        amount: new Big(p.amount).neg().toFixed(),
      })),
      fromBalance: record.fromBalanceBy.reduce((sum, p) => sum.minus(p.amount), new Big(0)),
    },
  );
}

/**
 * Re-rating a usage record (issue 14): its corrected quantity and/or the prices in force at `priceAt`
 * (default: its usage instant), rated after the quantity its period held before it and rounded on its own;
 * the difference with what it charges now is booked as ChargeCorrected 'usage-rerated'. More is paid like
 * a charge booked now; less is given back along what it drew (balance first, then grants).
 */
export function decideRerateUsageRecord(
  command: LedgerCommandOf<'RerateUsageRecord'>,
  state: LedgerState,
  context: LedgerContext,
): Decision {
  const { record } = command;
  const correctionId = `rerate:${record.usageRecordId}:${record.correctionIds.length + 1}`;
  if (state.corrections.has(correctionId)) return duplicate();
  if (record.voided || state.corrections.has(voidCorrectionId(record.usageRecordId))) {
    return reject(
      'USAGE_RECORD_VOIDED',
      `Usage record ${record.usageRecordId} is voided: nothing to re-rate`,
    );
  }
  if (command.quantity === undefined && command.priceAt === undefined) {
    return reject(
      'NOTHING_TO_RERATE',
      'give a corrected quantity or a price basis (catalogVersion)',
      'quantity',
    );
  }
  if (command.reason.trim() === '') return reject('REASON_REQUIRED', 'reason must not be empty', 'reason');
  const quantity = command.quantity ?? record.quantity;
  const rated = context.rate({
    sku: record.sku,
    quantity,
    usageAt: command.priceAt ?? usageInstant(record.windowStart, record.windowEnd),
    currency: state.currency,
    usedThisPeriodBefore: record.quantityBefore,
  });
  if ('rejected' in rated)
    return reject(rated.code, rated.message, rated.field === 'sku' ? 'quantity' : rated.field);
  const amount = roundCharge(
    Money.of(rated.amount, state.currency as Currency),
    context.profile.rounding,
  ).amount;
  const difference = amount.minus(record.charged);
  const quantityChange = new Big(quantity).minus(record.quantity);
  if (difference.eq('0') && quantityChange.eq('0')) {
    return reject(
      'RERATE_CHANGES_NOTHING',
      `Re-rated, usage record ${record.usageRecordId} charges ${amount.toFixed()} as it does now`,
      'quantity',
    );
  }
  return bookCorrection(
    state,
    context,
    {
      ...recordPart(command, correctionId, 'usage-rerated'),
      usage: {
        quantity: new Big(quantity).toFixed(),
        unit: record.unit,
        windowStart: record.windowStart,
        windowEnd: record.windowEnd,
        catalogVersion: rated.catalogVersion,
        ratedAmount: rated.amount,
      },
      quantityChange: quantityChange.toFixed(),
      amount: difference.toFixed(),
    },
    difference.gt('0')
      ? chargedNow(state, context, difference, record.category, command.at, true)
      : givenBack(record, difference.neg()),
  );
}

function recordPart(
  command: LedgerCommandOf<'VoidUsageRecord' | 'RerateUsageRecord'>,
  correctionId: string,
  kind: 'usage-voided' | 'usage-rerated',
) {
  const { record } = command;
  return {
    correctionId,
    kind,
    correctsPeriod: record.periodId,
    service: record.service,
    category: record.category,
    sku: record.sku,
    usageRecordId: record.usageRecordId,
    reason: command.reason,
    ...(command.reference ? { reference: command.reference } : {}),
    by: command.by,
    at: command.at,
    // The correction belongs where the record does (issue 15), so the cost query nets it there.
    ...storedAttribution(record),
  };
}
