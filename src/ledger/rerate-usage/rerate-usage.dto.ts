import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsDecimalString } from '../../platform/http/validators.js';
import { CorrectionReasonDto } from '../adjust/adjust.dto.js';

export class RerateUsageDto extends CorrectionReasonDto {
  /** The corrected quantity (absent: the record's). */
  @IsOptional()
  @IsDecimalString({ maxFractionDigits: 9, maxIntegerDigits: 12 })
  quantity?: string;

  /** The price list version to rate with (absent: the one in force at the usage time). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  catalogVersion?: string;
}
