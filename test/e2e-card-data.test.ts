// Card action data is parsed at the edge: a payload that does not fit the
// action's schema (a crafted invoke, a card from an older version) answers
// "card is outdated" and changes nothing, for every kind of field a schema checks.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../bot/i18n.js';
import type { RecordStore } from '../bot/store/records.js';
import { FakeClock } from './harness/clock.js';
import { admin, coordinator } from './harness/people.js';
import { partnerFixture } from './harness/seed.js';
import { sharedRecords, yearRecords } from './harness/read-records.js';
import { Harness } from './harness/sidos-harness.js';

const liisa = partnerFixture('partner-liisa-0002', { name: 'Liisa Laine', email: 'liisa@espoo.example.fi' });

describe('malformed card data', () => {
  const clock = new FakeClock('2027-03-10T09:00:00.000Z');
  let dir: string;
  let h: Harness;

  /** Everything Sidos keeps, on either store. */
  const dataFiles = async () => ({ shared: await sharedRecords(h.records), years: await Promise.all((await h.records.years()).map((y) => yearRecords(h.records, y))) });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-e2e-card-data-'));
    const seedRecords = (records: RecordStore) => records.transaction(async (tx) => tx.put('partners', liisa));
    h = await Harness.start({ clock: clock.now, dataDir: dir, seedRecords });
    // The admin is known by e-mail, which Teams's roster gives.
    h.connector.members.set(admin.id, { id: admin.id, aadObjectId: admin.aadObjectId, email: admin.email, name: admin.name });
  });

  afterAll(async () => {
    await h.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers "card is outdated" to data that does not fit, and changes nothing', async () => {
    // The first turn of each person records their conversation; after that the files must stay as they are.
    await h.say(admin, 'help', { locale: 'en-US' });
    await h.say(coordinator, 'help', { locale: 'en-US' });
    const before = await dataFiles();
    const posted = h.connector.posted.length;
    const outdated = translator('en')('error.cardOutdated');

    const crafted = [
      { user: admin, verb: 'privacy.erase.confirm', data: { email: ['liisa@espoo.example.fi'] } },
      { user: admin, verb: 'privacy.erase.confirm', data: { email: 'not an address' } },
      { user: coordinator, verb: 'proposal.status.save', data: { proposalId: 42, status: 'planned', reason: 'Tehdään tämä keväällä.' } },
      { user: coordinator, verb: 'proposal.list', data: { filter: { status: 'planned' } } },
      { user: coordinator, verb: 'survey.stop', data: { surveyId: { $ne: '' } } },
      { user: coordinator, verb: 'feedback.staff', data: { year: 'last year' } },
    ];
    for (const { user, verb, data } of crafted) {
      expect({ verb, answer: (await h.click(user, verb, data, { locale: 'en-US' })).value }).toEqual({ verb, answer: outdated });
    }
    expect(await dataFiles()).toEqual(before);
    expect(await h.records.get('partners', liisa.id)).toEqual(liisa);
    expect(h.connector.posted.length).toBe(posted);
  });
});
