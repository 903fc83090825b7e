// The PostgreSQL RecordStore at 100k and 1M stored feedback records (--quick:
// 10k), at the store level: a week of feedback (what a digest period reads),
// a whole weekly digest (buildDigestFor: its queries and the aggregation),
// get and findBy latency, time to open the store (connect + migrate) and the
// memory of a process that holds only the store. Seeds a fresh database per
// size: next to DATABASE_URL when it is set (its user needs CREATEDB; the
// databases are dropped afterwards), else in an embedded PostgreSQL started in
// a temp dir. The measuring runs in a child process, so the seeding's memory
// is not in its RSS. Called from scripts/bench.ts; the child is this file with
// --measure.
import { startEmbeddedPostgres } from '../test/harness/embedded-postgres.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../bot/config.js';
import { buildDigestFor } from '../bot/services/digest.js';
import { openPostgres } from '../bot/store/open-record-store.js';
import { percentile } from './bench/load.js';
import { mib } from './bench/memory.js';
import { seedIds, seedPostgres, type SeedCounts } from './bench/postgres-seed.js';
import { prng } from './bench/prng.js';
import { withDatabase } from './bench/scratch-database.js';

/** The week a digest period would read, in the middle of the seeded history. */
const WEEK = { from: '2027-03-01T00:00:00.000Z', to: '2027-03-08T00:00:00.000Z' };
const LOOKUPS = 2_000;
const WARMUP = 200;
const WEEK_RUNS = 5;
/** A weekly digest of that week (the default configuration's period), built after the week ended. */
const DIGEST = { period: '2027-W09', now: new Date('2027-03-10T06:00:00.000Z') };

interface Latency {
  p50: number;
  p99: number;
}

interface StoreFigures {
  openMs: number;
  rssAfterOpen: number;
  peakRss: number;
  weekMs: number;
  weekRecords: number;
  /** Median time of the whole digest, and the feedback it counted in its week. */
  digestMs: number;
  digestFeedback: number;
  get: Latency;
  findByEmail: Latency;
  findByPartner: Latency;
}

async function latency(calls: number, call: (i: number) => Promise<unknown>): Promise<Latency> {
  for (let i = 0; i < WARMUP; i++) await call(i);
  const ms: number[] = [];
  for (let i = 0; i < calls; i++) {
    const started = performance.now();
    await call(i);
    ms.push(performance.now() - started);
  }
  return { p50: percentile(ms, 50), p99: percentile(ms, 99) };
}

/** In the child process: opens the store on the seeded database and measures it. */
async function measure(url: string, feedback: number, counts: SeedCounts): Promise<StoreFigures> {
  const started = performance.now();
  const { store } = await openPostgres(url);
  const openMs = performance.now() - started;
  const rssAfterOpen = process.memoryUsage.rss();
  const random = prng(feedback + 1);
  const any = (n: number) => Math.floor(random() * n);
  try {
    const weekMs: number[] = [];
    let weekRecords = 0;
    for (let run = 0; run < WEEK_RUNS; run++) {
      const at = performance.now();
      weekRecords = (await store.feedbackSubmitted(WEEK.from, WEEK.to)).length;
      weekMs.push(performance.now() - at);
    }
    const config = loadConfig({ PORT: '0', DATABASE_URL: url });
    const digestMs: number[] = [];
    let digestFeedback = 0;
    for (let run = 0; run < WEEK_RUNS; run++) {
      const at = performance.now();
      const result = await buildDigestFor(store, config, DIGEST.period, DIGEST.now);
      digestMs.push(performance.now() - at);
      if (!result.ok) throw new Error(`digest ${DIGEST.period}: ${result.code}`);
      digestFeedback = result.digest.offices.reduce((sum, office) => sum + office.total.feedbackCount, 0);
    }
    return {
      openMs,
      rssAfterOpen,
      weekMs: percentile(weekMs, 50),
      weekRecords,
      digestMs: percentile(digestMs, 50),
      digestFeedback,
      get: await latency(LOOKUPS, () => store.get('feedback', seedIds.feedback(any(counts.feedback)))),
      findByEmail: await latency(LOOKUPS, () => {
        const partner = any(counts.partners);
        return store.findBy('partners', 'email', `partner.${partner}@org${partner % 700}.example.fi`);
      }),
      findByPartner: await latency(LOOKUPS, () => store.findBy('feedbackRequests', 'partnerId', seedIds.partner(any(counts.partners)))),
      peakRss: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    await store.close();
  }
}

function measureInChild(url: string, feedback: number, counts: SeedCounts): Promise<StoreFigures> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--measure', url, String(feedback), JSON.stringify(counts)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(output) as StoreFigures) : reject(new Error(`measuring exited with ${code}`)))),
  );
}

