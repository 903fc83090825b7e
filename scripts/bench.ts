// npm run bench [-- --quick]
// Feedback submissions through POST /api/messages with 1k, 10k and 100k stored
// feedback records, against a bare botbuilder echo bot under the same load;
// then digest aggregation at 100k and its HTML page with charts, ICS generations per second, sending 1,000
// invitations in the background (scripts/bench-invites.ts), the event-loop stall of a
// 2,000-row partner import into 20,000 partners (scripts/bench-import.ts) and peak memory.
// Sidos runs in this process on a temp DATA_DIR; the load generator, the data
// generator and the memory sampler run in worker threads.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../bot/config.js';
import { translator } from '../bot/i18n.js';
import { startSidos } from '../bot/sidos.js';
import { cardAction } from '../test/harness/activities.js';
import { ConnectorStandIn } from '../test/harness/connector.js';
import { cardText } from '../test/harness/sidos-harness.js';
import { benchDigest } from './bench-digest.js';
import { benchImport } from './bench-import.js';
import { benchInvites } from './bench-invites.js';
import { BENCH_NOW, BENCH_YEAR, type Dataset, type DatasetSpec, type Submission } from './bench/dataset.js';
import { startEchoBot } from './bench/echo-bot.js';
import { icsPerSecond } from './bench/ics.js';
import { figures, LoadClient, merged, type LoadFigures, type LoadResult } from './bench/load.js';
import { mib, RssSampler } from './bench/memory.js';
import { SerializeProbe } from './bench/serialize-probe.js';
import { table } from './bench/table.js';
import { inWorker } from './bench/worker.js';

const quick = process.argv.includes('--quick');
const SIZES = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
const CONCURRENCY = 200;
const SUBMISSIONS = quick ? 500 : 2_000;
/** Submissions answered first at full concurrency and not counted, so the JIT is warm. */
const WARMUP = quick ? 200 : 400;
/** Submissions sent one at a time: latency without queueing. */
const SINGLE = quick ? 5 : 10;
/** The load is sent in rounds, echo bot and Sidos in turn, so a change in the machine's speed hits both alike. */
const ROUNDS = 4;
const DIGEST_RECORDS = quick ? 10_000 : 100_000;
const ICS_MS = quick ? 1_000 : 2_000;
const INVITEES = quick ? 200 : 1_000;
/** How long the connector stand-in takes per post while the invitations go out. */
const CONNECTOR_LATENCY_MS = 100;
/** Issue 12's import figure: this many CSV rows into a register of this many partners. */
const IMPORT_ROWS = 2_000;
const IMPORT_REGISTER = 20_000;

const progress = (line: string) => console.error(`[bench] ${line}`);

interface BotFigures {
  single: LoadFigures;
  loaded: LoadFigures;
  /** Echo bot: while it alone ran; Sidos: from its start to its stop (the idle echo bot included). */
  peakRss: number;
}

interface SizeResult {
  records: number;
  yearMiB: number;
  sharedMiB: number;
  echo: BotFigures;
  echoFailed: number;
  sidos: BotFigures;
  acked: number;
  failed: number;
  lost: number;
  startMs: number;
  probe: { calls: number; ms: number };
}

/** The invoke answered 200 with the saved-feedback card in the partner's language. */
function acknowledged(submission: Submission, status: number, body: string): boolean {
  if (status !== 200) return false;
  const parsed = JSON.parse(body) as { statusCode?: number; value?: unknown };
  return parsed.statusCode === 200 && cardText(parsed.value).includes(translator(submission.locale)('feedback.saved'));
}

/** Acknowledged submissions whose answer is not in the year file on disk. */
async function lostSubmissions(yearFile: string, acked: Submission[]): Promise<number> {
  const year = JSON.parse(await readFile(yearFile, 'utf8')) as { feedback: { requestId?: string; rating: number; works: string }[] };
  const stored = new Map(year.feedback.map((f) => [f.requestId, f]));
  return acked.filter((s) => {
    const f = stored.get(s.data.requestId);
    return !f || f.rating !== Number(s.data.rating) || f.works !== s.data.works;
  }).length;
}

