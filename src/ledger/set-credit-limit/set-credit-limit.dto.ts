import { IsDecimalString } from '../../platform/http/validators.js';

export class SetCreditLimitDto {
  /** The permitted negative balance; 0 removes the credit. */
  @IsDecimalString({ maxFractionDigits: 2 })
  creditLimit!: string;
}
