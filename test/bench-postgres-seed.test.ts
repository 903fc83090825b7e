// The benchmark's PostgreSQL seeding (scripts/bench/postgres-seed.ts), small:
// what it writes is what the RecordStore reads back, every reference leads to a
// record, and the indexes it drops for speed are all there again afterwards.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres } from '../bot/store/open-record-store.js';
import type { PgRecordStore } from '../bot/store/pg-records.js';
import { SEED_FROM, SEED_TO, seedCounts, seedIds, seedPostgres } from '../scripts/bench/postgres-seed.js';
import { createTestDatabase } from './harness/postgres.js';

const FEEDBACK = 300;

describe('benchmark seeding on PostgreSQL', () => {
  let url: string;
  let store: PgRecordStore;
  let indexesBefore: string[];
  const indexes = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ indexdef: string }>("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname");
    await client.end();
    return rows.map((r) => r.indexdef);
  };
  beforeAll(async () => {
    url = await createTestDatabase();
    const fresh = await openPostgres(url);
    await fresh.store.close();
    indexesBefore = await indexes();
    expect(await seedPostgres(url, FEEDBACK)).toEqual(seedCounts(FEEDBACK));
    store = (await openPostgres(url)).store;
  });
  afterAll(async () => {
    await store.close();
  });

  it('writes the feedback with the requests, meetings and partners it refers to, readable through the RecordStore', async () => {
    const counts = seedCounts(FEEDBACK);
    const all = await store.feedbackSubmitted(SEED_FROM, SEED_TO);
    expect(all).toHaveLength(FEEDBACK);
    for (const feedback of all) {
      const request = await store.get('feedbackRequests', feedback.requestId!);
      expect(request).toMatchObject({ status: 'answered', partnerId: feedback.partnerId, meetingId: feedback.meetingId, answeredAt: feedback.submittedAt });
      expect(await store.get('meetings', feedback.meetingId!)).toMatchObject({ id: feedback.meetingId, officeId: expect.any(String) });
      expect(await store.get('partners', feedback.partnerId)).toMatchObject({ id: feedback.partnerId, officeId: feedback.officeId });
      expect(await store.yearOf('feedback', feedback.id)).toBe(Number(feedback.submittedAt.slice(0, 4)));
    }
    const unanswered = await store.get('feedbackRequests', seedIds.request(counts.feedbackRequests - 1));
    expect(unanswered).toMatchObject({ status: 'closed' });
    expect(await store.findBy('feedback', 'requestId', unanswered!.id)).toEqual([]);
    expect(await store.findBy('partners', 'email', 'partner.7@org7.example.fi')).toEqual([expect.objectContaining({ id: seedIds.partner(7) })]);
    expect(await store.get('partners', seedIds.partner(counts.partners - 1))).toBeDefined();
    expect(await store.get('meetings', seedIds.meeting(counts.meetings - 1))).toBeDefined();
  });

  it('leaves every index of the schema as the migrations made it', async () => {
    expect(await indexes()).toEqual(indexesBefore);
  });
});
