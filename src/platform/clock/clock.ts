/** The clock is a port: the system clock in production, a virtual clock in tests and simulations. */
export interface Clock {
  now(): Date;
}

export const CLOCK = Symbol('Clock');

export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}

/** A clock that only moves when told to, and never backwards. */
export class VirtualClock implements Clock {
  private current: number;

  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves to `to`; moving backwards is refused because time in an event log never goes back. */
  set(to: Date | string): void {
    const target = new Date(to).getTime();
    if (target < this.current)
      throw new Error(`VirtualClock cannot move back from ${this.now().toISOString()}`);
    this.current = target;
  }

  advance(milliseconds: number): void {
    this.set(new Date(this.current + milliseconds));
  }
}
