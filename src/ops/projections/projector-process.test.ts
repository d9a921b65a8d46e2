import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEYS } from '../../../test/support/api.js';
import { startService, type Service } from '../../../test/support/service-process.js';

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

  it('leaves no orphan: the projector exits when the service is killed with SIGKILL', async () => {
    const service = await startService(dir, { PROJECTOR: 'separate' });
    const pid = projectorPid(service);
    expect(alive(pid)).toBe(true);
    service.child.kill('SIGKILL');
    expect(await service.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await until(() => !alive(pid));
    expect(alive(pid)).toBe(false);
  }, 180_000);

  it('with the default (in-process) the service starts no projector', async () => {
    const service = await startService(dir);
    try {
      expect(service.logs.some((l) => l.message.startsWith('Projector running'))).toBe(false);
    } finally {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  }, 180_000);
});
