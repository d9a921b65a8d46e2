import { IsIn, IsOptional } from 'class-validator';
import { IsDecimalString, IsExternalId, IsInstant } from '../../platform/http/validators.js';

export class TopUpDto {
  /** The payment system's id: a second top-up with the same id changes nothing. */
  @IsExternalId()
  paymentId!: string;

  @IsDecimalString({ maxFractionDigits: 2, allowZero: false })
  amount!: string;

  @IsIn(['RUB', 'KZT', 'USD'])
  currency!: 'RUB' | 'KZT' | 'USD';

  @IsIn(['card', 'bank-transfer', 'auto-top-up', 'internal'])
  channel!: 'card' | 'bank-transfer' | 'auto-top-up' | 'internal';

  /** When the money arrived; defaults to now. */
  @IsOptional()
  @IsInstant()
  paidAt?: string;
}
