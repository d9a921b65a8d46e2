import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { IsDecimalString, IsExternalId } from '../../platform/http/validators.js';
import { ALERT_CHANNELS, type AlertChannel } from '../../domain/alerts/alert-events.js';
import { BUDGET_SCOPE_PATTERN, BUDGET_SCOPE_RULE } from '../../domain/alerts/alerts-decide.js';

export class SetBudgetDto {
  /** Chosen by the caller; an ended budget's id is not reused. */
  @IsExternalId()
  budgetId!: string;

  /** `account` (all spend) or `project:<id>` (usage records naming that project; none = `default`). */
  @Matches(BUDGET_SCOPE_PATTERN, { message: BUDGET_SCOPE_RULE })
  scope!: string;

  /** Monthly, in the account's currency. */
  @IsDecimalString({ maxFractionDigits: 2, allowZero: false })
  amount!: string;

  /** Percents of the amount that alert when the period's spend reaches them; default [50, 80, 100]. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(1000, { each: true })
  thresholds?: number[];

  /** Where alerts go: `webhook` (ops' subscriptions), `email` (the owner); default both. */
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayUnique()
  @IsIn(ALERT_CHANNELS, { each: true })
  channels?: AlertChannel[];
}
