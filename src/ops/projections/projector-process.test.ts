import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { KEYS } from '../../../test/support/api.js';
import { individual } from '../../../test/support/requests.js';
import { PROJECTOR_SEMI_SPACE_MB } from './projector-process.js';
import { callService, startService, type Service } from '../../../test/support/service-process.js';

/** Whether a process with this id still exists (signal 0 only checks). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 50));
}

function projectorPid(service: Service): number {
  const line = service.logs.find((l) => l.message.startsWith('Projector running the read models'));
  return Number(/pid (\d+)/.exec(line!.message)![1]);
}

const projections = async (service: Service) => {
  const response = await fetch(`${service.baseUrl}/v1/ops/projections`, {
    headers: { authorization: `Bearer ${KEYS.ops}` },
  });
  return (await response.json()) as {
    projections: Array<{ kind: string; name: string; state: string; holder: string; lagPositions: number }>;
  };
};

const allLive = async (service: Service) =>
  (await projections(service)).projections
    .filter((p) => p.kind === 'projection')
    .every((p) => p.state === 'live' && p.lagPositions === 0);

/** Reads a file of the data folder read-only, without a busy timeout: a lock held on it fails at once. */
function readFile<T>(path: string, read: (db: DatabaseSync) => T): T {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

describe('PROJECTOR=separate: the read models in a child process of the service', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'projector-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every read model in the child (not the service), which ops status and /ready see', async () => {
    const service = await startService(dir, { PROJECTOR: 'separate', INSTANCE_ID: 'svc-1' });
    try {
      const pid = projectorPid(service);
      expect(pid).not.toBe(service.child.pid);
      expect(alive(pid)).toBe(true);
      // The catalog seeded on first start is projected by the child, under the service's instance id.
      await until(async () =>
        (await projections(service)).projections
          .filter((p) => p.kind === 'projection')
          .every((p) => p.state === 'live' && p.lagPositions === 0),
      );
      const status = (await projections(service)).projections.filter((p) => p.kind === 'projection');
      expect(status.length).toBeGreaterThan(0);
      for (const p of status) expect(p.holder).toBe('svc-1');
      await until(async () => (await fetch(`${service.baseUrl}/ready`)).status === 200);

      // SIGTERM stops the service, and the service stops its projector.
      service.child.kill('SIGTERM');
      expect(await service.exited).toEqual({ code: 0, signal: null });
      await until(() => !alive(pid));
    } finally {
      service.child.kill('SIGKILL');
    }
  }, 180_000);

  it("runs the child with the service's Node flags and a small young generation of its own", async () => {
    const service = await startService(dir, { PROJECTOR: 'separate' });
    try {
      // The process's own arguments as the kernel has them: node, its flags, then the script.
      const argv = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      const flags = (pid: number) => argv(pid).filter((arg) => arg.startsWith('--'));
      const child = flags(projectorPid(service));
      for (const flag of flags(service.child.pid!)) expect(child).toContain(flag);
      // Node takes the last of a repeated V8 flag: the child's own young generation wins.
      const semiSpace = child.filter((flag) => flag.startsWith('--max-semi-space-size='));
      expect(semiSpace.at(-1)).toBe(`--max-semi-space-size=${PROJECTOR_SEMI_SPACE_MB}`);
    } finally {
      service.child.kill('SIGKILL');
      await service.exited;
    }
  }, 180_000);

  it('leaves no orphan: the projector exits when the service is killed with SIGKILL', async () => {
    const service = await startService(dir, { PROJECTOR: 'separate' });
    const pid = projectorPid(service);
    expect(alive(pid)).toBe(true);
    service.child.kill('SIGKILL');
    expect(await service.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await until(() => !alive(pid));
    expect(alive(pid)).toBe(false);
  }, 180_000);

  it('dies with a service killed with SIGKILL without a last write: its leases stay with the instance', async () => {
    const service = await startService(dir, { PROJECTOR: 'separate', INSTANCE_ID: 'svc-1' });
    const pid = projectorPid(service);
    await until(() => allLive(service));
    service.child.kill('SIGKILL');
    await service.exited;
    await until(() => !alive(pid));
    // A graceful stop would have handed them back (expires_at 0) and closed the store, checkpointing its WAL
    // under an exclusive lock while a restart or a reader of the dead service's store opens it.
    const leases = readFile(join(dir, 'read-models.sqlite'), (db) =>
      db.prepare(`SELECT name, expires_at FROM projection_leases WHERE holder = 'svc-1'`).all(),
    ) as Array<{ name: string; expires_at: number }>;
    expect(leases.length).toBeGreaterThan(0);
    for (const lease of leases)
      expect({ name: lease.name, handedBack: Number(lease.expires_at) === 0 }).toEqual({
        name: lease.name,
        handedBack: false,
      });
  }, 180_000);

  it('killed with SIGKILL and restarted at once as the same instance: it answers and its read models catch up', async () => {
    const env = { PROJECTOR: 'separate', INSTANCE_ID: 'svc-1', CLOCK: 'virtual:2026-03-10T12:00:00.000Z' };
    const topUp = (paymentId: string) => ({ paymentId, amount: '10.01', currency: 'RUB', channel: 'card' });
    const first = await startService(dir, env);
    const { openedAt: _, ...vera } = individual('vera');
    expect((await callService(first, 'POST', '/v1/accounts', vera)).status).toBe(201);
    expect((await callService(first, 'POST', '/v1/accounts/vera/top-ups', topUp('before'))).status).toBe(201);
    const firstProjector = projectorPid(first);
    first.child.kill('SIGKILL');
    await first.exited;
    // The dead service's store can be read at once (kill-under-load does): its projector holds no lock on it.
    const stored = readFile(join(dir, 'events.sqlite'), (db) =>
      Number((db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n),
    );
    expect(stored).toBeGreaterThan(0);

    const again = await startService(dir, env);
    try {
      expect(projectorPid(again)).not.toBe(firstProjector);
      expect((await callService(again, 'POST', '/v1/accounts/vera/top-ups', topUp('after'))).status).toBe(
        201,
      );
      await until(() => allLive(again));
      const status = (await projections(again)).projections.filter((p) => p.kind === 'projection');
      for (const p of status)
        expect({ name: p.name, holder: p.holder }).toEqual({ name: p.name, holder: 'svc-1' });
      expect((await callService(again, 'GET', '/v1/accounts/vera')).body.balance).toBe('20.02');
      await until(async () => (await fetch(`${again.baseUrl}/ready`)).status === 200);
    } finally {
      again.child.kill('SIGTERM');
      await again.exited;
    }
  }, 180_000);

  it('by default the service starts a projector; with PROJECTOR=in-process it starts none', async () => {
    const byDefault = await startService(dir);
    try {
      expect(alive(projectorPid(byDefault))).toBe(true);
    } finally {
      byDefault.child.kill('SIGTERM');
      await byDefault.exited;
    }
    const inProcess = await startService(dir, { PROJECTOR: 'in-process' });
    try {
      expect(inProcess.logs.some((l) => l.message.startsWith('Projector running'))).toBe(false);
    } finally {
      inProcess.child.kill('SIGTERM');
      await inProcess.exited;
    }
  }, 180_000);
});
