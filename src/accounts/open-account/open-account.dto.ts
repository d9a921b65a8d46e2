import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { isLocalDate } from '../../domain/shared/calendar.js';
import { IsInstant } from '../../platform/http/validators.js';
import {
  OWNER_EMAIL_MAX_LENGTH,
  OWNER_EMAIL_PATTERN,
  OWNER_EMAIL_RULE,
} from '../../domain/account/owner-email.js';

export class PayerBankDetailsDto {
  @IsString()
  @MaxLength(300)
  bankName!: string;

  /** БИК (RU, 9 digits) or the bank's BIC (8 or 11 characters). */
  @IsString()
  @Matches(/^[0-9A-Z]{8,11}$/, { message: 'bik must be the BIK (9 digits) or the bank’s BIC (8 or 11)' })
  bik!: string;

  @IsString()
  @Matches(/^[0-9A-Z]{16,34}$/, { message: 'accountNumber must be 16–34 digits or capital letters' })
  accountNumber!: string;
}

export class LegalDetailsDto {
  @IsString()
  @MaxLength(300)
  name!: string;

  @IsString()
  @Matches(/^[0-9A-Za-z-]{5,20}$/, { message: 'taxId must be the INN (RU) or BIN/IIN (KZ) digits' })
  taxId!: string;

  @IsOptional()
  @IsString()
  @Matches(/^[0-9A-Z]{9}$/, { message: 'kpp must be 9 characters' })
  kpp?: string;

  @IsString()
  @MaxLength(500)
  address!: string;

  /** The payer's bank, printed on bills. Absent, or an object: null is refused (it reached the rules as a bank). */
  @ValidateIf((details: LegalDetailsDto) => details.bank !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => PayerBankDetailsDto)
  bank?: PayerBankDetailsDto;
}

/** An individual agreement as the contract register holds it. */
export class AgreementDto {
  @IsString()
  @Matches(/^\S(.{0,62}\S)?$/, {
    message: 'number must be 1–64 characters, not starting or ending with a space',
  })
  number!: string;

  @IsString()
  @ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value: unknown) => isLocalDate(value) && value >= '2000-01-01' && value <= '2998-12-31',
      defaultMessage: () => 'date must be a calendar date YYYY-MM-DD from 2000-01-01 to 2998-12-31',
    },
  })
  date!: string;
}

export class OpenAccountDto {
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, {
    message: 'accountId must be 1–64 letters, digits, _ . or -, starting with a letter or digit',
  })
  accountId!: string;

  @IsIn(['individual', 'legal-entity', 'sole-proprietor'])
  payerType!: 'individual' | 'legal-entity' | 'sole-proprietor';

  @IsIn(['ru-moscow', 'kz'])
  region!: 'ru-moscow' | 'kz';

  @IsIn(['resident', 'non-resident'])
  residency!: 'resident' | 'non-resident';

  @IsIn(['public-offer', 'individual-contract'])
  contract!: 'public-offer' | 'individual-contract';

  @IsIn(['prepaid', 'postpaid'])
  paymentScheme!: 'prepaid' | 'postpaid';

  @IsOptional()
  @IsBoolean()
  edm?: boolean;

  @IsString()
  @MaxLength(64)
  profileId!: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => LegalDetailsDto)
  legalDetails?: LegalDetailsDto;

  /** The individual agreement to register (non-residents' bills and invoices name it). */
  @ValidateIf((body: OpenAccountDto) => body.agreement !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => AgreementDto)
  agreement?: AgreementDto;

  /** Bank transfer or card; default by payer type (individuals: card; the others: bank transfer). */
  @IsOptional()
  @IsIn(['bank-transfer', 'card'])
  paymentMethod?: 'bank-transfer' | 'card';

  /** The owner's e-mail: issued documents are delivered to it (personal data, sealed at rest). */
  @IsOptional()
  @IsString()
  @MaxLength(OWNER_EMAIL_MAX_LENGTH)
  @Matches(OWNER_EMAIL_PATTERN, { message: `ownerEmail must be ${OWNER_EMAIL_RULE}` })
  ownerEmail?: string;

  /** When the account was opened; defaults to now. */
  @IsOptional()
  @IsInstant()
  openedAt?: string;
}
