import { Injectable, type PipeTransform } from '@nestjs/common';
import { problem } from './problem-details.js';

const EXTERNAL_ID = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;

/** Path parameters that are ids (bills, periods): checked before anything is loaded. */
@Injectable()
export class IsExternalIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!EXTERNAL_ID.test(value)) {
      throw problem(400, 'VALIDATION_FAILED', 'The request is invalid', 'a path id has an invalid format', {
        errors: [{ field: 'id', rule: 'pattern', message: 'ids are 1–128 letters, digits, _ . : @ -' }],
      });
    }
    return value;
  }
}
