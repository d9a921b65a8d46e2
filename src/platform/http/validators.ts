import { applyDecorators } from '@nestjs/common';
import { IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { INSTANT_WITH_OFFSET, isRealInstant, isSaneInstant, SANE_INSTANTS } from '../clock/instant.js';

/** Money and quantities travel as decimal strings: never JSON numbers, bounded in size and scale. */
export const IsDecimalString = (options: {
  maxFractionDigits: number;
  maxIntegerDigits?: number;
  allowZero?: boolean;
}) => {
  const integer = options.maxIntegerDigits ?? 15;
  const pattern = new RegExp(`^\\d{1,${integer}}(\\.\\d{1,${options.maxFractionDigits}})?$`);
  return applyDecorators(
    IsString({ message: '$property must be a decimal string such as "100.50" (not a JSON number)' }),
    Matches(pattern, {
      message: `$property must be a non-negative decimal string with at most ${integer} integer and ${options.maxFractionDigits} fractional digits`,
    }),
    // Not a second Matches: the OpenAPI schema keeps one `pattern` per property, and a second one overwrote
    // the decimal rule above with `[1-9]`. A zero amount's 400 now names the rule `isGreaterThanZero`.
    ...(options.allowZero === false
      ? [
          ValidateBy({
            name: 'isGreaterThanZero',
            validator: {
              validate: (value: unknown) => typeof value === 'string' && /[1-9]/.test(value),
              defaultMessage: () => '$property must be greater than 0',
            },
          }),
          JSONSchema({ description: 'A decimal string greater than 0' }),
        ]
      : []),
  );
};

/** ISO-8601 instants with an explicit offset (Z or ±hh:mm): a time without a zone is ambiguous. */
export { INSTANT_WITH_OFFSET, isRealInstant, isSaneInstant, SANE_INSTANTS };

export const IsInstant = () =>
  applyDecorators(
    // Swagger UI fills a date-time, not a string generated from the pattern.
    JSONSchema({ format: 'date-time', example: '2026-03-10T12:00:00+03:00' }),
    IsString({ message: '$property must be an ISO-8601 time string' }),
    Matches(INSTANT_WITH_OFFSET, {
      message: '$property must be an ISO-8601 time with an offset, e.g. 2026-03-01T12:00:00+03:00',
    }),
    ValidateBy({
      name: 'isRealInstant',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isRealInstant(value),
        defaultMessage: () => '$property must be a real calendar time (no 30 February, no hour 24)',
      },
    }),
    ValidateBy({
      name: 'isWithinSaneRange',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isSaneInstant(value),
        defaultMessage: () => `$property must be a time from ${SANE_INSTANTS.from} to ${SANE_INSTANTS.until}`,
      },
    }),
  );

/** Ids chosen by callers: visible ASCII without separators we use in stream names. */
export const IsExternalId = () =>
  applyDecorators(
    IsString({ message: '$property must be a string' }),
    MaxLength(128),
    Matches(/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/, {
      message: '$property must start with a letter or digit and contain only letters, digits, _ . : -',
    }),
  );
