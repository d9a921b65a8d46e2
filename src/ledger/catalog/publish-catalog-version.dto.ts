import { ArrayMaxSize, ArrayMinSize, IsArray, IsString, Length } from 'class-validator';
import { IsInstant } from '../../platform/http/validators.js';

/** A whole catalog version: every SKU it prices (the domain checks each SKU, naming the field at fault). */
export class PublishCatalogVersionDto {
  /** The version's id, e.g. '2026.2'; never reused for other contents. */
  @IsString()
  @Length(1, 64)
  version!: string;

  /** In force from this instant inclusive (ISO-8601 with an offset); now or later. */
  @IsInstant()
  effectiveFrom!: string;

  /** Every SKU of the version, one entry per SKU and currency (sku, service, category, unit, …). */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  skus!: object[];
}
