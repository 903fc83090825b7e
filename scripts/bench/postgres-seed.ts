// Fills a PostgreSQL database with a national deployment's history, fast, for
// the benchmark: `feedback` answered feedback records over two years, with the
// partners, plans, meetings and feedback requests they refer to in the
// proportions of scripts/bench/dataset.ts (a partner per 10 answers, a meeting
// per 50, a quarter of the requests unanswered). Rows go in as multi-row
// INSERTs (unnest of one array per column), 5,000 to a statement, with the
// tables' secondary indexes dropped meanwhile and built again at the end (a
// bulk build is several times faster than keeping them up row by row; the
// unique ones check the data when they are rebuilt). Records are made chunk
// by chunk, so 1M answers never sit in memory at once.
import pg from 'pg';
import type { FeedbackRequest, Meeting, Partner } from '../../bot/domain/types.js';
import { migrate } from '../../bot/store/pg-migrations.js';
import { KINDS, type YearKind } from '../../bot/store/record-kinds.js';
import { benchPlan, FIRST, LAST, ORGS, PLACES, randomFeedback, randomWords, SEGMENTS, SUB_THEMES } from './dataset.js';
import { prng } from './prng.js';

/** The history runs over these two years; a record is filed under the year it belongs to (a meeting's, an answer's). */
export const SEED_FROM = '2026-01-01T00:00:00.000Z';
export const SEED_TO = '2028-01-01T00:00:00.000Z';
const OFFICES = [
  { id: 'uusimaa', locale: 'fi' as const },
  { id: 'pohjanmaa', locale: 'sv' as const },
];
const BATCH = 5_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FROM_MS = Date.parse(SEED_FROM);
const SPAN_MS = Date.parse(SEED_TO) - FROM_MS;

/** Ids are the record's kind and number, so a benchmark can ask for any of them without reading them first. */
export const seedIds = {
  partner: (i: number) => `partner-${i}`,
  meeting: (i: number) => `meeting-${i}`,
  request: (i: number) => `request-${i}`,
  feedback: (i: number) => `feedback-${i}`,
};

export interface SeedCounts {
  partners: number;
  meetings: number;
  feedbackRequests: number;
  feedback: number;
}

export function seedCounts(feedback: number, openRequests = 0): SeedCounts {
  return {
    partners: Math.max(20, Math.ceil(feedback / 10), openRequests),
    meetings: Math.max(20, Math.ceil(feedback / 50)),
    // Every answer has its request; a third as many again were never answered.
    feedbackRequests: feedback + Math.ceil(feedback / 3),
    feedback,
  };
}

const yearOf = (instant: string) => Number(instant.slice(0, 4));

class Inserter {
  private readonly rows = new Map<string, { ids: string[]; years: (number | null)[]; data: string[] }>();
  constructor(private readonly pool: pg.Pool) {}

  async add(table: string, year: number | null, record: { id: string }): Promise<void> {
    const rows = this.rows.get(table) ?? this.rows.set(table, { ids: [], years: [], data: [] }).get(table)!;
    rows.ids.push(record.id);
    rows.years.push(year);
    rows.data.push(JSON.stringify(record));
    if (rows.ids.length >= BATCH) await this.flush(table);
  }

  async flush(table?: string): Promise<void> {
    for (const [name, rows] of this.rows) {
      if ((table && name !== table) || rows.ids.length === 0) continue;
      const perYear = rows.years[0] !== null;
      const sql = perYear
        ? `INSERT INTO ${name} (id, year, data) SELECT * FROM unnest($1::text[], $2::integer[], $3::jsonb[])`
        : `INSERT INTO ${name} (id, data) SELECT * FROM unnest($1::text[], $2::jsonb[])`;
      await this.pool.query(sql, perYear ? [rows.ids, rows.years, rows.data] : [rows.ids, rows.data]);
      this.rows.set(name, { ids: [], years: [], data: [] });
    }
  }
}

const table = (kind: YearKind | 'partners') => KINDS[kind].table;

/** Open requests for a benchmark to answer: the first `count` partners (all with Teams) were asked about a meeting two days before `now`. */
export interface OpenRequests {
  count: number;
  now: string;
}

export const seedUser = (i: number) => ({ id: `29:partner-${i}`, aadObjectId: `aad-partner-${i}`, name: `Partner ${i}`, email: `partner.${i}@org${i % 700}.example.fi` });

