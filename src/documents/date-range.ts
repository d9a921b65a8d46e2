import { isLocalDate } from '../domain/shared/calendar.js';
import { problem } from '../platform/http/problem-details.js';

/**
 * A `from`–`to` range of local dates (YYYY-MM-DD) from the query, or a 400 naming the field. A date must exist
 * on the calendar (the domain's own check: 2026-02-30 is refused, not rolled over).
 */
export function dateRange(from?: string, to?: string): { from: string; to: string } {
  const bad = (field: string) =>
    problem(400, 'VALIDATION_FAILED', 'The request is invalid', `${field} must be a date YYYY-MM-DD`, {
      errors: [{ field, rule: 'isDate', message: `${field} must be a date YYYY-MM-DD` }],
    });
  if (!isLocalDate(from)) throw bad('from');
  if (!isLocalDate(to)) throw bad('to');
  if (from > to) {
    throw problem(400, 'VALIDATION_FAILED', 'The request is invalid', 'from must not be after to', {
      errors: [{ field: 'from', rule: 'range', message: 'from must not be after to' }],
    });
  }
  return { from, to };
}
