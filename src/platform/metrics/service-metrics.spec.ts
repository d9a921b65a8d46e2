import { promtoolCheckMetrics, sample } from '../../../test/support/metrics.js';
import { ServiceMetrics } from './service-metrics.js';

describe('the service metrics', () => {
  it('escapes label values: a quote, a backslash and a line break stay inside their label', async () => {
    const metrics = new ServiceMetrics();
    metrics.documentsWithheld.inc({ code: 'A "quoted"\\path\nnext line' });
    const text = await metrics.scrape();
    expect(sample(text, 'billing_documents_withheld_total{code="A \\"quoted\\"\\\\path\\nnext line"}')).toBe(
      1,
    );
    expect(await promtoolCheckMetrics(text)).toEqual({ status: 0, output: '' });
  });

  it("each application has its own registry; the process's metrics are in every scrape", async () => {
    const one = new ServiceMetrics();
    const other = new ServiceMetrics();
    one.deadlinesFired.inc({ kind: 'period-close', outcome: 'acted' });
    const [first, second] = [await one.scrape(), await other.scrape()];
    expect(sample(first, 'billing_deadlines_fired_total{kind="period-close",outcome="acted"}')).toBe(1);
    expect(sample(second, 'billing_deadlines_fired_total{kind="period-close",outcome="acted"}')).toBe(0);
    for (const text of [first, second])
      expect(text).toContain('# TYPE process_cpu_user_seconds_total counter\n');
  });

  it('promtool refuses what the writers used to risk: an unescaped quote (the check is not a formality)', async () => {
    const broken = '# TYPE x_total counter\nx_total{code="a"b"} 1\n';
    expect((await promtoolCheckMetrics(broken)).status).not.toBe(0);
  });
});
