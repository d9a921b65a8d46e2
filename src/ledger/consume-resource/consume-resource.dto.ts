import { JSONSchema } from 'class-validator-jsonschema';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
} from 'class-validator';
import { IsDecimalString, IsExternalId, IsInstant } from '../../platform/http/validators.js';
import {
  LABEL_KEY,
  LABEL_VALUE,
  MAX_LABEL_LENGTH,
  MAX_LABELS,
  PROJECT_ID,
  RESOURCE_ID,
  labelsProblem,
} from '../../domain/ledger/usage-attribution.js';

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

  /** The project (cloud or folder) the usage belongs to; absent: the project `default` (issue 15). */
  @IsOptional()
  @IsString()
  @Matches(PROJECT_ID, { message: 'project must be an id of 1–64 letters, digits, _ . : -' })
  project?: string;

  /** The resource that consumed (a VM, a disk, a bucket). */
  @IsOptional()
  @IsString()
  @Matches(RESOURCE_ID, { message: 'resourceId must be an id of 1–128 letters, digits, _ . : / -' })
  resourceId?: string;

  /** The caller's labels: at most 16; keys [a-z][a-z0-9_-]*, keys and values up to 63 characters. */
  @IsOptional()
  @IsObject({ message: 'labels must be an object of string values' })
  @ValidateBy({
    name: 'isBoundedLabels',
    validator: {
      validate: (value: unknown) => labelsProblem(value) === undefined,
      defaultMessage: (args) => labelsProblem(args?.value) ?? 'labels are invalid',
    },
  })
  // A fresh schema, not the generated one: that is a $ref to an `Object` definition nobody declares.
  @JSONSchema(() => ({
    type: 'object',
    maxProperties: MAX_LABELS,
    description: `At most ${MAX_LABELS} labels; a key is 1–${MAX_LABEL_LENGTH} characters ${LABEL_KEY.source}`,
    additionalProperties: { type: 'string', pattern: LABEL_VALUE.source, maxLength: MAX_LABEL_LENGTH },
    example: { env: 'prod', team: 'billing' },
  }))
  labels?: Record<string, string>;
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
