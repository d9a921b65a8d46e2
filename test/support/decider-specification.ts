/**
 * One way to specify every decider of the domain:
 *
 *   spec.given([...events]).when(command).then([...events])
 *   spec.given([...events]).when(command).rejects('CODE', 'field')
 *   spec.given([...events]).when(command).thenNothing()
 *
 * Modelled on Emmett's DeciderSpecification (event-driven-io/emmett), for deciders that return a decision
 * (events, or a rejection with a stable code) instead of throwing. The state the given events build is
 * deep-frozen before the decision runs, so a decider that changes its input fails the spec.
 */
import type { DecisionOf } from '../../src/domain/shared/decision.js';

export type { DecisionOf };

export interface Decider<Command, Event, State> {
  decide: (command: Command, state: State) => DecisionOf<Event>;
  evolve: (state: State, event: Event) => State;
  initialState: () => State;
}

export interface Specification<Command, Event, State> {
  given(events?: Event | readonly Event[]): Given<Command, Event, State>;
}

export interface Given<Command, Event, State> {
  /** The state the given events build, deep-frozen. */
  readonly state: State;
  when(command: Command): When<Event>;
}

export interface When<Event> {
  /** The decision itself, for assertions the steps below do not cover. */
  readonly decision: DecisionOf<Event>;
  /** Accepted with exactly these events, in this order (jest asymmetric matchers allowed). */
  then(expected: Event | readonly Event[]): void;
  /** Accepted without events: a duplicate, or nothing to do. */
  thenNothing(): void;
  /** Rejected with this code, and the field (or field and message) when given. */
  rejects(code: string, details?: string | { field?: string; message?: string }): void;
}

export const DeciderSpecification = {
  for<Command, Event, State>(decider: Decider<Command, Event, State>): Specification<Command, Event, State> {
    return {
      given(events = []) {
        const history = (Array.isArray(events) ? events : [events]) as readonly Event[];
        const state = deepFreeze(history.reduce(decider.evolve, decider.initialState()));
        return { state, when: (command) => outcome(decider.decide(command, state)) };
      },
    };
  },
};

function outcome<Event>(decision: DecisionOf<Event>): When<Event> {
  return {
    decision,
    // objectContaining prints the whole decision on failure: a rejection's code and message, or the events.
    then(expected) {
      const events = Array.isArray(expected) ? expected : [expected];
      expect(decision).toEqual(expect.objectContaining({ ok: true, events }));
    },
    thenNothing() {
      expect(decision).toEqual(expect.objectContaining({ ok: true, events: [] }));
    },
    rejects(code, details) {
      const { field, message } =
        typeof details === 'string' ? { field: details, message: undefined } : (details ?? {});
      expect(decision).toEqual(
        expect.objectContaining({
          ok: false,
          code,
          ...(field === undefined ? {} : { field }),
          ...(message === undefined ? {} : { message }),
        }),
      );
    },
  };
}

/**
 * Freezes a value and everything reachable from it. Maps and Sets are frozen as objects and their entries
 * frozen, but their contents can still change: specs that must see that compare snapshots as well.
 */
export function deepFreeze<T>(value: T, seen = new WeakSet<object>()): T {
  if (typeof value !== 'object' || value === null || seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Map) {
    for (const [key, entry] of value) {
      deepFreeze(key, seen);
      deepFreeze(entry, seen);
    }
  } else if (value instanceof Set) {
    for (const entry of value) deepFreeze(entry, seen);
  }
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  return Object.freeze(value);
}
