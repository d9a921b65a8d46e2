import { IsDecimalString } from '../../platform/http/validators.js';

export class SetLowBalanceWarningDto {
  /** Alert when the balance falls below this amount (account currency); "0" turns the warning off. */
  @IsDecimalString({ maxFractionDigits: 2 })
  threshold!: string;
}
