import { IsOptional, IsString, MaxLength } from 'class-validator';

export class CloseAccountDto {
  /** Why the customer closes the account (kept in the event, shown in the status's reason). */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
