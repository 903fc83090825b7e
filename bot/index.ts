// Process entry: `npm start`. Reads the configuration, starts Sidos, and stops
// it cleanly on SIGINT/SIGTERM within 10 s (container platforms kill after
// about 30 s): sends not done are dropped and go out once after the next
// start, writes in flight are finished first.
import { ConfigError, loadConfig, redactUrl } from './config.js';
import { startSidos } from './sidos.js';
import { DataDirLockedError } from './store/data-dir-lock.js';
import { DatabaseUnavailableError } from './store/records.js';
import { StoreFileError } from './store/store.js';

const EXIT_DEADLINE_MS = 9_000;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const sidos = await startSidos({ config });
  const stop = (signal: string) => {
    console.log(`${signal} received: finishing writes and stopping.`);
    // sidos.stop() is bounded itself; this is the last resort if something in it hangs.
    setTimeout(() => {
      console.error(`Sidos did not stop within ${EXIT_DEADLINE_MS / 1000} s; exiting anyway.`);
      process.exit(1);
    }, EXIT_DEADLINE_MS).unref();
    sidos.stop().then(
      () => process.exit(0),
      (err) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
  // The ready line comes last: whoever waits for it (a supervisor, a test) may signal at once.
  console.log(config.databaseUrl ? `Data: PostgreSQL at ${redactUrl(config.databaseUrl)}.` : `Data: ${config.dataDir} (lowdb; this process holds it).`);
  if (sidos.mode === 'local') {
    console.log(
      `Sidos is running in LOCAL MODE at ${sidos.url} (no MicrosoftAppId set: requests are not authenticated, so it listens on 127.0.0.1 only).`,
    );
  } else {
    console.log(`Sidos is running on port ${sidos.port}; every request to /api/messages is authenticated.`);
  }
}

main().catch((err) => {
  const explained = [ConfigError, StoreFileError, DataDirLockedError, DatabaseUnavailableError].some((kind) => err instanceof kind);
  if (explained) console.error(err.message);
  else console.error('Sidos could not start:', err);
  process.exit(1);
});
