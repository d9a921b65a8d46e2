import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { IsDecimalString, IsExternalId } from '../../platform/http/validators.js';

/** Why and with what reference a correction is made: every correction by ops carries them. */
export class CorrectionReasonDto {
  /** Why (shown in the audit trail and on corrective documents); required. */
  @IsString()
  @Matches(/\S/, { message: 'reason must not be empty' })
  @MinLength(1)
  @MaxLength(500)
  reason!: string;

  /** A ticket, an incident, the original document's number. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reference?: string;
}

export class AdjustDto extends CorrectionReasonDto {
  /** The caller's id for this adjustment: the same id twice is booked once. */
  @IsExternalId()
  adjustmentId!: string;

  /** credit gives the amount back to the customer; debit charges it. */
  @IsIn(['credit', 'debit'], { message: 'direction must be credit or debit' })
  direction!: 'credit' | 'debit';

  @IsDecimalString({ maxFractionDigits: 2, allowZero: false })
  amount!: string;

  /** The reporting period corrected (YYYY-MM): the open one or a closed one. */
  @IsString()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'period must be a reporting period such as 2026-03' })
  period!: string;

  /** A service of the price list, e.g. Cloud Compute. */
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  service!: string;

  /** A SKU of that service (optional). */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z0-9][a-z0-9._-]*$/, { message: 'sku must be a catalog SKU id such as compute.vcpu.hour' })
  sku?: string;
}
