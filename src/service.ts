import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { closeApp, createApp, openInfrastructure, startTimelines } from './bootstrap.js';
import { ConfigError, loadConfig } from './platform/config/config.js';
import { JsonLogger } from './platform/http/json-logger.js';
import { restrictUmask } from './platform/files/private-files.js';
import { loadProjectionsConfig, runsProjectorChild } from './ops/projections/projections-runtime.js';
import { ProjectorProcess } from './ops/projections/projector-process.js';

async function main(): Promise<void> {
  // Every file and folder the service creates is its user's only (SQLite's own files included).
  restrictUmask();
  const config = loadConfig();
  const logger = new JsonLogger(config.logLevel);
  const { deps, notices } = await openInfrastructure(config);
  // Generated keys and the development master key are announced by where they are, never by value;
  // before "listening", so whoever waits for that line has seen them.
  for (const notice of notices) logger.warn(notice, 'Main');
  const app = await createApp(deps, logger);
  // PROJECTOR=separate (the default): the read models run in a child process (this one only reads them).
  const projectionsConfig = loadProjectionsConfig(config.dataDir);
  const projector = runsProjectorChild(projectionsConfig)
    ? new ProjectorProcess({
        env: process.env,
        holder: projectionsConfig.holder,
        log: (message) => logger.warn(message, 'Projector'),
      })
    : undefined;
  await projector?.start();
  if (projector) logger.log(`Projector running the read models (pid ${projector.pid})`, 'Main');
  // The store is compared with its last signed checkpoint before serving (after createApp: its logs are JSON);
  // a mismatch keeps /ready at 503 and every business route at 503 LOG_TAMPERED.
  const anchorCheck = await deps.anchor.start();
  if (!anchorCheck.intact) logger.error(deps.anchor.refusalReason() ?? 'tampered', undefined, 'LogAnchor');
  // Over a tampered log no deadline is fired either: the timelines would decide on a changed history.
  const stopTimelines = anchorCheck.intact ? await startTimelines(app, deps) : undefined;
  await app.listen(config.port, config.host);
  // The bound port, not the configured one: PORT=0 lets the system choose.
  const { port } = app.getHttpServer().address() as AddressInfo;
  const where = config.eventStore.kind === 'sqlite' ? config.eventStore.path : 'EventStoreDB';
  logger.log(`Billing engine listening on http://${config.host}:${port} (event store: ${where})`, 'Main');
  // Graceful shutdown (closeApp): stop taking connections and let in-flight requests finish, stop the
  // timelines and the event-bus feed, then the projections (each commits and hands back its lease), then
  // close the stores, then the projector child if there is one.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) {
      // A repeated signal must not cut the drain short: requests in flight would be lost half-answered.
      logger.log(`${signal}: already shutting down, waiting for requests in flight`, 'Main');
      return;
    }
    stopping = true;
    logger.log(`${signal}: shutting down`, 'Main');
    try {
      await closeApp(app, deps, stopTimelines);
      // After the writers: the projector commits what it received and hands back its leases.
      await projector?.stop();
    } catch (error) {
      logger.error(`Shutdown failed: ${(error as Error).message}`, (error as Error).stack, 'Main');
      process.exit(1);
    }
    logger.log('Stopped', 'Main');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // A configuration or connection problem is an operator's message, not a stack trace.
  if (
    error instanceof ConfigError ||
    (error instanceof Error && error.name === 'EventStoreUnavailableError')
  ) {
    console.error(error.message);
  } else {
    console.error('Start-up failed:', error);
  }
  process.exit(1);
});
