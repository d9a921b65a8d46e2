import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runScenario, type Scenario, type TimelineLine } from '../../src/simulation/scenario.js';

const dir = fileURLToPath(new URL('../../docs/scenarios/', import.meta.url));
const load = (name: string) => JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as Scenario;
const whats = (lines: TimelineLine[]) => lines.map((l) => l.what);

describe('docs/scenarios reproduce the seed pages’ cycles', () => {
  it('has one scenario per built-in profile', () => {
    const names = readdirSync(dir).map((f) => f.replace('.json', ''));
    for (const profile of [
      'vk-individual-prepaid',
      'vk-legal-prepaid',
      'vk-legal-postpaid',
      'yc-legal-prepaid',
      'yc-legal-credit',
    ]) {
      expect(names).toContain(profile);
    }
  });

  it('vk-individual-prepaid: frozen in the charge, objects queued 7 days later, unfrozen by a top-up', async () => {
    const { lines, rejected } = await runScenario(load('vk-individual-prepaid'));
    const frozen = lines.find((l) => l.what === 'account frozen')!;
    expect(lines[lines.indexOf(frozen) - 1]!.what).toBe('usage');
    expect(lines.find((l) => l.what === 'frozen objects queued for deletion')!.at).toBe(
      '2026-03-15T09:00:00.000Z',
    );
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toContain('ACCOUNT_FROZEN');
    expect(whats(lines)).toContain('account unfrozen');
  });

  it('vk-individual-prepaid-auto-top-up: a refused request leaves the freeze; the retry an hour later is charged and unfreezes', async () => {
    const { lines, rejected } = await runScenario(load('vk-individual-prepaid-auto-top-up'));
    expect(rejected).toEqual([]);
    const story = lines
      .filter((l) => l.at >= '2026-03-05')
      .map((l) => `${l.at.slice(0, 16)} ${l.what}: ${l.detail}`);
    expect(story).toEqual([
      '2026-03-05T09:00 usage: 920 compute.vcpu.hour = 1012 (grants —) → balance -12',
      '2026-03-05T09:00 account frozen: balance -12, deleteObjectsAt 2026-03-12T09:00:00.000Z, everPaid true',
      '2026-03-05T09:00 auto top-up asked: olga-atu-1 (attempt 1): 500 RUB, balance -12',
      '2026-03-05T09:00 auto top-up failed: olga-atu-1: card declined, asked again at 2026-03-05T10:00:00.000Z',
      '2026-03-05T10:00 auto top-up asked: olga-atu-2 (attempt 2): 500 RUB, balance -12',
      '2026-03-05T10:00 top-up: +500 (auto-top-up) → balance 488',
      '2026-03-05T10:00 account unfrozen: balance 488',
      '2026-03-07T09:00 usage: 360 compute.vcpu.hour = 396 (grants —) → balance 92',
      '2026-03-07T09:00 auto top-up asked: olga-atu-3 (attempt 1): 500 RUB, balance 92',
      '2026-03-07T09:00 top-up: +500 (auto-top-up) → balance 592',
    ]);
  });

  it('yc-legal-prepaid-top-up-bill: a bill asked for, numbered, paid by bank transfer onto the balance; never a debt', async () => {
    const { lines, rejected } = await runScenario(load('yc-legal-prepaid-top-up-bill'));
    const story = lines
      .filter((l) => l.at >= '2026-03-02')
      .map((l) => `${l.at.slice(0, 16)} ${l.what}: ${l.detail}`);
    expect(story).toEqual([
      // The request resent five minutes later is a retry: one bill, one document.
      '2026-03-02T08:00 top-up bill: vector-tb-1 for 5000, due 2026-03-16',
      '2026-03-02T08:00 document: top-up bill RU-MOSCOW-LLC-BILL-2026-000001 dated 2026-03-02: to pay 5000.00, due 2026-03-16',
      '2026-03-04T12:00 top-up: +5000 (bank-transfer) → balance 5000',
      '2026-03-04T12:00 top-up bill paid: vector-tb-1: 5000, in full',
      '2026-03-10T09:00 usage: 2000 compute.vcpu.hour = 2200 (grants —) → balance 2800',
      '2026-03-31T21:00 period closed: 2026-03 consumption 2200, grants 0, closing 2800',
      '2026-03-31T21:00 period opened: 2026-04 balance 2800',
      // The bill's own series: the act and the invoice are the year's first accounting documents.
      '2026-03-31T21:00 document: act RU-MOSCOW-LLC-2026-000001 dated 2026-03-31: 2200.00 (VAT 396.72)',
      '2026-03-31T21:00 document: vat-invoice RU-MOSCOW-LLC-2026-000002 dated 2026-03-31: 2200.00 (VAT 396.72)',
    ]);
    expect(rejected).toEqual([
      expect.stringContaining('BILL_NOT_OPEN: Bill vector-tb-1 is already paid in full'),
    ]);
  });

  it('yc-legal-corrections-refund-closure: late usage gets corrective documents, a service credit does not, refunds go back to the payment, the closed account is deleted', async () => {
    const { lines, rejected } = await runScenario(load('yc-legal-corrections-refund-closure'));
    expect(rejected).toEqual([]);
    const story = lines
      .filter((l) => l.at >= '2026-04-03' && l.what !== 'deletion deferred')
      .map((l) => `${l.at.slice(0, 16)} ${l.what}: ${l.detail}`);
    expect(story.slice(0, -1)).toEqual([
      '2026-04-03T06:00 correction (late-usage): 2026-03 compute.vcpu.hour +110 (simulation: late usage) → balance 8790',
      '2026-04-03T06:00 document: corrective-act RU-MOSCOW-LLC-2026-000003 dated 2026-04-03 to RU-MOSCOW-LLC-2026-000001 of 2026-03-31: increase 110.00 (VAT 19.84), decrease 0.00 (VAT 0.00)',
      '2026-04-03T06:00 document: corrective-vat-invoice RU-MOSCOW-LLC-2026-000004 dated 2026-04-03 to RU-MOSCOW-LLC-2026-000002 of 2026-03-31: increase 110.00 (VAT 19.84), decrease 0.00 (VAT 0.00)',
      '2026-04-04T09:00 usage: 200 compute.vcpu.hour = 220 (grants —) → balance 8570',
      '2026-04-05T09:00 correction (adjustment): 2026-03 Cloud Compute -500 (ops:simulation: SLA breach on 12 March) → balance 9070',
      // A service credit (ops' 'internal' money): it lowers what is owed, not the documented price.
      // A void of the open period's own record: no corrective document, its closing documents include it.
      '2026-04-06T09:00 correction (usage-voided): 2026-04 compute.vcpu.hour -220 (ops:simulation: metered twice) → balance 9290',
      '2026-04-10T09:00 refund requested: rf-1: 1000 to pp-1 (bank-transfer) 1000 → balance 8290',
      '2026-04-10T09:00 refund completed: rf-1 pp-1',
      '2026-04-15T09:00 closure requested: by simulation: moving to another provider',
      '2026-04-15T09:00 period closed: 2026-04 consumption 0, grants 0, closing 8290',
      // The final period's stream ends at the closure instant: the paid money left is refunded once May
      // begins; the service credit is never refunded and is forfeited at the deletion.
      '2026-05-01T09:00 period opened: 2026-05 balance 8290',
      '2026-05-01T09:00 refund requested: lesnaya-closure: 7790 to pp-1 (bank-transfer) 7790 → balance 500',
      '2026-05-01T09:00 refund completed: lesnaya-closure pp-1',
    ]);
    expect(story.at(-1)).toMatch(
      /^2026-05-02T09:00 account deleted: reason closed at the customer’s request/,
    );
  });

  it('vk-legal-prepaid: never paid, so objects are queued 3 days after freezing', async () => {
    const { lines } = await runScenario(load('vk-legal-prepaid'));
    expect(lines.find((l) => l.what === 'account frozen')!.detail).toContain('everPaid false');
    expect(lines.find((l) => l.what === 'frozen objects queued for deletion')!.at).toBe(
      '2026-03-09T09:00:00.000Z',
    );
  });

  it('vk-legal-postpaid: never frozen; billed at the period end, due 14 days later, paid', async () => {
    const { lines } = await runScenario(load('vk-legal-postpaid'));
    expect(whats(lines)).not.toContain('account frozen');
    expect(lines.find((l) => l.what === 'bill')!.detail).toBe('period 2310, due 2026-04-14');
    expect(lines.find((l) => l.what === 'bill paid')!.detail).toBe('2310 → remaining 0');
  });

  it('yc-legal-prepaid: grant first, then notices, suspension, penalties and restoration on full payment', async () => {
    const { lines } = await runScenario(load('yc-legal-prepaid'));
    const order = whats(lines).filter((w) =>
      ['payment required', 'notice', 'account suspended', 'account restored'].includes(w),
    );
    expect(order).toEqual([
      'payment required',
      'notice',
      'notice',
      'notice',
      'account suspended',
      'account restored',
    ]);
    expect(whats(lines)).toContain('penalty');
  });

  it('yc-legal-prepaid-deleted: blocked 60 days after suspension and personal data deleted', async () => {
    const { lines } = await runScenario(load('yc-legal-prepaid-deleted'));
    const suspended = lines.find((l) => l.what === 'account suspended')!;
    const blocked = lines.find((l) => l.what === 'account blocked')!;
    expect(Date.parse(blocked.at) - Date.parse(suspended.at)).toBe(60 * 86_400_000);
    expect(lines.at(-1)!.what === 'account deleted' || whats(lines).includes('account deleted')).toBe(true);
  });

  it('yc-trial: the charge that uses up the grant suspends the account; deleted 60 days later without an upgrade', async () => {
    const { lines, rejected } = await runScenario(load('yc-trial'));
    const suspended = lines.find((l) => l.what === 'account suspended')!;
    expect(suspended.detail).toContain('reason trial-ended');
    expect(suspended.at).toBe('2026-03-04T09:00:00.000Z');
    expect(rejected.join()).toContain('ACCOUNT_SUSPENDED');
    const blocked = lines.find((l) => l.what === 'account blocked')!;
    expect(Date.parse(blocked.at) - Date.parse(suspended.at)).toBe(60 * 86_400_000);
    expect(whats(lines)).toContain('account deleted');
  });

  it('yc-legal-credit: mid-period bill due in 2 days, suspension the day after, restoration on payment', async () => {
    const { lines } = await runScenario(load('yc-legal-credit'));
    expect(lines.find((l) => l.what === 'bill')!.detail).toBe('mid-period 1200, due 2026-03-07');
    expect(lines.find((l) => l.what === 'account suspended')!.at).toBe('2026-03-07T21:00:00.000Z');
    expect(whats(lines)).toContain('account restored');
    // The bill leaves 2.5 days: no 7- or 3-day notice claiming more, one notice at once with the real time left.
    const suspension = '(2026-03-07T21:00:00.000Z)';
    expect(
      lines.filter((l) => l.what === 'notice' && l.detail.endsWith(suspension)).map((l) => [l.at, l.detail]),
    ).toEqual([
      ['2026-03-05T09:00:00.000Z', `suspension in 2 days 12 hours ${suspension}`],
      ['2026-03-07T21:00:00.000Z', `suspension now ${suspension}`],
    ]);
  });
});
