import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { IsDecimalString, IsExternalId, IsInstant } from '../../platform/http/validators.js';

export const START_GRANT_EXCLUDED = ['gpu-cluster', 'paid-support', 'marketplace'];
export const START_GRANT_DAYS = 60;

export class IssueGrantDto {
  @IsExternalId()
  grantId!: string;

  @IsIn(['start', 'promo', 'compensation'])
  kind!: 'start' | 'promo' | 'compensation';

  @IsDecimalString({ maxFractionDigits: 2, allowZero: false })
  amount!: string;

  @IsIn(['RUB', 'KZT', 'USD'])
  currency!: 'RUB' | 'KZT' | 'USD';

  /** Defaults to 60 days after issue for start grants. */
  @IsOptional()
  @IsInstant()
  expiresAt?: string;

  /** Service categories the grant pays for; omitted = all categories not excluded. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  categories?: string[];

  /** Defaults to GPU clusters, paid support and marketplace for start grants. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  excludedCategories?: string[];

  @IsOptional()
  @IsInt()
  @Min(-1000)
  @Max(1000)
  priority?: number;

  @IsOptional()
  @IsInstant()
  issuedAt?: string;
}
