import { IsBoolean } from 'class-validator';
import { IsDecimalString } from '../../platform/http/validators.js';

export class SetAlertSettingsDto {
  /** Alert when the balance falls below this amount (account currency), before a freeze; "0": no warning. */
  @IsDecimalString({ maxFractionDigits: 2 })
  lowBalanceThreshold!: string;

  /** Alert at 50, 80 and 100 % of the credit limit used (credit-limit accounts). */
  @IsBoolean()
  creditLimitAlerts!: boolean;
}
