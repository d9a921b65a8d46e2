// Age independence: the same usage command on accounts with 24 closed periods behind them and on accounts
// opened this month, both with the same current-month history; cold (first command after a start, caches
// empty) and warm. Also, for information, the first command on a dormant account whose periods were never
// closed (it closes them all on the way).
import { namedLedgerCommand } from '../src/ledger/named-ledger-command.js';
import { accountId, month, usageCommand } from './workload.js';
import { generateLog, type LogSpec } from './log-generator.js';
import { meta, startEngine, type BenchEngine } from './engine.js';
import { freshDir, median, percentile, ratio, scaled, workDir } from './support.js';

const CURRENT = month('2027-01');

export async function measureAge() {
  const accounts = scaled(40, 4);
  const rounds = scaled(10, 3);
  const usagePerMonth = 31;
  const specs: Record<'old' | 'young' | 'dormant', LogSpec> = {
    // Opened January 2025: 24 periods closed (one at each month end, bills paid, top-ups monthly).
    old: { prefix: 'old', accounts, firstMonth: '2025-01', months: 25, usagePerMonth, closeMonths: true },
    young: { prefix: 'new', accounts, firstMonth: CURRENT.id, months: 1, usagePerMonth, closeMonths: false },
    // Used in January 2025 only, never closed since.
    dormant: {
      prefix: 'dorm',
      accounts: Math.max(2, Math.round(accounts / 4)),
      firstMonth: '2025-01',
      months: 1,
      usagePerMonth,
      closeMonths: false,
    },
  };
  const { dir, cleanup } = workDir();
  const engineDir = freshDir(dir, 'age');
  try {
    for (const spec of Object.values(specs)) await generateLog(engineDir, spec);
    // The last evening of January 2027 (before the month ends in Almaty, UTC+5).
    // Deadline polling off: the generated histories never ran the timelines, whose overdue deadlines
    // (from 2025) would otherwise fire now; the planner and the document issuer run as usual.
    const engine = await startEngine(engineDir, {
      now: CURRENT.day(31).replace('T12:00', 'T18:30'),
      polling: false,
    });
    try {
      await engine.settle();
      let sent = 0;
      const command = async (prefix: string, index: number): Promise<number> => {
        const id = accountId(prefix, index);
        const usage = usageCommand(index, 1000 + sent, CURRENT.day(31), `${id}.age`);
        const started = process.hrtime.bigint();
        const outcome = await engine.bus.execute(namedLedgerCommand(id, usage, meta(`age/${id}/${sent++}`)));
        if (outcome.status !== 'accepted') throw new Error(`${id}: usage not accepted`);
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      const cold = await samples(engine, accounts, 1, command);
      const warm = await samples(engine, accounts, rounds, command);
      const dormant: number[] = [];
      for (let i = 0; i < specs.dormant.accounts; i++) dormant.push(await command('dorm', i));
      const coldRatio = ratio(median(cold.old), median(cold.young));
      const warmRatio = ratio(median(warm.old), median(warm.young));
      return {
        method:
          `${accounts} accounts opened January 2025 with 24 closed periods (${usagePerMonth} usage records a ` +
          `month, monthly top-ups / bill payments) vs ${accounts} opened January 2027, both with the same ` +
          `January 2027 usage; one ConsumeResource through the command bus at a time, old and new ` +
          `alternating; cold = first command of each account after the engine started (caches empty), ` +
          `warm = ${rounds} more per account`,
        accounts,
        cold: {
          oldP50Ms: round2(median(cold.old)),
          newP50Ms: round2(median(cold.young)),
          ratio: coldRatio,
        },
        warm: {
          oldP50Ms: round2(median(warm.old)),
          newP50Ms: round2(median(warm.young)),
          oldP99Ms: round2(percentile(warm.old, 99)),
          newP99Ms: round2(percentile(warm.young, 99)),
          ratio: warmRatio,
        },
        ageRatio: Math.max(coldRatio, warmRatio),
        dormantFirstCommandP50Ms: round2(median(dormant)),
      };
    } finally {
      await engine.close();
    }
  } finally {
    cleanup();
  }
}

/** `rounds` commands per account, one at a time, old and new alternating (which goes first alternates too). */
async function samples(
  _engine: BenchEngine,
  accounts: number,
  rounds: number,
  command: (prefix: string, index: number) => Promise<number>,
): Promise<{ old: number[]; young: number[] }> {
  const old: number[] = [];
  const young: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < accounts; i++) {
      if ((r + i) % 2 === 0) {
        old.push(await command('old', i));
        young.push(await command('new', i));
      } else {
        young.push(await command('new', i));
        old.push(await command('old', i));
      }
    }
  }
  return { old, young };
}

const round2 = (value: number) => Math.round(value * 100) / 100;
