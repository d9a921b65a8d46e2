import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import Big from 'big.js';
import playwright, { type Browser, type Page } from 'playwright-core';
import { hashApiKey } from '../../src/platform/http/auth/api-keys.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { defineEventSqlFunctions } from '../../src/platform/event-store/sqlite/event-sql.js';
import { KEYS } from '../support/api.js';
import { startService, type Service } from '../support/service-process.js';

/**
 * The console in real Chromium (Debian's, never a downloaded one) against the real service on a fresh store
 * and a test clock: one test per screen, clicking through as a person would and reading what they see.
 * One browser for the suite, one page reused; a screenshot per screen under test-results/console/.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const shots = join(root, 'test-results', 'console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The machine is shared: a generous bound for a test, never an assertion about its speed. */
const TEST_TIMEOUT = 90_000;
/** A key that may read but not audit: it must see no "explain" anywhere. */
const READER_KEY = 'reader-key';

let dir: string;
let service: Service;
let browser: Browser;
let page: Page;

async function call(key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${service.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A legal entity on EDM: 5 000 topped up, 1 100 consumed on 10 March, March closed by the test clock. */
async function seed() {
  const S = KEYS.service;
  await call(S, 'POST', '/v1/accounts', {
    accountId: 'romashka',
    payerType: 'legal-entity',
    region: 'ru-moscow',
    residency: 'resident',
    edm: true,
    contract: 'individual-contract',
    paymentScheme: 'postpaid',
    profileId: 'yc-legal-credit',
    legalDetails: { name: 'ООО «Ромашка»', taxId: '7707083893', kpp: '773601001', address: 'Москва' },
  });
  await call(S, 'POST', '/v1/accounts/romashka/top-ups', {
    paymentId: 'p-romashka-1',
    amount: '5000',
    currency: 'RUB',
    channel: 'bank-transfer',
  });
  // An individual whose history the audit test tampers with (romashka's stays intact for the other screens).
  await call(S, 'POST', '/v1/accounts', {
    accountId: 'vektor',
    payerType: 'individual',
    region: 'ru-moscow',
    residency: 'resident',
    contract: 'public-offer',
    paymentScheme: 'prepaid',
    profileId: 'vk-individual-prepaid',
  });
  await call(S, 'POST', '/v1/accounts/vektor/top-ups', {
    paymentId: 'p-vektor-1',
    amount: '300',
    currency: 'RUB',
    channel: 'card',
  });
  await call(KEYS.ops, 'POST', '/v1/ops/clock/advance', { to: '2026-03-10T12:00:00+03:00' });
  await call(S, 'POST', '/v1/accounts/romashka/usage', {
    usageRecordId: 'vm-42-2026-03-10T10',
    sku: 'compute.vcpu.hour',
    quantity: '1000',
    windowStart: '2026-03-10T10:00:00+03:00',
    windowEnd: '2026-03-10T11:00:00+03:00',
  });
  await call(KEYS.ops, 'POST', '/v1/ops/clock/advance', { to: '2026-04-01T09:00:00+03:00' });
}

async function signIn(key: string) {
  // A fresh tab's worth of session: the key of the previous test is forgotten, on a page of the same origin
  // that runs no console (the console, loading, would save the key it re-checks again).
  await page.goto(`${service.baseUrl}/health`);
  await page.evaluate(() => sessionStorage.clear());
  await page.goto(`${service.baseUrl}/console/`);
  await page.locator('input[name=apiKey]').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // The key is kept only once /v1/whoami has answered: going anywhere before that would land on the login
  // form again (the race a loaded CI machine lost). Signed in shows the navigation, refused shows the alert.
  await page.getByRole('navigation').or(page.getByRole('alert')).waitFor();
}

const text = async (testId: string) => (await page.getByTestId(testId).innerText()).trim();
const screenshot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
/** An amount as the console shows it ("-1 100.00 RUB") as a decimal, to add up without a float. */
const amountOf = (shown: string) => new Big(shown.replace(/ RUB$/, '').replace(/\s/g, ''));
const sumOf = (shown: string[]) => shown.reduce((sum, amount) => sum.plus(amountOf(amount)), new Big(0));
const rowOf = (table: string, cell: string) =>
  page
    .getByTestId(table)
    .locator('tbody tr')
    .filter({ has: page.getByRole('cell', { name: cell, exact: true }) });

beforeAll(async () => {
  // Built as `npm run build` builds it (skipped when console/ is unchanged since the last build).
  const build = spawnSync(process.execPath, [join(root, 'scripts', 'build-console.mjs')], {
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`the console build failed: ${build.stderr}${build.stdout}`);
  mkdirSync(shots, { recursive: true });
  dir = mkdtempSync(join(tmpdir(), 'console-'));
  service = await startService(join(dir, 'data'), {
    CLOCK: 'virtual:2026-03-01T09:00:00+03:00',
    API_KEYS: [
      `test-service:service:${hashApiKey(KEYS.service)}`,
      `test-ops:ops:${hashApiKey(KEYS.ops)}`,
      `test-auditor:auditor:${hashApiKey(KEYS.auditor)}`,
      `test-reader:read:${hashApiKey(READER_KEY)}`,
    ].join(','),
  });
  await seed();
  browser = await playwright.chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // A locator that never appears fails its test with what it waited for, well within the test's own limit.
  page.setDefaultTimeout(20_000);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  service?.child.kill('SIGTERM');
  await service?.exited;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the console in Chromium', () => {
  it(
    'a bad key shows an error and no screen',
    async () => {
      await signIn('not-a-key');
      expect(await page.getByRole('alert').innerText()).toBe('This API key is not valid.');
      expect(await page.getByRole('navigation').count()).toBe(0);
      expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
      await screenshot('login-bad-key');
    },
    TEST_TIMEOUT,
  );

  it(
    'accounts: lists them with balance and debt, filters by payer, opens one',
    async () => {
      await signIn(KEYS.ops);
      const romashka = rowOf('accounts', 'romashka');
      await romashka.waitFor();
      expect(await romashka.locator('td').allInnerTexts()).toEqual([
        'romashka',
        'active',
        '2026-03-01 06:00:00 UTC',
        'legal-entity',
        'yc-legal-credit',
        'ru-moscow',
        '3 900.00 RUB',
        '0.00 RUB',
        '2026-03-01 06:00:00 UTC',
      ]);
      expect(await rowOf('accounts', 'vektor').count()).toBe(1);
      // Search by id prefix, then filter by payer type and profile: only the legal entity is left.
      await page.locator('input[name=q]').fill('vek');
      await page.getByRole('button', { name: 'Search' }).click();
      await romashka.waitFor({ state: 'detached' });
      expect(await page.getByTestId('accounts').locator('tbody tr td:first-child').allInnerTexts()).toEqual([
        'vektor',
      ]);
      await page.locator('input[name=q]').fill('');
      await page.locator('select[name=profile]').selectOption('yc-legal-credit');
      await page.locator('select[name=payerType]').selectOption('legal-entity');
      await page.getByRole('button', { name: 'Search' }).click();
      await rowOf('accounts', 'vektor').waitFor({ state: 'detached' });
      expect(await page.getByTestId('accounts').locator('tbody tr').count()).toBe(1);
      await screenshot('accounts');
      await page.getByRole('link', { name: 'romashka' }).click();
      expect(await text('account-id')).toBe('romashka');
      expect(new URL(page.url()).pathname).toBe('/console/accounts/romashka');
    },
    TEST_TIMEOUT,
  );

  it(
    'account: status, money, deadlines, documents with PDF and XML, the timeline, and as of a past time',
    async () => {
      await signIn(KEYS.ops);
      await page.goto(`${service.baseUrl}/console/accounts/romashka`);
      await page.getByTestId('summary').waitFor();
      expect(await text('status')).toBe('active');
      expect(await text('balance')).toBe('3 900.00 RUB');
      expect(await text('available')).toBe('3 900.00 RUB');
      expect(await text('debt')).toBe('0.00 RUB');
      expect(await text('deadlines')).toBe('period-close 2026-04: 2026-04-30 21:00:00 UTC');

      const act = rowOf('documents', 'RU-MOSCOW-LLC-2026-000001');
      await act.waitFor();
      expect(await act.locator('td').allInnerTexts()).toEqual([
        'RU-MOSCOW-LLC-2026-000001',
        'act',
        '2026-03-31',
        '2026-03',
        '901.64',
        '198.36',
        '1 100.00',
        'explain',
        'PDF',
      ]);
      // The VAT invoice has the tax service's XML (the account is on EDM); an act has none.
      const invoice = rowOf('documents', 'RU-MOSCOW-LLC-2026-000002');
      await invoice.getByRole('link', { name: 'XML' }).waitFor();
      expect(await invoice.getByRole('link', { name: 'XML' }).getAttribute('download')).toBe(
        'RU-MOSCOW-LLC-2026-000002.xml',
      );
      expect(await act.getByRole('link', { name: 'XML' }).count()).toBe(0);
      await act.getByRole('button', { name: 'PDF' }).click();
      expect(await text('pdf-caption')).toMatch(
        /^RU-MOSCOW-LLC-2026-000001 · PDF, \d+ KB · open in a new tab$/,
      );
      expect(await page.locator('iframe.pdf').getAttribute('src')).toMatch(/^blob:/);

      // The timeline: who did what, effective and recorded times. Log positions 1 and 2 are the price list
      // seeded on first start, so the account's opening is the third event of the log.
      const opened = rowOf('timeline', '3');
      await opened.waitFor();
      const [position, type, stream, actor, effective, recorded] = await opened.locator('td').allInnerTexts();
      expect([position, type, stream, actor, effective, recorded]).toEqual([
        '3',
        'AccountOpened',
        'account-romashka r0',
        'service:test-service',
        '2026-03-01 06:00:00 UTC',
        '2026-03-01 06:00:00 UTC',
      ]);
      const types = await page.getByTestId('timeline').locator('tbody tr summary').allInnerTexts();
      expect(types).toEqual(expect.arrayContaining(['FundsDeposited', 'ResourceConsumed', 'PeriodClosed']));
      await screenshot('account');

      // As of 5 March: before the consumption of 10 March, the whole top-up was there.
      await page.locator('input[name=asOf]').fill('2026-03-05T00:00');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.getByTestId('balance').filter({ hasText: '5 000.00 RUB' }).waitFor();
      expect(new URL(page.url()).searchParams.get('asOf')).toBe('2026-03-05T00:00:00Z');
      expect(await page.getByTestId('summary').innerText()).toContain(
        'as of 2026-03-05 00:00:00 UTC (effective)',
      );
      await screenshot('account-as-of');
    },
    TEST_TIMEOUT,
  );

  it(
    'explain (audit scope): the balance as opening + movements, a document down to its usage records',
    async () => {
      await signIn(KEYS.auditor);
      await page.goto(`${service.baseUrl}/console/accounts/romashka`);
      await page.getByTestId('summary').waitFor();
      const balance = await text('balance');
      expect(balance).toBe('3 900.00 RUB');

      // Now: the April opening, carried out of March by its PeriodClosed, and nothing moved since.
      await page.getByRole('button', { name: 'explain the balance' }).click();
      const derivation = page.getByTestId('balance-derivation');
      await page.getByTestId('derivation-verdict').waitFor();
      expect(await text('carried-by')).toMatch(
        /^carried out of ledger-romashka@2026-03 by PeriodClosed [0-9a-f-]{36} \(closing balance 3 900\.00 RUB\)$/,
      );
      expect(sumOf(await derivation.getByTestId('amount').allInnerTexts()).eq(amountOf(balance))).toBe(true);
      expect(await text('derivation-verdict')).toBe('= balance 3 900.00 RUB');

      // As of 12 March (after the consumption of the 10th): March's opening and its movements.
      await page.locator('input[name=asOf]').fill('2026-03-12T00:00');
      await page.getByRole('button', { name: 'Show' }).click();
      await page.getByTestId('summary').filter({ hasText: 'as of 2026-03-12 00:00:00 UTC' }).waitFor();
      const asOfBalance = await text('balance');
      await page.getByRole('button', { name: 'explain the balance' }).click();
      await page.getByTestId('derivation-verdict').waitFor();
      expect(await page.getByTestId('balance-explain').locator('h2').innerText()).toBe(
        'Balance as of 2026-03-12 00:00:00 UTC (effective): how it adds up',
      );
      const movements = derivation.getByTestId('movement');
      expect(await movements.locator('td:first-child').allInnerTexts()).toEqual([
        'FundsDeposited',
        'ResourceConsumed',
      ]);
      expect(await derivation.getByTestId('opening').getByTestId('event-id').innerText()).toMatch(
        /^[0-9a-f-]{36}$/,
      );
      const amounts = await derivation.getByTestId('amount').allInnerTexts();
      expect(amounts).toEqual(['0.00 RUB', '5 000.00 RUB', '-1 100.00 RUB']);
      expect(sumOf(amounts).eq(amountOf(asOfBalance))).toBe(true);
      expect(await text('derivation-sum')).toBe(asOfBalance);
      await screenshot('explain-balance');

      // The act: its lines re-add to the total the documents table shows, down to the usage record's event.
      await page.getByRole('button', { name: 'Now' }).click();
      const act = rowOf('documents', 'RU-MOSCOW-LLC-2026-000001');
      await act.waitFor();
      const gross = (await act.locator('td').allInnerTexts())[6]!;
      await act.getByRole('button', { name: 'explain RU-MOSCOW-LLC-2026-000001' }).click();
      await page.getByTestId('derivation-reconciles').waitFor();
      expect(sumOf(await page.getByTestId('line-gross').allInnerTexts()).eq(amountOf(gross))).toBe(true);
      expect(await text('lines-gross')).toBe(gross);
      expect(await text('issued-totals')).toBe('901.64 / 198.36 / 1 100.00');
      expect(await text('derivation-reconciles')).toBe(
        'Reconciled: every line and the totals equal the issued ones; amount due 1 100.00 RUB.',
      );
      const { events } = (await call(
        KEYS.auditor,
        'GET',
        '/v1/audit/accounts/romashka/events?limit=100',
      )) as {
        events: Array<{ eventId: string; type: string; data: { usageRecordId?: string } }>;
      };
      const consumed = events.find(
        (e) => e.type === 'ResourceConsumed' && e.data.usageRecordId === 'vm-42-2026-03-10T10',
      )!;
      const record = rowOf('derivation-usage', 'vm-42-2026-03-10T10');
      expect(await record.getByTestId('event-id').innerText()).toBe(consumed.eventId);
      // The CSV: fetched with the key, saved as a file; the same usage record and its event inside.
      const csv = page.getByTestId('derivation-csv');
      expect(await csv.getAttribute('download')).toBe('RU-MOSCOW-LLC-2026-000001-derivation.csv');
      const csvText = await page.evaluate(
        async (url) => (await fetch(url)).text(),
        (await csv.getAttribute('href'))!,
      );
      expect(csvText.split('\n')[0]).toMatch(/^section,line,eventId,/);
      expect(csvText).toContain(`usage,1,${consumed.eventId},`);
      await screenshot('explain-document');
    },
    TEST_TIMEOUT,
  );

  it(
    'a key without audit (read only) sees no explain control',
    async () => {
      await signIn(READER_KEY);
      expect(await text('who')).toBe('test-reader · read');
      await page.goto(`${service.baseUrl}/console/accounts/romashka`);
      await page.getByTestId('summary').waitFor();
      await rowOf('documents', 'RU-MOSCOW-LLC-2026-000001').waitFor();
      expect(await text('balance')).toBe('3 900.00 RUB');
      expect(await page.locator('[data-explain]').count()).toBe(0);
      expect(await page.getByRole('button', { name: /explain/ }).count()).toBe(0);
      // The same page for the auditor has them: the absence above is the scope, not a page that did not load.
      await signIn(KEYS.auditor);
      await page.goto(`${service.baseUrl}/console/accounts/romashka`);
      await rowOf('documents', 'RU-MOSCOW-LLC-2026-000001').waitFor();
      // The sections render independently: wait for the explain controls before counting them.
      await page.locator('[data-explain]').nth(2).waitFor({ state: 'attached' });
      expect(await page.locator('[data-explain]').count()).toBeGreaterThanOrEqual(3);
    },
    TEST_TIMEOUT,
  );

  it(
    'ops: projections with lag, a replay followed to done, the test clock advanced, then a poison event',
    async () => {
      await signIn(KEYS.ops);
      await page.getByRole('link', { name: 'Ops' }).click();
      const documents = page.getByTestId('projections').locator('tr[data-name=documents]');
      await documents.waitFor();
      const cells = await documents.locator('td').allInnerTexts();
      expect(cells.slice(0, 3)).toEqual(['documents', 'projection', 'live']);
      expect(cells[5]).toBe('0');
      expect(await page.getByTestId('projections').locator('tbody tr').count()).toBeGreaterThanOrEqual(6);
      expect(await text('poison')).toBe('None: every projection applies every event.');

      await documents.getByRole('button', { name: 'Replay' }).click();
      await page.getByTestId('request').filter({ hasText: 'done' }).waitFor();
      expect(await text('request')).toBe(
        'replay of documents by ops:test-ops: done (identical to the live build)',
      );

      expect(await text('clock')).toBe('Test clock: 2026-04-01 06:00:00 UTC');
      await page.locator('input[name=clockTo]').fill('2026-04-02T00:00');
      await page.getByRole('button', { name: 'Advance' }).click();
      await page.getByTestId('clock').filter({ hasText: '2026-04-02 00:00:00 UTC' }).waitFor();
      expect(await text('fired')).toBe('No deadline was due.');

      // Another process appends a payment for a bill never issued to vektor's ledger: the balances
      // projection cannot apply it and stops there (the service picks up other processes' appends).
      const store = SqliteEventStore.open({ path: join(dir, 'data', 'events.sqlite') });
      const { position } = await store.append('ledger-vektor@2026-04', [
        {
          id: randomUUID(),
          type: 'BillPaymentApplied',
          data: {
            billId: 'no-such-bill',
            paymentId: 'p-none',
            amount: '1',
            remaining: '0',
            fullyPaid: true,
            at: '2026-04-01T12:00:00Z',
          },
        },
      ]);
      await store.close();
      const poison = rowOf('poison', 'account-balances');
      // The screen shows what the service reports when asked again (Refresh), as a person would click.
      while (!(await poison.count())) {
        await Promise.all([
          page.waitForResponse((response) => response.url().endsWith('/v1/ops/projections')),
          page.getByRole('button', { name: 'Refresh' }).click(),
        ]);
      }
      const [, event, stream, at, error] = await poison.locator('td').allInnerTexts();
      expect([event!.split(' ')[0], stream, at]).toEqual([
        'BillPaymentApplied',
        'ledger-vektor@2026-04',
        position.toString(),
      ]);
      expect(error).toMatch(/never issued/);
      const balances = page.getByTestId('projections').locator('tr[data-name=account-balances]');
      expect(await balances.getByRole('button', { name: 'Resume' }).count()).toBe(1);
      await screenshot('ops');
    },
    TEST_TIMEOUT,
  );

  it(
    'an auditor (read, audit) sees no write control and no ops screen',
    async () => {
      await signIn(KEYS.auditor);
      expect(await text('who')).toBe('test-auditor · read, audit');
      expect(await page.getByRole('navigation').getByRole('link').allInnerTexts()).toEqual([
        'Accounts',
        'Audit',
      ]);
      await page.goto(`${service.baseUrl}/console/accounts/romashka`);
      await page.getByTestId('timeline').locator('tbody tr').first().waitFor();
      expect(await page.locator('[data-write]').count()).toBe(0);
      // The ops screen by its address: the accounts screen instead, still with no write control.
      await page.goto(`${service.baseUrl}/console/ops`);
      await page.getByRole('heading', { name: 'Accounts' }).waitFor();
      expect(await page.getByRole('heading', { name: 'Ops' }).count()).toBe(0);
      expect(await page.locator('[data-write]').count()).toBe(0);
      await screenshot('auditor');
    },
    TEST_TIMEOUT,
  );

  it(
    'audit: an intact chain, then the first bad event of a history changed in the store',
    async () => {
      await signIn(KEYS.auditor);
      await page.getByRole('link', { name: 'Audit' }).click();
      await page.locator('input[name=verifyAccountId]').fill('romashka');
      await page.getByRole('button', { name: 'Verify hash chain' }).click();
      expect(await text('verdict')).toMatch(/^Intact: \d+ events in 4 streams, every hash matches\.$/);

      // Someone edits vektor's top-up in the database behind the service's back.
      // Compact rows keep the data as a binary record: event_data(data, body) gives its JSON (event-store.md).
      const db = new DatabaseSync(join(dir, 'data', 'events.sqlite'));
      defineEventSqlFunctions(db);
      db.exec(
        `UPDATE events SET data = json_set(event_data(data, body), '$.amount', '30000') WHERE stream_id LIKE 'ledger-vektor@%' AND type = 'FundsDeposited'`,
      );
      db.close();
      await page.locator('input[name=verifyAccountId]').fill('vektor');
      await page.getByRole('button', { name: 'Verify hash chain' }).click();
      await page.getByTestId('verdict').filter({ hasText: 'Tampered' }).waitFor();
      expect(await text('verdict')).toBe(
        'Tampered: the history of this account was changed after it was written.',
      );
      const firstBreak = await text('first-break');
      expect(firstBreak).toContain('ledger-vektor@2026-03');
      expect(firstBreak).toMatch(/Revision\s+1\s/);
      expect(firstBreak).toMatch(/Problem\s+edited$/);
      await screenshot('audit');
    },
    TEST_TIMEOUT,
  );
});
