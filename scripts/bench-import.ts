// The event-loop stall of a partner CSV import: 2,000 rows (half new partners,
// half changes to partners already there) into a register of 20,000 partners
// on the lowdb RecordStore, as the import card does it: the CSV is parsed and
// validated (one synchronous step, timed), then importPartners writes the rows
// in chunked transactions. perf_hooks.monitorEventLoopDelay samples how late
// the event loop is while importPartners runs: its max is the longest time no
// other request, invoke or /healthz could have been answered (issue 12's
// target: < 200 ms).
// Run: node --import tsx scripts/bench-import.ts [rows = 2000] [partners = 20000]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parsePartnerCsv } from '../bot/domain/partner-csv.js';
import type { Partner } from '../bot/domain/types.js';
import { importPartners } from '../bot/services/partners.js';
import { LowdbRecordStore } from '../bot/store/lowdb-records.js';

const OFFICES = ['uusimaa', 'pohjanmaa'];
const SEGMENTS = ['municipalities', 'debt-counsellors'];
const T0 = '2027-01-01T00:00:00.000Z';
/** Partners seeded per transaction (seeding is not measured). */
const SEED_BATCH = 5_000;

export interface ImportFigures {
  rows: number;
  partners: number;
  /** Parsing and validating the CSV: synchronous, so the event loop waits this long. */
  parseMs: number;
  /** importPartners from start to end. */
  ms: number;
  stallMaxMs: number;
  stallP99Ms: number;
  added: number;
  updated: number;
}

const partnerNo = (i: number): Partner => ({
  id: `partner-${i}`,
  name: `Partner ${i}`,
  organisation: `Organisation ${i % 500}`,
  segment: SEGMENTS[i % SEGMENTS.length],
  officeId: OFFICES[0],
  email: `partner-${i}@example.fi`,
  locale: 'fi',
  createdAt: T0,
  updatedAt: T0,
});

/** Rows 0 … rows/2-1 change the organisation of partners already there; the rest are new. */
function csvOf(rows: number, partners: number): string {
  const lines = Array.from({ length: rows }, (_, i) => {
    const n = i < rows / 2 ? i * Math.floor(partners / rows) : partners + i;
    return `Partner ${n},Organisation renamed ${n},${SEGMENTS[n % SEGMENTS.length]},partner-${n}@example.fi`;
  });
  return ['name,organisation,segment,email', ...lines].join('\n');
}

export async function benchImport(rows = 2_000, partners = 20_000): Promise<ImportFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'sidos-bench-import-'));
  const records = await LowdbRecordStore.open(dir);
  try {
    for (let start = 0; start < partners; start += SEED_BATCH) {
      await records.transaction(async (tx) => {
        for (let i = start; i < Math.min(partners, start + SEED_BATCH); i++) await tx.put('partners', partnerNo(i));
      });
    }
    const csv = csvOf(rows, partners);
    const parseStarted = performance.now();
    const parsed = parsePartnerCsv(csv, { segments: SEGMENTS, offices: OFFICES, defaultOffice: OFFICES[0] });
    const parseMs = performance.now() - parseStarted;

    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    // Let the monitor's timer start before the loop is busy, or the first stall goes unseen.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = performance.now();
    const results = await importPartners(records, parsed.rows, new Date('2027-06-01T09:00:00.000Z'), () => 'fi');
    const ms = performance.now() - started;
    delay.disable();
    const count = (status: string) => results.filter((r) => r.status === status).length;
    return {
      rows,
      partners,
      parseMs: Math.round(parseMs),
      ms: Math.round(ms),
      // The histogram is in nanoseconds.
      stallMaxMs: Math.round(delay.max / 1e6),
      stallP99Ms: Math.round(delay.percentile(99) / 1e6),
      added: count('added'),
      updated: count('updated'),
    };
  } finally {
    await records.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = Number(process.argv[2] ?? 2_000);
  const partners = Number(process.argv[3] ?? 20_000);
  void benchImport(rows, partners).then((f) =>
    console.log(
      `partner import: ${f.rows} rows (${f.added} added, ${f.updated} updated) into ${f.partners} partners on lowdb: ` +
        `CSV parsed and validated in ${f.parseMs} ms (one synchronous step); importPartners ${f.ms} ms, ` +
        `event-loop stall max ${f.stallMaxMs} ms, p99 ${f.stallP99Ms} ms (target < 200 ms)`,
    ),
  );
}
