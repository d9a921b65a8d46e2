import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killUnderLoad, reliabilityEnv, type RunningService } from '../../bench/kill-under-load.js';
import { startService, type Service } from '../support/service-process.js';

const KILLS = Number(process.env.KILL_UNDER_LOAD_KILLS ?? 3);

/**
 * Issue 17, "Figures to keep": kill -9 under load. 8 concurrent clients send top-ups and usage records (each
 * with its own payment or usage record id and Idempotency-Key) while the real service process is killed with
 * SIGKILL at random moments and restarted on the same DATA_DIR; a request without an answer is sent again,
 * unchanged, until it is answered. Every acknowledged command must be in the log exactly once, nothing twice,
 * nothing a refusal stored, and each account's balance the same in the read model, in the log replayed as of
 * now and in a fold of the stored events. `npm run bench -- reliability` runs the same with more kills.
 */
describe('kill -9 under load (concurrent clients, the service restarted on the same DATA_DIR)', () => {
  let dataDir: string;
  const running: Service[] = [];
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'kill-under-load-'));
  });
  afterEach(() => {
    for (const service of running.splice(0))
      if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  const starter =
    (newInstance: boolean) =>
    async (dir: string, n: number): Promise<RunningService> => {
      const service = await startService(dir, reliabilityEnv(dir, n, newInstance));
      running.push(service);
      return {
        baseUrl: service.baseUrl,
        kill: async () => {
          service.child.kill('SIGKILL');
          const { signal } = await service.exited;
          expect(signal).toBe('SIGKILL');
        },
        pause: () => service.child.kill('SIGSTOP'),
        resume: () => service.child.kill('SIGCONT'),
        stop: async () => {
          service.child.kill('SIGTERM');
          const { code } = await service.exited;
          expect({ code, stderr: code === 0 ? '' : service.stderr() }).toEqual({ code: 0, stderr: '' });
        },
      };
    };

  it.each([
    ['restarted as the same instance (its dead claims released at start-up)', false],
    ['restarted as a new instance (the dead claims expire after their 30 s lease: 409 first)', true],
  ])(
    `${KILLS} kills, %s: every acknowledged command stored exactly once, none duplicated, balances agree in every view`,
    async (_name, newInstance: boolean) => {
      const figures = await killUnderLoad({
        dataDir,
        start: starter(newInstance),
        kills: KILLS,
        upMs: [1500, 3500],
        tailMs: 1500,
        log: (line) => process.stderr.write(`[kill-under-load] ${line}\n`),
      });
      console.log(`kill -9 under load (${_name}): ${JSON.stringify(figures, null, 2)}`);

      expect(figures.kills).toBe(KILLS);
      // The clients got through: most commands acknowledged, and some attempts did die with the process.
      expect(figures.acknowledged).toBeGreaterThan(50);
      expect(figures.acknowledgedTopUps).toBeGreaterThan(0);
      expect(figures.acknowledgedUsage).toBeGreaterThan(0);
      expect(figures.unansweredAttempts).toBeGreaterThan(0);
      expect(figures.inFlightAtKills).toBeGreaterThan(0);
      // A new instance finds the dead attempts' claims live: the retries wait (409, Retry-After) for the lease.
      if (newInstance) expect(figures.retriedAnswers).toBeGreaterThan(0);
      // Some kills cut a command after its events were stored and before its answer: the retry must find them.
      expect(figures.inFlightAtKillsStored).toBeGreaterThan(0);
      expect(figures.acknowledged + figures.refused).toBe(figures.commands);
      // One command in ten is a top-up below the minimum: refused (422), also when retried after a kill.
      expect(figures.refused).toBeGreaterThan(0);
      expect(figures.notRefusedAsExpected).toBe(0);
      expect(Object.keys(figures.refusedCodes)).toEqual(['TOP_UP_BELOW_MINIMUM']);
      // What the figures are kept for.
      expect({
        lost: figures.lost,
        duplicated: figures.duplicated,
        storedOnReject: figures.storedOnReject,
        unexplained: figures.unexplained,
      }).toEqual({ lost: 0, duplicated: 0, storedOnReject: 0, unexplained: 0 });
      for (const [account, view] of Object.entries(figures.balances)) {
        expect({ account, readModel: view.readModel, asOfNow: view.asOfNow }).toEqual({
          account,
          readModel: view.fold,
          asOfNow: view.fold,
        });
      }
      expect(figures.balancesAgree).toBe(true);
      // The log still matches its signed checkpoints: a kill -9 is not mistaken for tampering.
      expect(figures.verifyFindings).toBe(0);
    },
    180_000, // one start of the service per kill plus one, from TypeScript sources, on a loaded 2-core machine
  );
});