async function measureSize(records: number, connector: ConnectorStandIn, client: LoadClient, sampler: RssSampler): Promise<SizeResult> {
  const dir = await mkdtemp(join(tmpdir(), 'sidos-bench-'));
  const dataDir = join(dir, 'data');
  try {
    progress(`${records} records: writing the data files`);
    const spec: DatasetSpec = { dir: dataDir, records, open: WARMUP + SINGLE + SUBMISSIONS, serviceUrl: connector.url };
    const dataset = await inWorker<DatasetSpec, Dataset>(new URL('./bench/dataset.ts', import.meta.url).href, 'writeDataset', spec);
    const bodies = dataset.submissions.map((s) =>
      JSON.stringify(cardAction(connector.url, s.user, 'feedback.submit', s.data, { locale: s.locale === 'sv' ? 'sv-SE' : 'fi-FI' })),
    );
    // Each submission is sent once to each bot: warm-up, then one at a time, then the load in rounds.
    const load = bodies.slice(WARMUP + SINGLE);
    const phases = {
      warmup: bodies.slice(0, WARMUP),
      single: bodies.slice(WARMUP, WARMUP + SINGLE),
      rounds: Array.from({ length: ROUNDS }, (_, k) => load.slice((k * load.length) / ROUNDS, ((k + 1) * load.length) / ROUNDS)),
    };
    const send = (url: string, list: string[], concurrency: number) => client.run({ url: `${url}/api/messages`, bodies: list, concurrency });

    progress(`${records} records: echo bot warm-up`);
    const echoBot = await startEchoBot();
    await sampler.peakSinceLast();
    // The echo bot gets more warm-up requests: it needs more to reach a steady state, and they cost little.
    for (let round = 0; round < 3; round++) await send(echoBot.url, bodies, CONCURRENCY);
    const echoPeakRss = await sampler.peakSinceLast();

    progress(`${records} records: Sidos start and warm-up`);
    const offset = Date.parse(BENCH_NOW) - Date.now();
    const startedAt = performance.now();
    const sidos = await startSidos({
      config: loadConfig({ PORT: '0', DATA_DIR: dataDir }),
      clock: () => new Date(Date.now() + offset),
      log: (line) => (line.startsWith('SMTP_URL is not set') ? undefined : progress(`sidos: ${line}`)),
      startJobs: false,
    });
    const startMs = performance.now() - startedAt;
    const warm = await send(sidos.url, phases.warmup, CONCURRENCY);

    progress(`${records} records: measuring, echo bot and Sidos in turn`);
    const echoSingle = await send(echoBot.url, phases.single, 1);
    const single = await send(sidos.url, phases.single, 1);
    const echoRounds: LoadResult[] = [];
    const rounds: LoadResult[] = [];
    const probe = new SerializeProbe();
    for (const round of phases.rounds) {
      echoRounds.push(await send(echoBot.url, round, CONCURRENCY));
      probe.install();
      rounds.push(await send(sidos.url, round, CONCURRENCY));
      probe.uninstall();
    }
    await sidos.stop();
    const sidosPeakRss = await sampler.peakSinceLast();
    await echoBot.stop();

    const loaded = merged(rounds);
    const echoLoaded = merged(echoRounds);
    const outcomes = [warm, single, loaded].flatMap((r: LoadResult) => r.status.map((status, i) => ({ status, body: r.response[i] })));
    const acked = dataset.submissions.filter((s, i) => acknowledged(s, outcomes[i].status, outcomes[i].body));
    const echoOk = (r: LoadResult) => r.status.filter((s, i) => s === 200 && JSON.parse(r.response[i]).statusCode === 200).length;
    return {
      records,
      yearMiB: mib(dataset.yearBytes),
      sharedMiB: mib(dataset.sharedBytes),
      echo: { single: figures(echoSingle), loaded: figures(echoLoaded), peakRss: echoPeakRss },
      echoFailed: SINGLE + SUBMISSIONS - echoOk(echoSingle) - echoOk(echoLoaded),
      sidos: { single: figures(single), loaded: figures(loaded), peakRss: sidosPeakRss },
      acked: acked.length,
      failed: dataset.submissions.length - acked.length,
      lost: await lostSubmissions(join(dataDir, `${BENCH_YEAR}.json`), acked),
      startMs,
      probe: { calls: probe.calls, ms: probe.ms },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const num = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => num(n, n < 100 ? 1 : 0);
const times = (n: number) => `${num(n, n < 10 ? 1 : 0)}×`;

async function main(): Promise<void> {
  const sampler = new RssSampler();
  const connector = await new ConnectorStandIn().start();
  const client = new LoadClient();
  const results: SizeResult[] = [];
  for (const records of SIZES) results.push(await measureSize(records, connector, client, sampler));
  await client.stop();
  const connectorCalls = connector.requests;
  await connector.stop();

  progress(`digest over ${DIGEST_RECORDS} records`);
  const digest = await benchDigest(DIGEST_RECORDS);
  progress('ICS generation');
  const ics = icsPerSecond(ICS_MS);
  progress(`sending ${INVITEES} invitations`);
  const invites = await benchInvites(INVITEES, CONNECTOR_LATENCY_MS);
  progress(`importing ${IMPORT_ROWS} partners into ${IMPORT_REGISTER}`);
  const partnerImport = await benchImport(IMPORT_ROWS, IMPORT_REGISTER);
  await sampler.stop();

  console.log(`\nSidos benchmark${quick ? ' (--quick)' : ''}: node ${process.version}, ${process.platform}/${process.arch}, ${availableParallelism()} cores`);
  console.log(
    `Feedback answers (feedback.submit invokes to /api/messages), each to its own open request: ${SINGLE} sent one at a time, ` +
      `then ${SUBMISSIONS} from ${CONCURRENCY} concurrent senders (after ${WARMUP} for warm-up). The echo bot gets the same requests.\n`,
  );
  console.log(
    table(
      ['stored feedback', 'bot', '1 sender p50 ms', `${CONCURRENCY} senders req/s`, 'p50 ms', 'p99 ms', 'p50 vs echo', 'p99 vs echo', 'lost', 'failed', 'peak RSS MiB'],
      results.flatMap((r) => {
        const row = (bot: string, f: BotFigures, vs: string[], lost: string | number, failed: number) => [
          num(r.records),
          bot,
          ms(f.single.p50),
          num(f.loaded.perSecond),
          ms(f.loaded.p50),
          ms(f.loaded.p99),
          ...vs,
          lost,
          failed,
          mib(f.peakRss),
        ];
        const vs = [times(r.sidos.loaded.p50 / r.echo.loaded.p50), times(r.sidos.loaded.p99 / r.echo.loaded.p99)];
        return [row('echo bot', r.echo, ['', ''], '–', r.echoFailed), row('Sidos', r.sidos, vs, r.lost, r.failed)];
      }),
      2,
    ),
  );
  console.log('Peak RSS is the whole process (the load generator included): for the echo bot before Sidos starts, for Sidos from its start to its stop.');
  console.log('\nSidos under load: the data files, start-up, and the store\'s whole-file rewrites (writes append to a journal; the file is rewritten only when the journal is compacted).\n');
  console.log(
    table(
      ['stored feedback', 'year file MiB', 'shared file MiB', 'start-up ms', 'whole-file rewrites', 'serializing ms', 'share of wall time'],
      results.map((r) => [
        num(r.records),
        r.yearMiB,
        r.sharedMiB,
        num(r.startMs),
        r.probe.calls,
        num(r.probe.ms),
        `${num((100 * r.probe.ms) / ((r.sidos.loaded.requests / r.sidos.loaded.perSecond) * 1000))} %`,
      ]),
    ),
  );
  console.log('');
  console.log(
    table(
      ['other figures', 'value'],
      [
        [`digest aggregation (buildDigest, 8 periods, median of 5), ${num(DIGEST_RECORDS)} feedback records`, `${ms(digest.ms)} ms`],
        [`digest HTML page with ${digest.charts} SVG charts (20 offices)`, `${ms(digest.htmlMs)} ms`],
        ['ICS generation (buildInvite, 25 attendees)', `${num(ics.perSecond)} / s (${num(ics.bytes)} bytes each)`],
        [
          `partner import, ${num(partnerImport.rows)} rows into ${num(partnerImport.partners)} partners (lowdb): event-loop stall max / p99 (target < 200 ms)`,
          `${num(partnerImport.stallMaxMs)} / ${num(partnerImport.stallP99Ms)} ms (import ${num(partnerImport.ms)} ms)`,
        ],
        ['  of which before it: parsing and validating the CSV, one synchronous step', `${num(partnerImport.parseMs)} ms`],
        ['peak RSS of the whole run (process maxRSS)', `${mib(process.resourceUsage().maxRSS * 1024)} MiB`],
        ['calls to the connector stand-in', connectorCalls],
      ],
    ),
  );
  console.log(
    `\nSending invitations: one Send click for ${num(invites.invitees)} invitees in Teams, default pacing, ` +
      `the connector stand-in taking ${CONNECTOR_LATENCY_MS} ms per post.\n`,
  );
  console.log(
    table(
      ['invitees', 'click answered ms', 'all sent ms', 'peak posts in flight', 'invites posted'],
      [[num(invites.invitees), ms(invites.answeredMs), num(invites.allSentMs), invites.peakInFlight, num(invites.posted)]],
    ),
  );
  const lost = results.reduce((n, r) => n + r.lost, 0);
  const acked = results.reduce((n, r) => n + r.acked, 0);
  console.log(`\nlost: ${lost} (of ${acked} acknowledged answers, checked in the year file on disk after stop)`);
  console.log(await (await import('./bench-postgres.js')).postgresStoreSection({ quick, table, progress }));
  console.log(await (await import('./bench-process.js')).processSection({ quick, table, lowdbOnly: false }));
}

await main();
