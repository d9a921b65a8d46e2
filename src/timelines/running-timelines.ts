import type { TimelineEngine } from './timeline-engine.js';

/** The timelines this process runs (set once they start), for the test clock to advance them. */
export class RunningTimelines {
  engine?: TimelineEngine;
}
