// npm run playground: Sidos in local mode on its own data directory, and one
// Microsoft 365 Agents Playground (a local Teams stand-in) per person of the
// walkthrough, each signed in as that person: the coordinator on :56150, a
// partner on :56151, national leadership on :56152 (config/playground/).
// Ctrl-C stops them all.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { playgroundConfig, readPlaygroundSetup } from './playground-config.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = resolve(ROOT, '.playground-data');
const SIDOS_PORT = 3978;
const SIDOS_URL = `http://127.0.0.1:${SIDOS_PORT}`;

function run(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    console.log(`${name} stopped (${signal ?? `exit code ${code}`}).`);
    stopAll();
  });
  return child;
}

async function waitForSidos(): Promise<void> {
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      if ((await fetch(`${SIDOS_URL}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Sidos did not answer ${SIDOS_URL}/healthz within 30 s`);
}

const children: ChildProcess[] = [];
let stopping = false;
function stopAll(): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}
process.once('SIGINT', stopAll);
process.once('SIGTERM', stopAll);

mkdirSync(DATA, { recursive: true });
// Local mode: no Bot Framework credentials, whatever the shell has set.
const { MicrosoftAppId: _id, MicrosoftAppPassword: _password, ...env } = process.env;
children.push(
  run('Sidos', ['--disable-warning=DEP0111', '--import', 'tsx', 'bot/index.ts'], {
    ...env,
    PORT: String(SIDOS_PORT),
    DATA_DIR: resolve(DATA, 'data'),
    SIDOS_CONFIG: resolve(ROOT, 'config/playground/sidos.json'),
    PUBLIC_BASE_URL: `http://localhost:${SIDOS_PORT}`,
  }),
);
await waitForSidos();
const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
const setup = readPlaygroundSetup();
const opened: string[] = [];
for (const { port, user: userId } of setup.playgrounds) {
  const user = setup.users.find((u) => u.id === userId)!;
  const configFile = resolve(DATA, `playground-${port}.yml`);
  writeFileSync(configFile, playgroundConfig(setup, user));
  const args = [cli, '-e', `${SIDOS_URL}/api/messages`, '-c', 'msteams', '-p', String(port), '--disable-telemetry'];
  children.push(
    run(`Agents Playground :${port}`, args, {
      ...env,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: configFile,
      M365_AGENTS_PLAYGROUND_LOGFILE: resolve(DATA, `playground-${port}.log`),
    }),
  );
  opened.push(`  http://localhost:${port}  ${user.name}`);
}
console.log(['Open a Playground and type "help":', ...opened, 'Ctrl-C stops Sidos and the Playgrounds.'].join('\n'));