type Table = (header: string[], rows: (string | number)[][], textColumns?: number) => string;

/** Seeds and measures each size; returns the section bench.ts prints (its table helper passed in). */
export async function postgresStoreSection(options: { quick: boolean; table: Table; progress: (line: string) => void }): Promise<string> {
  const { quick, table, progress } = options;
  const sizes = quick ? [10_000] : [100_000, 1_000_000];
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres('sidos-bench');
  const serverUrl = process.env.DATABASE_URL ?? embedded!.url;
  const rows: (string | number)[][] = [];
  try {
    for (const feedback of sizes) {
      const figures = await withDatabase(serverUrl, `sidos_bench_${feedback}`, async (url) => {
        progress(`PostgreSQL, ${feedback} records: seeding`);
        const seeding = performance.now();
        const counts = await seedPostgres(url, feedback);
        const seedMs = performance.now() - seeding;
        progress(`PostgreSQL, ${feedback} records: seeded in ${Math.round(seedMs)} ms; measuring`);
        return { counts, seedMs, store: await measureInChild(url, feedback, counts) };
      });
      const { counts, seedMs, store } = figures;
      const rowsSeeded = counts.partners + counts.meetings + counts.feedbackRequests + counts.feedback;
      const ms = (n: number) => n.toFixed(n < 10 ? 2 : 0);
      rows.push([
        feedback.toLocaleString('en-US'),
        `${(seedMs / 1000).toFixed(1)} s (${Math.round(rowsSeeded / (seedMs / 1000)).toLocaleString('en-US')} rows/s)`,
        ms(store.openMs),
        `${ms(store.weekMs)} (${store.weekRecords.toLocaleString('en-US')})`,
        `${ms(store.digestMs)} (${store.digestFeedback.toLocaleString('en-US')})`,
        `${ms(store.get.p50)} / ${ms(store.get.p99)}`,
        `${ms(store.findByEmail.p50)} / ${ms(store.findByEmail.p99)}`,
        `${ms(store.findByPartner.p50)} / ${ms(store.findByPartner.p99)}`,
        `${mib(store.rssAfterOpen)} / ${mib(store.peakRss)}`,
      ]);
    }
  } finally {
    await embedded?.stop();
  }
  return [
    `\nPostgreSQL RecordStore (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PostgreSQL'}), at the store level: ` +
      `feedback over two years with a partner per 10 answers, a meeting per 50 and a quarter of the requests unanswered. ` +
      `Latencies are of ${LOOKUPS} calls one after another; RSS is of a process holding only the store.\n`,
    table(
      ['stored feedback', 'seeding', 'open (connect + migrate) ms', 'one week of feedback ms (records)', `digest ${DIGEST.period} ms (feedback counted)`, 'get p50 / p99 ms', 'findBy partner e-mail p50 / p99 ms', "findBy a partner's requests p50 / p99 ms", 'RSS after open / peak MiB'],
      rows,
      2,
    ),
  ].join('\n');
}

if (process.argv[2] === '--measure') {
  const [url, feedback, counts] = process.argv.slice(3);
  process.stdout.write(JSON.stringify(await measure(url, Number(feedback), JSON.parse(counts) as SeedCounts)));
}
