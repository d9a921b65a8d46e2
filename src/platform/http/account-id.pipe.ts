import { Injectable, type PipeTransform } from '@nestjs/common';
import { ACCOUNT_ID_PATTERN } from '../../domain/account/open-account.js';
import { problem } from './problem-details.js';

/** Path parameter accountId: the same rule as at account opening, checked before anything is loaded. */
@Injectable()
export class AccountIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!ACCOUNT_ID_PATTERN.test(value)) {
      throw problem(400, 'VALIDATION_FAILED', 'The request is invalid', 'accountId has an invalid format', {
        errors: [
          {
            field: 'accountId',
            rule: 'pattern',
            message: 'accountId must be 1–64 letters, digits, _ . or -',
          },
        ],
      });
    }
    return value;
  }
}
