import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { IsExternalId } from '../../platform/http/validators.js';
import { ACCOUNT_ID_PATTERN } from '../../domain/account/open-account.js';
import { Matches } from 'class-validator';

export class RecordRefundResultDto {
  /** The account the refund was requested for (the gateway got it with the request). */
  @IsString()
  @Matches(ACCOUNT_ID_PATTERN, { message: 'accountId must be 1–64 letters, digits, _ . or -' })
  accountId!: string;

  /** The refund part answered (its payment); absent: every part still waiting. */
  @IsOptional()
  @IsExternalId()
  paymentId?: string;

  @IsIn(['succeeded', 'failed'])
  status!: 'succeeded' | 'failed';

  /** Why the money could not be returned (failed answers). */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;

  /** The gateway's own reference of the payout (succeeded answers). */
  @IsOptional()
  @IsString()
  @MaxLength(128)
  gatewayReference?: string;
}
