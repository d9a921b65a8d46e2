import { JSONSchema } from 'class-validator-jsonschema';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsObject, IsString, Matches, MaxLength } from 'class-validator';
import { IsDecimalString, IsExternalId, IsInstant } from '../../platform/http/validators.js';

export class ConsumeResourceDto {
  /** The usage pipeline's id for this record: a record is charged once, however often it is sent. */
  @IsExternalId()
  usageRecordId!: string;

  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z0-9][a-z0-9._-]*$/, { message: 'sku must be a catalog SKU id such as compute.vcpu.hour' })
  sku!: string;

  @IsDecimalString({ maxFractionDigits: 9, maxIntegerDigits: 12 })
  quantity!: string;

  @IsInstant()
  windowStart!: string;

  @IsInstant()
  windowEnd!: string;
}

export class UsageRecordDto extends ConsumeResourceDto {
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, { message: 'accountId has an invalid format' })
  accountId!: string;
}

export const MAX_BATCH = 1000;

/** Records are validated one by one in the controller, so one bad record does not reject the others. */
export class UsageBatchDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH)
  @IsObject({ each: true, message: 'each of records must be an object' })
  // Each record is validated on its own (its own result); the schema says what a record is.
  @JSONSchema((schema) => ({ ...schema, items: { $ref: '#/components/schemas/UsageRecordDto' } }))
  records!: object[];
}
