/**
 * Base class of every error the pure domain throws. `code` is a stable, machine-readable string
 * (safe to persist, to map to API errors and to assert in tests); `message` is for humans and names the
 * field and the rule that was broken.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}
