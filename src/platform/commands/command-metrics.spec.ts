import { ServiceMetrics } from '../metrics/service-metrics.js';
import { UnknownCurrencyError } from '../../domain/shared/money.js';
import { sample } from '../../../test/support/metrics.js';
import { measureCommand } from './command-metrics.js';
import { CommandRejectedError, ConcurrencyConflictError, NotFoundError } from './command-outcome.js';

/** Every way a command ends, as billing_commands_total counts it; each is timed too. */
describe('command metrics', () => {
  const cases: Array<[string, () => Promise<unknown>, string]> = [
    ['a result without a status', () => Promise.resolve({}), '{type="C",outcome="accepted"}'],
    ['a recognised retry', () => Promise.resolve({ status: 'duplicate' }), '{type="C",outcome="duplicate"}'],
    [
      'a business rule said no',
      () => Promise.reject(new CommandRejectedError('WRONG_CURRENCY', 'no')),
      '{type="C",outcome="rejected",code="WRONG_CURRENCY"}',
    ],
    [
      'the domain refused a value',
      () => Promise.reject(new UnknownCurrencyError('XXX')),
      '{type="C",outcome="rejected",code="CURRENCY_UNKNOWN"}',
    ],
    [
      'the stream kept changing',
      () => Promise.reject(new ConcurrencyConflictError('ledger-a@2026-03', 3)),
      '{type="C",outcome="conflict"}',
    ],
    ['no such account', () => Promise.reject(new NotFoundError('a')), '{type="C",outcome="not-found"}'],
    [
      // A driver's code is not a business rule's: a full disk is an error, not a rejection.
      'the storage failed',
      () => Promise.reject(Object.assign(new Error('disk full'), { code: 'SQLITE_FULL' })),
      '{type="C",outcome="error"}',
    ],
  ];

  it.each(cases)('%s', async (_case, run, labels) => {
    const metrics = new ServiceMetrics();
    await measureCommand(metrics, 'C', run).catch(() => undefined);
    const text = await metrics.registry.metrics();
    expect(sample(text, `billing_commands_total${labels}`)).toBe(1);
    expect(text.split('\n').filter((l) => l.startsWith('billing_commands_total{'))).toHaveLength(1);
    expect(sample(text, 'billing_command_duration_seconds_count{type="C"}')).toBe(1);
  });

  it('passes the result and the error through unchanged', async () => {
    const metrics = new ServiceMetrics();
    const result = { status: 'accepted', streamId: 's' };
    await expect(measureCommand(metrics, 'C', () => Promise.resolve(result))).resolves.toBe(result);
    const error = new NotFoundError('a');
    await expect(measureCommand(metrics, 'C', () => Promise.reject(error))).rejects.toBe(error);
  });
});
