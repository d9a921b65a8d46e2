/** What a command did: the events it stored (none for a recognised retry) and where. */
export interface CommandOutcome {
  status: 'accepted' | 'duplicate';
  streamId: string;
  eventTypes: string[];
  /** Global position of the last stored event (absent when nothing was stored). */
  position?: string;
  revision?: number;
}

/** Who sent a command and why: travels into every event's metadata. */
export interface CommandMeta {
  commandId: string;
  correlationId?: string;
  causationId?: string;
  actor: string;
}

/** A business rule said no. Nothing was stored. */
export class CommandRejectedError extends Error {
  override readonly name = 'CommandRejectedError';
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The aggregate does not exist (404 over HTTP). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The stream kept changing under us (other processes): nothing was stored; the client may retry. */
export class ConcurrencyConflictError extends Error {
  override readonly name = 'ConcurrencyConflictError';
  constructor(
    readonly streamId: string,
    readonly attempts: number,
  ) {
    super(`Stream ${streamId} changed concurrently ${attempts} times; nothing was stored, retry the command`);
  }
}
