import { IsString, Matches, MaxLength } from 'class-validator';
import {
  WEBHOOK_SECRET_PATTERN,
  WEBHOOK_SECRET_RULE,
  WEBHOOK_URL_MAX_LENGTH,
  WEBHOOK_URL_RULE,
} from '../../domain/delivery/webhook-subscription.js';

export class SubscribeWebhookDto {
  /** Where each issued document is announced (POST, JSON, signed). */
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  @Matches(/^https?:\/\/[^\s@/?#]+(\/\S*)?$/, { message: `url must be ${WEBHOOK_URL_RULE}` })
  url!: string;

  /** The shared secret the receiver checks the HMAC-SHA256 signature with; never shown again. */
  @IsString()
  @Matches(WEBHOOK_SECRET_PATTERN, { message: `secret must be ${WEBHOOK_SECRET_RULE}` })
  secret!: string;
}
