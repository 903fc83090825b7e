// npm run bench (called from scripts/bench.ts), or alone:
// node --import tsx scripts/bench-process.ts [--quick] [--lowdb-only | --postgres-only]
// Whole Sidos as a separate process, started the way `npm start` does, on
// lowdb (10k and 100k stored feedback records, DATA_DIR written before the
// start) and on PostgreSQL (100k and 1M, seeded into an embedded PostgreSQL;
// --quick: lowdb 10k, PostgreSQL 10k and 100k). Per store: time from spawn to
// /healthz 200; feedback.submit p50/p99 at 200 concurrent senders beside the
// bare echo bot (also a child process) under the same load; p99 at a steady
// 50 requests/s (open loop); peak and steady RSS of the Sidos child alone
// (/proc/<pid>/status, every 100 ms); the answer time of `digest <last week>`
// from a national user; and issue 12's targets, met or missed.
import { startEmbeddedPostgres } from '../test/harness/embedded-postgres.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastCompletedPeriod, periodKey } from '../bot/domain/periods.js';
import { openRecordStore, type RecordStoreLocation } from '../bot/store/open-record-store.js';
import { cardAction, message } from '../test/harness/activities.js';
import { ConnectorStandIn } from '../test/harness/connector.js';
import { national } from '../test/harness/people.js';
import { ROOT, spawnSidos } from '../test/harness/process.js';
import { answerInputs, type Dataset, type DatasetSpec, type Submission } from './bench/dataset.js';
import { figures, LoadClient, type LoadFigures, type LoadResult, type PacedJob } from './bench/load.js';
import { CpuProfiler, hotspots, inspectorUrl, type Hotspots } from './bench/cpu-profile.js';
import { ChildRssSampler, mib } from './bench/memory.js';
import { seedPostgres, seedUser } from './bench/postgres-seed.js';
import { prng } from './bench/prng.js';
import { withDatabase } from './bench/scratch-database.js';
import { table, type Table } from './bench/table.js';
import { inWorker, TsWorker } from './bench/worker.js';

const CONCURRENCY = 200;
const PACED_PER_SECOND = 50;

interface Settings {
  quick: boolean;
}

const sizes = ({ quick }: Settings) => ({
  lowdb: quick ? [10_000] : [10_000, 100_000],
  postgres: quick ? [10_000, 100_000] : [100_000, 1_000_000],
});
const counts = ({ quick }: Settings) => ({ warmup: quick ? 200 : 400, loaded: quick ? 600 : 2_000, paced: quick ? 250 : 1_000 });

interface StoreRun {
  store: 'lowdb' | 'PostgreSQL';
  records: number;
  startMs: number;
  sidos: LoadFigures;
  echo: LoadFigures;
  failed: number;
  /** Open requests a submission was sent for that the store does not hold as answered after the run. */
  unanswered: number;
  pacedP99: number;
  peakRss: number;
  steadyRss: number;
  digestMs: number;
  /** Where the Sidos child spent its CPU during the loaded phase. */
  hotspots: Hotspots;
}

const progress = (line: string) => console.error(`[bench-process] ${line}`);

