import { IsIn, IsString, MaxLength } from 'class-validator';

export class ChangeContractDto {
  @IsIn(['public-offer', 'individual-contract'])
  contract!: 'public-offer' | 'individual-contract';

  @IsIn(['prepaid', 'postpaid'])
  paymentScheme!: 'prepaid' | 'postpaid';

  @IsString()
  @MaxLength(64)
  profileId!: string;
}
