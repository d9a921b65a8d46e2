import { IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { IsDecimalString, IsExternalId } from '../../platform/http/validators.js';

export class RequestRefundDto {
  /** Ops' id of the refund: the same id again changes nothing. */
  @IsExternalId()
  refundId!: string;

  /** A positive amount with at most 2 decimals, or `all` for everything refundable. */
  @ValidateIf((body: RequestRefundDto) => body.amount !== 'all')
  @IsDecimalString({ maxFractionDigits: 2, allowZero: false })
  amount!: string;

  /** Why (the customer's request, a ticket): printed on the credit note. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason!: string;
}
