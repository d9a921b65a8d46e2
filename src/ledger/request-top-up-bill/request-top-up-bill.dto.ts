import { IsIn } from 'class-validator';
import { IsDecimalString, IsExternalId } from '../../platform/http/validators.js';

export class RequestTopUpBillDto {
  /** The caller's id for the bill: resending it with the same amount is a retry. */
  @IsExternalId()
  billId!: string;

  /** The top-up amount the bill asks for, in the account's currency. */
  @IsDecimalString({ maxFractionDigits: 2, allowZero: false })
  amount!: string;

  @IsIn(['RUB', 'KZT', 'USD'])
  currency!: 'RUB' | 'KZT' | 'USD';
}