/** The echo bot as its own process; resolves with its URL. */
async function spawnEchoBot(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/echo-bot.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /echo bot at (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`echo bot exited with ${code}`)));
  });
  return { url, child };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function untilHealthy(url: string): Promise<void> {
  for (;;) {
    const res = await fetch(`${url}/healthz`).catch(() => undefined);
    if (res?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The invoke answered 200 with a card (the saved-feedback card; bench.ts checks its text and the stored answers). */
const answered = (r: LoadResult) => r.status.filter((s, i) => s === 200 && JSON.parse(r.response[i]).statusCode === 200).length;

/** Measures Sidos on the store at `location`, then (Sidos stopped) looks up the answered requests there. */
async function measureAndCheck(...args: Parameters<typeof measureStore>): Promise<StoreRun> {
  const run = await measureStore(...args);
  const [, , , location, submissions] = args;
  return { ...run, unanswered: await unansweredAfter(location, submissions) };
}

/** After Sidos stopped: how many of the requests the submissions answer are not answered in the store. */
async function unansweredAfter(location: RecordStoreLocation, submissions: Submission[]): Promise<number> {
  const records = await openRecordStore(location);
  try {
    let unanswered = 0;
    for (const { data } of submissions) if ((await records.get('feedbackRequests', data.requestId))?.status !== 'answered') unanswered++;
    return unanswered;
  } finally {
    await records.close();
  }
}

async function measureStore(
  settings: Settings,
  store: StoreRun['store'],
  records: number,
  location: RecordStoreLocation,
  submissions: Submission[],
  connector: ConnectorStandIn,
  client: LoadClient,
  paced: TsWorker<PacedJob, LoadResult>,
): Promise<Omit<StoreRun, 'unanswered'>> {
  const n = counts(settings);
  const bodies = submissions.map((s) =>
    JSON.stringify(cardAction(connector.url, s.user, 'feedback.submit', s.data, { locale: s.locale === 'sv' ? 'sv-SE' : 'fi-FI' })),
  );
  const phase = { warmup: bodies.slice(0, n.warmup), loaded: bodies.slice(n.warmup, n.warmup + n.loaded), paced: bodies.slice(n.warmup + n.loaded) };

  const echo = await spawnEchoBot();
  const echoAt = `${echo.url}/api/messages`;
  await client.run({ url: echoAt, bodies, concurrency: CONCURRENCY });
  const echoLoaded = await client.run({ url: echoAt, bodies: phase.loaded, concurrency: CONCURRENCY });
  await stopChild(echo.child);

  progress(`${store} ${records}: starting Sidos`);
  const startedAt = performance.now();
  // The inspector is only listened on; the profiler samples during the loaded phase alone.
  const env: Record<string, string> = location.databaseUrl ? { DATABASE_URL: location.databaseUrl } : { DATA_DIR: location.dataDir };
  const sidos = spawnSidos({ PORT: '0', SIDOS_CONFIG: 'config/example-local.json', NODE_OPTIONS: '--inspect=127.0.0.1:0', ...env });
  const rss = new ChildRssSampler(sidos.child.pid!);
  let profiler: CpuProfiler | undefined;
  try {
    const url = await sidos.ready;
    await untilHealthy(url);
    const startMs = performance.now() - startedAt;
    const at = `${url}/api/messages`;
    progress(`${store} ${records}: load`);
    const warm = await client.run({ url: at, bodies: phase.warmup, concurrency: CONCURRENCY });
    profiler = await CpuProfiler.connect(inspectorUrl(sidos.output())!);
    await profiler.start();
    const loaded = await client.run({ url: at, bodies: phase.loaded, concurrency: CONCURRENCY });
    const profile = hotspots(await profiler.stop(), ROOT);
    await rss.sinceLast();
    const steady = await paced.call({ url: at, bodies: phase.paced, perSecond: PACED_PER_SECOND });
    const steadySamples = await rss.sinceLast();

    const week = periodKey(lastCompletedPeriod(new Date().toISOString(), 'week', 'Europe/Helsinki'));
    const digestStarted = performance.now();
    const digest = await fetch(at, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(message(connector.url, national, `digest ${week}`)) });
    const digestMs = performance.now() - digestStarted;
    if (digest.status !== 200) throw new Error(`digest ${week} answered ${digest.status}`);

    const sorted = [...steadySamples].sort((a, b) => a - b);
    return {
      store,
      records,
      startMs,
      sidos: figures(loaded),
      echo: figures(echoLoaded),
      failed: bodies.length - answered(warm) - answered(loaded) - answered(steady),
      pacedP99: figures(steady).p99,
      peakRss: rss.peak,
      steadyRss: sorted[Math.floor(sorted.length / 2)] ?? 0,
      digestMs,
      hotspots: profile,
    };
  } finally {
    profiler?.close();
    rss.stop();
    await stopChild(sidos.child);
  }
}

async function onLowdb(settings: Settings, records: number, connector: ConnectorStandIn, client: LoadClient, paced: TsWorker<PacedJob, LoadResult>): Promise<StoreRun> {
  const dir = await mkdtemp(join(tmpdir(), 'sidos-bench-process-'));
  try {
    progress(`lowdb ${records}: writing DATA_DIR`);
    const n = counts(settings);
    const spec: DatasetSpec = { dir, records, open: n.warmup + n.loaded + n.paced, serviceUrl: connector.url };
    const dataset = await inWorker<DatasetSpec, Dataset>(new URL('./bench/dataset.ts', import.meta.url).href, 'writeDataset', spec);
    return await measureAndCheck(settings, 'lowdb', records, { databaseUrl: null, dataDir: dir }, dataset.submissions, connector, client, paced);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function onPostgres(
  settings: Settings,
  serverUrl: string,
  records: number,
  connector: ConnectorStandIn,
  client: LoadClient,
  paced: TsWorker<PacedJob, LoadResult>,
): Promise<StoreRun> {
  return withDatabase(serverUrl, `sidos_bench_process_${records}`, async (url) => {
    progress(`PostgreSQL ${records}: seeding`);
    const n = counts(settings);
    const open = n.warmup + n.loaded + n.paced;
    const random = prng(records + 2);
    await seedPostgres(url, records, { count: open, now: new Date().toISOString() });
    const submissions: Submission[] = Array.from({ length: open }, (_, p) => ({
      user: seedUser(p),
      locale: p % 5 === 4 ? 'sv' : 'fi',
      data: answerInputs(random, `open-request-${p}`),
    }));
    return measureAndCheck(settings, 'PostgreSQL', records, { databaseUrl: url, dataDir: '' }, submissions, connector, client, paced);
  });
}

const num = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: n < 100 ? 1 : 0 });
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

/** Issue 12's targets for this store and size, each with its figure: [what, figure, target, verdict]. */
function targets(run: StoreRun, lowestPostgres: StoreRun | undefined): string[][] {
  const ratio = run.sidos.p99 / run.echo.p99;
  if (run.store === 'lowdb' && run.records === 10_000) {
    return [
      ['start', `${num(run.startMs)} ms`, '≤ 1 s', verdict(run.startMs <= 1_000)],
      ['submit p99 vs echo', `${num(ratio)}×`, '≤ 3×', verdict(ratio <= 3)],
    ];
  }
  if (run.store === 'PostgreSQL' && run.records === 1_000_000) {
    const flat = lowestPostgres ? run.steadyRss <= lowestPostgres.steadyRss * 1.2 : true;
    return [
      ['RSS', `${mib(run.peakRss)} MiB`, '≤ 250 MB', verdict(run.peakRss <= 250 * 1e6)],
      ['steady RSS flat in records', `${mib(run.steadyRss)} vs ${mib(lowestPostgres?.steadyRss ?? 0)} MiB`, '≤ +20 %', verdict(flat)],
      ['start', `${num(run.startMs)} ms`, '≤ 3 s', verdict(run.startMs <= 3_000)],
      ['digest', `${num(run.digestMs)} ms`, '≤ 1 s', verdict(run.digestMs <= 1_000)],
      ['submit p99 vs echo', `${num(ratio)}×`, '≤ 3×', verdict(ratio <= 3)],
      [`p99 at ${PACED_PER_SECOND} req/s`, `${num(run.pacedP99)} ms`, '≤ 50 ms', verdict(run.pacedP99 <= 50)],
    ];
  }
  return [];
}

/** `lowdbOnly`: skip PostgreSQL (no embedded server, no seeding); `postgresOnly`: skip lowdb. */
export async function processSection(options: { quick: boolean; table: Table; lowdbOnly: boolean; postgresOnly?: boolean }): Promise<string> {
  const settings: Settings = { quick: options.quick };
  const connector = await new ConnectorStandIn().start();
  const client = new LoadClient();
  const paced = new TsWorker<PacedJob, LoadResult>(new URL('./bench/load.ts', import.meta.url).href, 'sendAtRate');
  const runs: StoreRun[] = [];
  try {
    if (!options.postgresOnly) for (const records of sizes(settings).lowdb) runs.push(await onLowdb(settings, records, connector, client, paced));
    if (options.lowdbOnly) return render(runs, options.table);
    const server = await startEmbeddedPostgres('sidos-bench');
    try {
      for (const records of sizes(settings).postgres) runs.push(await onPostgres(settings, server.url, records, connector, client, paced));
    } finally {
      await server.stop();
    }
  } catch (err) {
    // What was measured is still worth printing; the reason goes beside it.
    if (runs.length === 0) throw err;
    progress(`stopped early: ${String(err instanceof Error ? err.message : err).split('\n')[0]}`);
  } finally {
    await client.stop();
    await paced.stop();
    await connector.stop();
  }
  return render(runs, options.table);
}

function render(runs: StoreRun[], table: Table): string {
  const lowestPostgres = runs.find((r) => r.store === 'PostgreSQL');
  const figuresTable = table(
    ['store', 'stored feedback', 'start to healthy ms', `submit p50 ms (echo)`, `submit p99 ms (echo)`, 'failed', 'unanswered', `p99 at ${PACED_PER_SECOND}/s ms`, 'peak RSS MiB', 'steady RSS MiB', 'digest ms'],
    runs.map((r) => [
      r.store,
      num(r.records),
      num(r.startMs),
      `${num(r.sidos.p50)} (${num(r.echo.p50)})`,
      `${num(r.sidos.p99)} (${num(r.echo.p99)})`,
      r.failed,
      r.unanswered,
      num(r.pacedP99),
      mib(r.peakRss),
      mib(r.steadyRss),
      num(r.digestMs),
    ]),
    1,
  );
  const targetRows = runs.flatMap((r) => targets(r, lowestPostgres).map((row) => [`${r.store} ${num(r.records)}`, ...row]));
  const largestPostgres = runs.findLast((r) => r.store === 'PostgreSQL');
  const profiled = [runs.find((r) => r.store === 'lowdb'), largestPostgres].filter((r): r is StoreRun => !!r);
  const hotspotRows = profiled.flatMap((r) => [
    [`${r.store} ${num(r.records)}`, '(idle: waiting for the network, the database, the disk)', r.hotspots.idlePercent.toFixed(1)],
    ...r.hotspots.top.map((h) => ['', h.where, h.percent.toFixed(1)]),
  ]);
  return [
    `\nSidos as its own process (node --import tsx bot/index.ts), ${CONCURRENCY} concurrent senders of feedback.submit against the echo bot (also its own process),`,
    `then an open-loop ${PACED_PER_SECOND} requests/s; RSS of the Sidos process alone (VmRSS every 100 ms; steady = median during the ${PACED_PER_SECOND}/s phase); digest = \`digest <last week>\` from a national user.\n`,
    figuresTable,
    '',
    targetRows.length > 0 ? table(['store', 'target', 'figure', 'issue 12 target', ''], targetRows, 2) : 'No run with an issue 12 target completed.',
    '',
    `What dominates: the top self-time functions of the Sidos process during the ${CONCURRENCY}-concurrent phase (CPU profile over its inspector; share of all samples of the phase).\n`,
    table(['store', 'function', 'self %'], hotspotRows, 2),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const flag = (name: string) => process.argv.includes(name);
  console.log(await processSection({ quick: flag('--quick'), table, lowdbOnly: flag('--lowdb-only'), postgresOnly: flag('--postgres-only') }));
}
