/**
 * Base class of every error the pure domain throws. `code` is a stable, machine-readable string
 * (safe to persist, to map to API errors and to assert in tests); `message` is for humans and names the
 * field and the rule that was broken.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
}

/** A rejected input as it should appear in a message: JSON when possible ('"1e5"', 'null'), else String(). */
export function describeValue(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value); // bigint, cyclic objects
  }
}
