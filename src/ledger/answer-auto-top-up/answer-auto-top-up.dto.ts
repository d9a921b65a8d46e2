import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';

export class AnswerAutoTopUpDto {
  @IsIn(['succeeded', 'failed'])
  status!: 'succeeded' | 'failed';

  /** Why the card was not charged (failed answers). */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
