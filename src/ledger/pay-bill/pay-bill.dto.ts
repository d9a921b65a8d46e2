import { IsIn, IsOptional } from 'class-validator';
import { IsDecimalString, IsExternalId, IsInstant } from '../../platform/http/validators.js';

export class PayBillDto {
  @IsExternalId()
  paymentId!: string;

  @IsDecimalString({ maxFractionDigits: 2, allowZero: false })
  amount!: string;

  @IsIn(['RUB', 'KZT', 'USD'])
  currency!: 'RUB' | 'KZT' | 'USD';

  @IsIn(['card', 'bank-transfer'])
  channel!: 'card' | 'bank-transfer';

  @IsOptional()
  @IsInstant()
  paidAt?: string;
}
