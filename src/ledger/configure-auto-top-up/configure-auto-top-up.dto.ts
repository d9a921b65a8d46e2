import { IsBoolean, IsIn } from 'class-validator';
import { IsDecimalString } from '../../platform/http/validators.js';

export class ConfigureAutoTopUpDto {
  /** At or below this balance, a charge asks the gateway to charge the card (0 or more). */
  @IsDecimalString({ maxFractionDigits: 2 })
  threshold!: string;

  /** What the card is charged for (within the profile's bounds for the currency). */
  @IsDecimalString({ maxFractionDigits: 2, allowZero: false })
  amount!: string;

  @IsIn(['RUB', 'KZT', 'USD'])
  currency!: 'RUB' | 'KZT' | 'USD';

  @IsBoolean()
  enabled!: boolean;
}
