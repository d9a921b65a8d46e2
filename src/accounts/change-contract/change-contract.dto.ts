import { Type } from 'class-transformer';
import { IsIn, IsObject, IsString, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import { AgreementDto } from '../open-account/open-account.dto.js';

export class ChangeContractDto {
  @IsIn(['public-offer', 'individual-contract'])
  contract!: 'public-offer' | 'individual-contract';

  @IsIn(['prepaid', 'postpaid'])
  paymentScheme!: 'prepaid' | 'postpaid';

  @IsString()
  @MaxLength(64)
  profileId!: string;

  /** An agreement to register with the change (the contract register); absent: the registered one stays. */
  @ValidateIf((body: ChangeContractDto) => body.agreement !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => AgreementDto)
  agreement?: AgreementDto;
}
