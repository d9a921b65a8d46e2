import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Seconds; a command or an HTTP request is a few milliseconds, a month-end batch or a PDF a second or more. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The service's metrics: one prom-client Registry per application (a Nest provider), with every family the
 * service counts. The places where things happen (the command bus, the HTTP edge, the timelines, the document
 * delivery, the event-bus feed) record into it; what is a state rather than a count (projection and worker lag)
 * is registered by `src/ops/metrics` and read when scraped. It lives in the platform so that every layer can
 * record into it without importing a capability.
 *
 * prom-client writes the text format: names, label escaping and histogram buckets are its job, not ours.
 */
export class ServiceMetrics {
  readonly registry = new Registry();

  readonly commands = new Counter({
    name: 'billing_commands_total',
    help: 'Commands handled by this instance, by command class and outcome (accepted, duplicate, rejected with its code, not-found, conflict, error).',
    labelNames: ['type', 'outcome', 'code'] as const,
    registers: [this.registry],
  });

  readonly commandDuration = new Histogram({
    name: 'billing_command_duration_seconds',
    help: 'Command latency, by command class: from the bus to its outcome, whatever the outcome.',
    labelNames: ['type'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly httpRequests = new Counter({
    name: 'billing_http_requests_total',
    help: 'HTTP requests answered, by method, route template (not the raw path) and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'billing_http_request_duration_seconds',
    help: 'Time from a request arriving to its response being sent, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  readonly idempotentReplays = new Counter({
    name: 'billing_idempotent_replays_total',
    help: 'Requests answered with the stored response of an earlier request with the same Idempotency-Key, by route template.',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  readonly deadlinesFired = new Counter({
    name: 'billing_deadlines_fired_total',
    help: 'Deadlines fired by this instance (the timelines holder), by kind and outcome (acted, no-op, rejected, error).',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly events = new Counter({
    name: 'billing_events_total',
    help: 'Stored events fed to the event bus by this instance, by type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly documentsIssued = new Counter({
    name: 'billing_documents_issued_total',
    help: 'Documents issued (DocumentIssued fed to the event bus by this instance), by kind.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly documentsWithheld = new Counter({
    name: 'billing_documents_withheld_total',
    help: 'Documents withheld (DocumentsWithheld fed to the event bus by this instance), by the rule that stopped them.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });

  readonly documentDeliveries = new Counter({
    name: 'billing_document_deliveries_total',
    help: 'Document delivery attempts by this instance (the delivery worker holder), by channel and outcome (delivered, skipped, failed).',
    labelNames: ['channel', 'outcome'] as const,
    registers: [this.registry],
  });

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text a scraper reads: this application's metrics and the process's own (CPU, memory, event loop, GC). */
  scrape(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }
}

let processRegistry: Registry | undefined;

/**
 * prom-client's gauges named `…_total`, which `promtool check metrics` refuses (only a counter may end in
 * `_total`). Each is the sum of the gauge of the same name without it, by type (`nodejs_active_handles{type}`),
 * so nothing is lost: `sum(nodejs_active_handles)`.
 */
const GAUGES_NAMED_AS_COUNTERS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/**
 * The Node process and runtime metrics (`process_*`, `nodejs_*`), collected once per process: they describe the
 * process, whatever applications run in it (tests and the simulation start many), and collectDefaultMetrics
 * installs GC and event-loop observers that are never removed.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    for (const name of GAUGES_NAMED_AS_COUNTERS) processRegistry.removeSingleMetric(name);
  }
  return processRegistry;
}
