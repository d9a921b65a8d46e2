import 'reflect-metadata';
import { createApp, openInfrastructure, startTimelines } from './bootstrap.js';
import { ConfigError, loadConfig } from './config/config.js';
import { JsonLogger } from './http/json-logger.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = new JsonLogger(config.logLevel);
  const { deps, generated } = await openInfrastructure(config);
  const app = await createApp(deps, logger);
  const stopTimelines = await startTimelines(app, deps);
  await app.listen(config.port, config.host);
  const where = config.eventStore.kind === 'sqlite' ? config.eventStore.path : 'EventStoreDB';
  logger.log(
    `Billing engine listening on http://${config.host}:${config.port} (event store: ${where})`,
    'Main',
  );
  if (generated) {
    // Printed once, to the terminal only: the keys are stored hashed.
    console.log(
      `First start: API keys were generated (stored hashed in ${config.dataDir}/api-keys.json). Shown once:`,
    );
    for (const [role, key] of Object.entries(generated)) console.log(`  ${role.padEnd(8)} ${key}`);
  }

  // Graceful shutdown: stop taking requests and let in-flight ones finish, then stop the timelines (their
  // checkpoints are committed per batch), then close the stores.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down`, 'Main');
    await app.close();
    await stopTimelines();
    await deps.eventStore.close();
    deps.idempotency.close();
    deps.vault.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
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
