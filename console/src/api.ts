/** The service's API as the console calls it: every request carries the key the person pasted. */

const KEY_STORAGE = 'billing-console.api-key';

export const savedKey = () => sessionStorage.getItem(KEY_STORAGE);
export const saveKey = (key: string) => sessionStorage.setItem(KEY_STORAGE, key);
export const forgetKey = () => sessionStorage.removeItem(KEY_STORAGE);

/** A problem+json answer (or a network failure) as the person should read it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function send(method: string, path: string, key = savedKey()): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${key ?? ''}`, accept: 'application/json' },
    });
  } catch (error) {
    throw new ApiError(0, 'NETWORK', `The service cannot be reached: ${(error as Error).message}`);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as {
      code?: string;
      title?: string;
      detail?: string;
    };
    throw new ApiError(
      response.status,
      body.code ?? `HTTP_${response.status}`,
      [body.title, body.detail].filter(Boolean).join(': ') || response.statusText,
    );
  }
  return response;
}

export async function getJson<T>(path: string, key?: string): Promise<T> {
  return (await (await send('GET', path, key)).json()) as T;
}

export async function postJson<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${savedKey() ?? ''}`,
      accept: 'application/json',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => ({}))) as T & {
    title?: string;
    detail?: string;
    code?: string;
  };
  if (!response.ok)
    throw new ApiError(
      response.status,
      answer.code ?? `HTTP_${response.status}`,
      [answer.title, answer.detail].filter(Boolean).join(': '),
    );
  return answer;
}

/** A file the API serves (a PDF, an XML) as a blob URL: an <iframe> or a link cannot send the key itself. */
export async function getBlobUrl(path: string): Promise<{ url: string; type: string; size: number }> {
  const blob = await (await send('GET', path)).blob();
  return { url: URL.createObjectURL(blob), type: blob.type, size: blob.size };
}

export const query = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  const text = search.toString();
  return text ? `?${text}` : '';
};

// ── What the routes answer (only the fields the console shows) ─────────────────────────────────────

export interface Whoami {
  name: string;
  role?: string;
  scopes: string[];
}

export interface AccountRow {
  accountId: string;
  status: string;
  statusSince: string;
  profileId: string;
  region: string;
  payerType: string;
  currency: string;
  balance: string;
  debt: string;
  openedAt: string;
}

export interface ProfileOverview {
  id: string;
  name: string;
  version: number;
  availableIn: Array<{ region: string; residency: string; currency: string }>;
}

export interface AccountSummary {
  accountId: string;
  asOf: string;
  basis: string;
  currency: string;
  payerType: string;
  profile: { id: string; version: number };
  period: { id: string; startsAt: string; endsAt: string };
  status: { value: string; since: string; reason: string | null; why: string | null };
  providerStatus: string;
  paymentMethod: string;
  balance: string;
  creditLimit: string;
  availableFunds: string;
  debt: string;
  grants: Array<{ grantId: string; kind?: string; remaining?: string; amount?: string; expiresAt?: string }>;
  openBills: Array<{
    billId: string;
    amount?: string;
    outstanding?: string;
    dueAt?: string;
    dueDate?: string;
  }>;
  outstandingBills: string;
  nextDeadlines: Array<{ kind: string; dueAt: string; periodId?: string; billId?: string }>;
}

export interface AuditEvent {
  position: string;
  streamId: string;
  revision: number;
  eventId: string;
  type: string;
  data: unknown;
  metadata: { actor?: string; recordedAt?: string; effectiveAt?: string; correlationId?: string };
  storedAt: string;
}

export interface DocumentRow {
  number: string;
  kind: string;
  date: string;
  periodId: string;
  totals: { net: string; vat: string; gross: string };
}

export interface Verification {
  accountId: string;
  intact: boolean;
  streams: Array<{
    streamId: string;
    events: number;
    intact: boolean;
    firstBreak?: { streamId: string; revision: number; eventId: string; problem: string };
    tampering?: Array<{ kind?: string; detail?: string }>;
  }>;
}

export interface ProjectionReport {
  name: string;
  kind: 'projection' | 'worker';
  state: string;
  holder: string | null;
  position: string | null;
  head: string | null;
  lagPositions: number;
  lagSeconds: number;
  eventsApplied: number;
  lastError: {
    message: string;
    eventId?: string;
    eventType?: string;
    position?: string;
    streamId?: string;
  } | null;
  notes?: string[];
  rebuild: { requestId: string; state: string; progress: number } | null;
}

export interface ProjectionRequest {
  id: string;
  name: string;
  kind: string;
  state: string;
  requestedBy: string;
  detail: { error?: string; comparison?: { identical: boolean } };
}

export interface ClockView {
  kind: 'system' | 'virtual';
  now: string;
  fired?: Array<{ id: string; dueAt: string; outcome: string }>;
}

/** An event a derivation cites: enough to find it in the log (and in the timeline). */
export interface EventReference {
  eventId: string;
  stream: string;
  revision: number;
  position: string;
  effectiveAt: string | null;
  recordedAt: string;
}

/** GET /v1/audit/accounts/:id/balance-derivation: opening + movements = balance. */
export interface BalanceDerivation {
  accountId: string;
  asOf: string;
  basis: string;
  currency: string;
  periodId: string | null;
  opening: {
    balance: string;
    event: EventReference | null;
    carriedBy: (EventReference & { closingBalance: string }) | null;
  };
  movements: Array<{ type: string; amount: string; balanceAfter: string; event: EventReference }>;
  sum: string;
  balance: string;
  reconciles: boolean;
}

interface Totals {
  net: string;
  vat: string;
  gross: string;
}

/** GET /v1/audit/documents/:number/derivation: a closing document's figures down to its usage records. */
export interface DocumentDerivation {
  document: {
    number: string;
    kind: string;
    documentId: string;
    accountId: string;
    periodId: string;
    date: string;
    currency: string;
    issuedBy: EventReference;
    totals: Totals;
  };
  usage: Array<{
    usageRecordId: string;
    service: string;
    sku: string;
    unit: string;
    quantity: string;
    catalogVersion: string;
    ratedAmount?: string;
    amount: string;
    fromGrants: Array<{ grantId: string; amount: string }>;
    fromBalance: string;
    excluded: string;
    documented: string;
    price?: {
      segments: Array<{ tier: number; quantity: string; unitPrice: string; amount: string }>;
      rated: string;
      matchesRecord: boolean;
    };
    event: EventReference;
    lines: number[];
  }>;
  services: Array<{
    service: string;
    exact: string;
    rounded: string;
    confirmedEarlier: string;
    gross: string;
    allocation: Array<{
      sku: string;
      quantity: string;
      weight: string;
      exactShare: string;
      allocated: string;
    }> | null;
  }>;
  lines: Array<{
    line: number;
    description: string;
    sku: string | null;
    quantity: string | null;
    vatRate: string;
    gross: string;
    vatExact: string;
    vat: string;
    net: string;
    issued: Totals;
    matches: boolean;
  }>;
  totals: { sumOfLines: Totals; issued: Totals; amountDue: string; matches: boolean };
  reconciles: boolean;
}
