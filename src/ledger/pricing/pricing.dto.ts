import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateBy,
  ValidateNested,
} from 'class-validator';
import { MAX_COMMITMENT_MONTHS } from '../../domain/pricing/index.js';
import { IsDecimalString, IsExternalId, IsInstant } from '../../platform/http/validators.js';

/** A percent: above 0, at most 100 (the domain checks the upper bound, naming the field), 2 decimals. */
const IsPercent = () => IsDecimalString({ maxFractionDigits: 2, maxIntegerDigits: 3, allowZero: false });

export class GrantDiscountDto {
  /** Chosen by ops; the same id and terms again store nothing. */
  @IsExternalId()
  discountId!: string;

  /** Exactly one of `sku` and `category`. */
  @IsOptional()
  @IsString()
  @Length(1, 128)
  sku?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  category?: string;

  @IsPercent()
  percent!: string;

  @IsInstant()
  effectiveFrom!: string;

  /** Exclusive; absent = until ended. */
  @IsOptional()
  @IsInstant()
  effectiveUntil?: string;

  @IsString()
  @Length(1, 500)
  reason!: string;
}

export class EndDiscountDto {
  /** The instant the discount stops applying (exclusive). */
  @IsInstant()
  at!: string;

  @IsString()
  @Length(1, 500)
  reason!: string;
}

/**
 * Required and an object. Not @IsDefined (its schema `not: {type: null}` is invalid OpenAPI) nor @IsObject
 * (a `type` beside the nested $ref): a rule the schema generator does not translate.
 */
const IsScopeObject = () =>
  ValidateBy({
    name: 'isScopeObject',
    validator: {
      validate: (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value),
      defaultMessage: () => '$property must be an object with skus and/or categories',
    },
  });

export class CommitmentScopeDto {
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  skus?: string[];

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  categories?: string[];
}

export class MakeCommitmentDto {
  @IsExternalId()
  commitmentId!: string;

  /** Committed spend per period, gross, in the account's currency. */
  @IsDecimalString({ maxFractionDigits: 2, allowZero: false })
  amount!: string;

  @IsIn(['RUB', 'KZT', 'USD'])
  currency!: 'RUB' | 'KZT' | 'USD';

  /** The SKUs and categories the commitment covers. */
  @IsScopeObject()
  @ValidateNested()
  @Type(() => CommitmentScopeDto)
  scope!: CommitmentScopeDto;

  /** The discount covered usage is rated at. */
  @IsPercent()
  discountPercent!: string;

  /** The start of a reporting period in the account's time zone. */
  @IsInstant()
  effectiveFrom!: string;

  /** The term in whole periods. */
  @IsInt()
  @Min(1)
  @Max(MAX_COMMITMENT_MONTHS)
  months!: number;
}
