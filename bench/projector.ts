// A second process that only runs the read models (ProjectionsRuntime with PROJECTIONS=run) on the same
// event store and read-model files as an engine started with `projections: 'off'`: the split topology the
// ingest-split run measures. Driven over IPC by ingest-split.bench.ts.
import { join } from 'node:path';
import { SqliteEventStore } from '../src/platform/event-store/sqlite/sqlite-event-store.js';
import { loadProjectionsConfig, ProjectionsRuntime } from '../src/ops/projections/projections-runtime.js';

type Message = { kind: 'start'; dir: string } | { kind: 'settle'; head: string } | { kind: 'stop' };

let store: SqliteEventStore | undefined;
let runtime: ProjectionsRuntime | undefined;

process.on('message', (message: Message) => {
  void handle(message).then(
    (reply) => process.send!(reply),
    (error: Error) => process.send!({ kind: 'error', message: error.stack ?? error.message }),
  );
});

async function handle(message: Message): Promise<unknown> {
  switch (message.kind) {
    case 'start':
      store = SqliteEventStore.open({ path: join(message.dir, 'events.sqlite') });
      runtime = ProjectionsRuntime.open(
        store,
        // This process is the projector: the read models run here, not in a child of it.
        loadProjectionsConfig(message.dir, { INSTANCE_ID: 'projector', PROJECTOR: 'in-process' }),
      );
      await runtime.start();
      return { kind: 'started' };
    case 'settle': {
      const head = BigInt(message.head);
      await runtime!.host?.settled();
      for (const projection of runtime!.projections)
        await runtime!.host?.runner(projection.name)?.waitFor(head, 3_600_000);
      return { kind: 'settled' };
    }
    case 'stop':
      await runtime?.close();
      await store?.close();
      process.send!({ kind: 'stopped' }, () => process.exit(0));
      return new Promise(() => undefined);
  }
}
