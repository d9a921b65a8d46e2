import 'reflect-metadata';
import { createApp, openInfrastructure, startTimelines } from './bootstrap.js';
import { ConfigError, loadConfig } from './config/config.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const { deps, generated } = await openInfrastructure(config);
  const app = await createApp(
    deps,
    config.logLevel === 'debug' ? ['debug', 'log', 'warn', 'error'] : ['log', 'warn', 'error'],
  );
  const stopTimelines = await startTimelines(app, deps);
  app.enableShutdownHooks();
  process.once('SIGTERM', () => void stopTimelines());
  await app.listen(config.port, config.host);
  const where = config.eventStore.kind === 'sqlite' ? config.eventStore.path : 'EventStoreDB';
  console.log(`Billing engine listening on http://${config.host}:${config.port} (event store: ${where})`);
  if (generated) {
    console.log(
      `First start: API keys were generated (stored hashed in ${config.dataDir}/api-keys.json). Shown once:`,
    );
    for (const [role, key] of Object.entries(generated)) console.log(`  ${role.padEnd(8)} ${key}`);
  }
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
