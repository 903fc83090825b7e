// npm run store:copy: a seeded data directory goes to PostgreSQL and back into a
// new directory, and comes out the same, record for record and in order.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LowdbStore } from '../bot/store/lowdb-store.js';
import { ALL_KINDS, isYearKind } from '../bot/store/record-kinds.js';
import type { SendRecord, SharedData, YearData } from '../bot/store/store.js';
import { readDataFile } from './harness/data-files.js';
import { ROOT } from './harness/process.js';
import { createTestDatabase } from './harness/postgres.js';
import {
  announcementFixture,
  auditFixture,
  feedbackFixture,
  oneOfEach,
  roleFixture,
  segmentContactsFixture,
  subscriptionFixture,
} from './harness/record-fixtures.js';
import { meetingFixture, partnerFixture } from './harness/seed.js';

function storeCopy(from: string, to: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--disable-warning=DEP0111', '--import', 'tsx', 'scripts/store-copy.ts', '--from', from, '--to', to], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => resolve({ code, output }));
  });
}

/** Every document of a data directory, as it is on disk. */
async function documents(dir: string): Promise<Record<string, unknown>> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  return Object.fromEntries(await Promise.all(names.map(async (name) => [name, await readDataFile(join(dir, name))])));
}

/** A data directory written by the services' own Store: every kind, two years, job state. */
async function seed(dir: string): Promise<void> {
  const store = await LowdbStore.open(dir);
  const records = oneOfEach();
  // A meeting with two invited partners, one accepted and one declined.
  const meeting2 = meetingFixture({ id: 'meeting-2' });
  await store.updateShared((d: SharedData) => d.partners.push(partnerFixture('p2'), partnerFixture('p3')));
  await store.updateYear(meeting2.year, (d) => {
    d.meetings.push(meeting2);
    d.invitations.push(
      { id: 'inv-p2', meetingId: meeting2.id, partnerId: 'p2', rsvp: 'accepted', sentSequence: 0, icsToken: 'token-p2' },
      { id: 'inv-p3', meetingId: meeting2.id, partnerId: 'p3', rsvp: 'declined', sentSequence: 0, icsToken: 'token-p3' },
    );
  });
  await store.updateShared((d: SharedData) => {
    d.partners.push(records.partners);
    d.conversations.push(records.conversations);
    const { id: _id, ...assignment } = records.roleAssignments;
    d.roleAssignments.push(assignment, { role: 'national', email: 'johto@example.fi' });
    // A channel following the news of two offices, besides a digest subscription.
    const news = (id: string, officeId: string) => subscriptionFixture(id, { topic: 'news', officeId, conversationRecordId: 'a:channel-1' });
    d.subscriptions.push(records.subscriptions, news('sub-news-1', 'uusimaa'), news('sub-news-2', 'pirkanmaa'));
    const sent = records.sends as SendRecord;
    d.sends.push(sent, { ...sent, id: 'invite/inv-2/0/email', channel: 'email', status: 'failed', lastError: 'SMTP 451' });
    d.surveys.push(records.surveys);
    d.links.push(records.links);
    d.audit.push(auditFixture('a2', '2027-01-01T00:00:00.000Z'), auditFixture('a1', '2027-02-01T00:00:00.000Z'));
    d.announcements.push(records.announcements, announcementFixture('announcement-2', { kind: 'event', acknowledgements: [] }));
    d.segmentContacts.push(records.segmentContacts, segmentContactsFixture('pirkanmaa', 'municipalities'));
    d.jobState['digest.lastPeriod'] = '2027-W09';
  });
  await store.updateYear(2027, (d: YearData) => {
    for (const kind of ALL_KINDS.filter(isYearKind)) (d[kind] as unknown[]).push(records[kind]);
  });
  await store.updateYear(2028, (d: YearData) => {
    d.meetings.push(meetingFixture({ id: 'meeting-2028', year: 2028 }));
    d.feedback.push(feedbackFixture('f-2028', { requestId: 'r-2028', submittedAt: '2028-01-02T10:00:00.000Z' }));
  });
  await store.close();
  expect(roleFixture().id).toBe(records.roleAssignments.id);
  expect(records.sends.activityId).toBeDefined();
}

describe('npm run store:copy', () => {
  let dir: string;
  let url: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-copy-'));
    url = await createTestDatabase();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('copies a data directory to PostgreSQL and back unchanged, and refuses to copy into a store that has data', async () => {
    const source = join(dir, 'source');
    const back = join(dir, 'back');
    await seed(source);

    const up = await storeCopy(source, url);
    expect(up.output).toMatch(/^Copied from .*source to postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/sidos_\w+: plans 1, meetings 3, invitations 3, .*partners 3, .*roleAssignments 2, subscriptions 3, sends 2, .*audit 2, announcements 2, segmentContacts 2, jobState 1\.\n$/);
    expect(up.code).toBe(0);

    const down = await storeCopy(url, back);
    expect(down.code).toBe(0);
    expect(await documents(back)).toEqual(await documents(source));

    const again = await storeCopy(source, url);
    expect(again.code).toBe(1);
    expect(again.output).toBe('The target already holds plans; copy only into an empty store, so nothing is mixed or overwritten.\n');
  });

  it('says how to use it when an argument is missing, and refuses a source directory that does not exist', async () => {
    const result = await storeCopy(join(dir, 'x'), '');
    expect(result.code).toBe(1);
    expect(result.output).toBe('Usage: npm run store:copy -- --from <DATA_DIR or DATABASE_URL> --to <DATA_DIR or DATABASE_URL>\n');
    const missing = await storeCopy(join(dir, 'typo'), url);
    expect(missing.code).toBe(1);
    expect(missing.output).toBe(`--from ${join(dir, 'typo')}: there is no data directory there.\n`);
  });
});