/** Seeds an empty database (its schema is brought up to date first); returns what it wrote. */
export async function seedPostgres(databaseUrl: string, feedback: number, open?: OpenRequests): Promise<SeedCounts> {
  const counts = seedCounts(feedback, open?.count);
  const random = prng(feedback);
  const { pick } = randomWords(random);
  // A seed that dies halfway is thrown away anyway: its commits need not wait for the disk.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1, options: '-c synchronous_commit=off' });
  try {
    await migrate(pool);
    const tables = [table('partners'), table('plans'), table('meetings'), table('feedbackRequests'), table('feedback')];
    const { rows: indexes } = await pool.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY($1) AND indexname NOT LIKE '%\\_pkey'",
      [tables],
    );
    for (const { indexname } of indexes) await pool.query(`DROP INDEX ${indexname}`);
    const insert = new Inserter(pool);
    const officeOf = (partner: number) => OFFICES[partner % 5 === 4 ? 1 : 0];

    for (let i = 0; i < counts.partners; i++) {
      const office = officeOf(i);
      const partner: Partner = {
        id: seedIds.partner(i),
        name: `${pick(FIRST)} ${pick(LAST)}`,
        organisation: `${pick(PLACES)} ${pick(ORGS)}`,
        segment: SEGMENTS[i % SEGMENTS.length],
        officeId: office.id,
        email: `partner.${i}@org${i % 700}.example.fi`,
        ...(random() < 0.8 || i < (open?.count ?? 0) ? { aadObjectId: seedUser(i).aadObjectId } : {}),
        locale: office.locale,
        createdAt: SEED_FROM,
        updatedAt: SEED_FROM,
      };
      await insert.add(table('partners'), null, partner);
    }

    const plans = [2026, 2027].flatMap((year) =>
      OFFICES.map((office) => benchPlan(`plan-${office.id}-${year}`, office.id, year, `${year - 1}-11-01T10:00:00.000Z`)),
    );
    for (const plan of plans) await insert.add(table('plans'), plan.year, plan);

    // Meetings evenly over the two years, alternating offices.
    const meetingAt = (j: number) => FROM_MS + Math.floor((SPAN_MS * (j + 0.5)) / counts.meetings);
    for (let j = 0; j < counts.meetings; j++) {
      const startsAt = new Date(meetingAt(j)).toISOString();
      const year = yearOf(startsAt);
      const office = OFFICES[j % 2];
      const meeting: Meeting = {
        id: seedIds.meeting(j),
        planId: `plan-${office.id}-${year}`,
        officeId: office.id,
        year,
        subTheme: pick(SUB_THEMES),
        startsAt,
        endsAt: new Date(meetingAt(j) + 2 * HOUR).toISOString(),
        segments: [pick(SEGMENTS), pick(SEGMENTS)],
        place: `${pick(PLACES)}, neuvotteluhuone ${1 + Math.floor(random() * 9)}`,
        status: 'scheduled',
        sequence: 0,
        uid: `meeting-${j}@sidos.example.fi`,
      };
      await insert.add(table('meetings'), year, meeting);
    }

    // Request k is about meeting k mod M and goes to a different partner for every k of that meeting
    // (one request per meeting and partner is a unique constraint); the first `feedback` are answered.
    for (let k = 0; k < counts.feedbackRequests; k++) {
      const m = k % counts.meetings;
      const p = (Math.floor(k / counts.meetings) + m * 37) % counts.partners;
      const sentMs = meetingAt(m) + 2 * HOUR + 600_000;
      const answered = k < feedback;
      const answeredAt = new Date(sentMs + random() * 3 * DAY).toISOString();
      const year = yearOf(new Date(meetingAt(m)).toISOString());
      const office = officeOf(p);
      const request: FeedbackRequest = {
        id: seedIds.request(k),
        kind: 'meeting',
        meetingId: seedIds.meeting(m),
        partnerId: seedIds.partner(p),
        officeId: office.id,
        segment: SEGMENTS[p % SEGMENTS.length],
        sentAt: new Date(sentMs).toISOString(),
        remindersSent: answered ? 0 : 2,
        ...(answered ? { answeredAt } : {}),
        status: answered ? 'answered' : 'closed',
        closesAt: new Date(sentMs + 9 * DAY).toISOString(),
      };
      await insert.add(table('feedbackRequests'), year, request);
      if (!answered) continue;
      const answer = randomFeedback(random, seedIds.feedback(k), request, answeredAt);
      await insert.add(table('feedback'), yearOf(answeredAt), answer);
    }
    if (open) await seedOpenRequests(insert, open, officeOf);
    await insert.flush();
    for (const { indexdef } of indexes) await pool.query(indexdef);
    await pool.query('INSERT INTO years (year) VALUES (2026), (2027), (2028) ON CONFLICT DO NOTHING');
    await pool.query('ANALYZE');
    return counts;
  } finally {
    await pool.end();
  }
}

/** One meeting per office two days before `now`, and an open request about it for each of the first `count` partners. */
async function seedOpenRequests(insert: Inserter, open: OpenRequests, officeOf: (p: number) => (typeof OFFICES)[number]): Promise<void> {
  const startsMs = Date.parse(open.now) - 2 * DAY;
  const year = yearOf(new Date(startsMs).toISOString());
  for (const office of OFFICES) {
    const meeting: Meeting = {
      id: `meeting-open-${office.id}`,
      planId: `plan-${office.id}-${year}`,
      officeId: office.id,
      year,
      subTheme: SUB_THEMES[0],
      startsAt: new Date(startsMs).toISOString(),
      endsAt: new Date(startsMs + 2 * HOUR).toISOString(),
      segments: SEGMENTS,
      place: 'Pasila',
      status: 'scheduled',
      sequence: 0,
      uid: `meeting-open-${office.id}@sidos.example.fi`,
    };
    await insert.add(table('meetings'), year, meeting);
  }
  const sentMs = startsMs + 2 * HOUR + 600_000;
  for (let p = 0; p < open.count; p++) {
    const office = officeOf(p);
    const request: FeedbackRequest = {
      id: `open-request-${p}`,
      kind: 'meeting',
      meetingId: `meeting-open-${office.id}`,
      partnerId: seedIds.partner(p),
      officeId: office.id,
      segment: SEGMENTS[p % SEGMENTS.length],
      sentAt: new Date(sentMs).toISOString(),
      remindersSent: 0,
      status: 'open',
      closesAt: new Date(sentMs + 9 * DAY).toISOString(),
    };
    await insert.add(table('feedbackRequests'), year, request);
  }
}
