import { IsString, Matches, MaxLength } from 'class-validator';
import {
  OWNER_EMAIL_MAX_LENGTH,
  OWNER_EMAIL_PATTERN,
  OWNER_EMAIL_RULE,
} from '../../domain/account/owner-email.js';

export class ChangeOwnerEmailDto {
  /** Where the account's issued documents are e-mailed. */
  @IsString()
  @MaxLength(OWNER_EMAIL_MAX_LENGTH)
  @Matches(OWNER_EMAIL_PATTERN, { message: `ownerEmail must be ${OWNER_EMAIL_RULE}` })
  ownerEmail!: string;
}
