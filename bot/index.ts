// Process entry: `npm start`. Reads the configuration, starts Sidos, and stops
// it cleanly on SIGINT/SIGTERM (writes in flight are finished first).
import { ConfigError, loadConfig } from './config.js';
import { startSidos } from './sidos.js';
import { DataDirLockedError } from './store/data-dir-lock.js';
import { StoreFileError } from './store/store.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const sidos = await startSidos({ config });
  if (sidos.mode === 'local') {
    console.log(
      `Sidos is running in LOCAL MODE at ${sidos.url} (no MicrosoftAppId set: requests are not authenticated, so it listens on 127.0.0.1 only).`,
    );
  } else {
    console.log(`Sidos is running on port ${sidos.port}; every request to /api/messages is authenticated.`);
  }
  const stop = (signal: string) => {
    console.log(`${signal} received: finishing writes and stopping.`);
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
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof StoreFileError || err instanceof DataDirLockedError) console.error(err.message);
  else console.error('Sidos could not start:', err);
  process.exit(1);
});
