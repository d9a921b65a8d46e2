import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { DomainError } from '../../domain/shared/errors.js';
import { CommandRejectedError, ConcurrencyConflictError, NotFoundError } from './command-outcome.js';

/** How a command ended, as `billing_commands_total` labels it: a few outcomes, and a rejection's code apart. */
export interface CommandMetricOutcome {
  outcome: string;
  code?: string;
}

/** A handler's result names its status (accepted, duplicate …); one that names none was accepted. */
export function outcomeOfResult(result: unknown): CommandMetricOutcome {
  const status = (result as { status?: unknown } | undefined)?.status;
  return { outcome: typeof status === 'string' ? status : 'accepted' };
}

/**
 * A business rule's refusal carries its stable code; the rest are named by what they mean to an operator. A
 * storage failure is an `error`, not a rejection, though its driver gives it a code too.
 */
export function outcomeOfError(error: unknown): CommandMetricOutcome {
  if (error instanceof CommandRejectedError || error instanceof DomainError)
    return { outcome: 'rejected', code: error.code };
  if (error instanceof ConcurrencyConflictError) return { outcome: 'conflict' };
  if (error instanceof NotFoundError) return { outcome: 'not-found' };
  return { outcome: 'error' };
}

/** Counts a command by its class name and outcome and times it, whatever the outcome. */
export async function measureCommand<T>(
  metrics: ServiceMetrics,
  type: string,
  run: () => Promise<T>,
): Promise<T> {
  const stopTimer = metrics.commandDuration.startTimer({ type });
  const count = ({ outcome, code }: CommandMetricOutcome) => {
    stopTimer();
    metrics.commands.inc(code === undefined ? { type, outcome } : { type, outcome, code });
  };
  try {
    const result = await run();
    count(outcomeOfResult(result));
    return result;
  } catch (error) {
    count(outcomeOfError(error));
    throw error;
  }
}
