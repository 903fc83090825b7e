// Privacy over HTTP: a partner's "my data" card and its JSON download (an
// unknown or expired link gives 404), staff seeing their own data, the admin
// looking a person up, exporting and erasing them after a confirmation, and
// the role check for everyone else.
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Feedback, Invitation } from '../bot/domain/types.js';
import type { RecordStore } from '../bot/store/records.js';
import { executeActions, submission } from './harness/card-inputs.js';
import { FakeClock } from './harness/clock.js';
import { cardOf, type PostedActivity } from './harness/connector.js';
import { admin, coordinator, partner } from './harness/people.js';
import { meetingFixture, partnerFixture, partnerFor } from './harness/seed.js';
import { cardText, Harness, testStore } from './harness/sidos-harness.js';
import { sharedRecords, yearRecords } from './harness/read-records.js';

const pekka = partnerFor(partner, { id: 'partner-pekka-0001', organisation: 'Espoon kaupunki', locale: 'en' });
const liisa = partnerFixture('partner-liisa-0002', { name: 'Liisa Laine', email: 'liisa@espoo.example.fi' });
const meeting = meetingFixture({ id: 'meeting-privacy', subTheme: 'Hakemuksen liitteet' });

const invitation = (id: string, partnerId: string, rsvp: Invitation['rsvp']): Invitation => ({
  id,
  meetingId: meeting.id,
  partnerId,
  rsvp,
  sentSequence: 0,
  icsToken: `ics-${id}-0123456789abcdefghij`,
});

const answer = (id: string, partnerId: string, rating: number, anonymous: boolean, works: string): Feedback => ({
  id,
  requestId: `request-${id}`,
  kind: 'meeting',
  meetingId: meeting.id,
  officeId: 'uusimaa',
  segment: 'municipalities',
  partnerId,
  anonymous,
  rating,
  works,
  change: 'Liitelista etukäteen',
  submittedAt: '2027-03-02T14:00:00.000Z',
  updatedAt: '2027-03-02T14:00:00.000Z',
});

const urlOf = (card: Record<string, any> | undefined): string =>
  (card?.actions ?? []).find((a: { type: string }) => a.type === 'Action.OpenUrl')?.url ?? '';
const textOf = (posted: PostedActivity[]) => posted.map((p) => p.activity.text ?? cardText(cardOf(p))).join('\n');

describe('privacy end to end', () => {
  const clock = new FakeClock('2027-03-10T09:00:00.000Z');
  let dir: string;
  let h: Harness;

  const download = (url: string) => fetch(`${h.sidos.url}${new URL(url).pathname}`);
  const dataFiles = async () => {
    const names = (await readdir(join(dir, 'data'))).filter((n) => n.endsWith('.json') || n.endsWith('.json.journal'));
    return (await Promise.all(names.map((n) => readFile(join(dir, 'data', n), 'utf8')))).join('\n');
  };
  /** Everything kept, as text: every record through the store, and on lowdb also its files as they are on disk. */
  const storedTexts = async (): Promise<string[]> => {
    const years = await Promise.all((await h.records.years()).map((year) => yearRecords(h.records, year)));
    const kept = JSON.stringify({ shared: await sharedRecords(h.records), years });
    return testStore === 'lowdb' ? [kept, await dataFiles()] : [kept];
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-e2e-privacy-'));
    const seedRecords = (records: RecordStore) =>
      records.transaction(async (tx) => {
        for (const p of [pekka, liisa]) await tx.put('partners', p);
        await tx.putInYear('meetings', 2027, meeting);
        for (const i of [invitation('invitation-1', pekka.id, 'accepted'), invitation('invitation-2', liisa.id, 'declined')]) await tx.putInYear('invitations', 2027, i);
        for (const f of [answer('fb-pekka', pekka.id, 4, true, 'Selkeä esitys'), answer('fb-liisa', liisa.id, 3, false, 'Liisan vastaus')]) await tx.putInYear('feedback', 2027, f);
      });
    h = await Harness.start({ clock: clock.now, dataDir: dir, seedRecords });
    h.connector.members.set(admin.id, { id: admin.id, aadObjectId: admin.aadObjectId, email: admin.email, name: admin.name });
  });

  afterAll(async () => {
    await h.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('shows a partner what is stored about them, with a JSON download that expires', async () => {
    const [reply] = await h.say(partner, 'my data', { locale: 'en-US' });
    const card = cardOf(reply);
    const text = cardText(card);
    expect(text).toContain('What Sidos stores about you');
    expect(text).toContain('Name: Pekka Partner');
    expect(text).toContain(`E-mail: ${partner.email}`);
    expect(text).toContain('Hakemuksen liitteet, Tue 2 Mar 2027 13:00: attending');
    expect(text).toContain('4/5 – Hakemuksen liitteet, Tue 2 Mar 2027 13:00 (anonymous)');
    expect(text).toContain('Personal chat, last message Wed 10 Mar 2027 11:00');
    expect(text).not.toContain('Liisa');
    expect(executeActions(card!, 'privacy.erase')).toEqual([]);

    const url = urlOf(card);
    const res = await download(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="sidos-personal-data-2027-03-10\.json"$/);
    const body = await res.text();
    expect(body).toContain(partner.email);
    const data = JSON.parse(body);
    expect(data.partner.id).toBe(pekka.id);
    expect(data.feedback.map((f: Feedback) => f.works)).toEqual(['Selkeä esitys']);
    expect(data.invitations[0]).toMatchObject({ rsvp: 'accepted', meeting: { subTheme: 'Hakemuksen liitteet' } });
    expect(body).not.toContain('Liisa');
    expect(body).not.toContain('ics-invitation-1');

    // A guessed token opens nothing, and the link expires after a day.
    expect((await download(`${url.slice(0, url.lastIndexOf('/'))}/AbCdEfGhIjKlMnOpQrStUvWxYz012345`)).status).toBe(404);
    clock.advance(24 * 3_600_000 + 1000);
    expect((await download(url)).status).toBe(404);
  });

  it('shows staff their role and chats, and keeps personal data out of channels', async () => {
    const [reply] = await h.say(coordinator, 'my data', { locale: 'en-US' });
    const text = cardText(cardOf(reply));
    expect(text).toContain('coordinator, Uusimaa regional office (configuration file)');
    expect(text).toContain('Personal chat, last message');
    expect(text).not.toContain('In the partner register');

    const where = { kind: 'channel' as const, teamId: '19:team-a', channelId: '19:yleinen@thread.tacv2' };
    expect(textOf(await h.say(partner, 'my data', { where, locale: 'en-US' }))).toBe(
      'This shows personal data, so ask me in a personal chat with Sidos, not here.',
    );
  });

  it('refuses "privacy" to coordinators and partners', async () => {
    for (const user of [coordinator, partner]) {
      expect(textOf(await h.say(user, `privacy ${liisa.email}`, { locale: 'en-US' }))).toBe('Sorry, this is only for administrator. Nothing was changed.');
    }
    const refused = await h.click(coordinator, 'privacy.erase.confirm', { email: liisa.email }, { locale: 'en-US' });
    expect(refused.value).toBe('Sorry, this is only for administrator. Nothing was changed.');
    for (const text of await storedTexts()) expect(text).toContain(liisa.email);
  });

  it('lets an admin look a person up, export their data and erase it after a confirmation', async () => {
    expect(textOf(await h.say(admin, 'privacy', { locale: 'en-US' }))).toContain('Type "privacy" and the person\'s e-mail address');
    expect(textOf(await h.say(admin, 'privacy nobody@example.fi', { locale: 'en-US' }))).toBe('Sidos stores nothing about nobody@example.fi.');

    const [reply] = await h.say(admin, `privacy ${liisa.email}`, { locale: 'en-US' });
    const card = cardOf(reply)!;
    const text = cardText(card);
    expect(text).toContain(`Data stored about ${liisa.email}`);
    expect(text).toContain('Name: Liisa Laine');
    expect(text).toContain('Hakemuksen liitteet, Tue 2 Mar 2027 13:00: not attending');
    expect(text).toContain('3/5 – Hakemuksen liitteet');

    const exported = await download(urlOf(card));
    expect(exported.status).toBe(200);
    const body = await exported.text();
    expect(body).toContain(liisa.email);
    expect(JSON.parse(body).feedback[0].works).toBe('Liisan vastaus');

    const confirm = await h.click(admin, 'privacy.erase', submission(card, 'privacy.erase'), { locale: 'en-US' });
    const confirmText = cardText(confirm.value);
    expect(confirmText).toContain(`Erase all data about ${liisa.email}?`);
    expect(confirmText).toContain('This cannot be undone.');
    // Cancel leads back to the person's card; nothing is erased.
    const back = await h.click(admin, 'privacy.show', submission(confirm.value, 'privacy.show'), { locale: 'en-US' });
    expect(cardText(back.value)).toContain('Name: Liisa Laine');
    for (const text of await storedTexts()) expect(text).toContain(liisa.email);

    const done = await h.click(admin, 'privacy.erase.confirm', submission(confirm.value, 'privacy.erase.confirm'), { locale: 'en-US' });
    const doneText = cardText(done.value);
    expect(doneText).toContain(`Erased: ${liisa.email}`);
    expect(doneText).toContain('Removed from the partner register.');
    expect(doneText).toContain('Anonymised: 1 invitation, 0 feedback requests, 1 feedback answer (texts deleted from 1 given under their name), 0 proposals.');

    const files = await storedTexts();
    for (const text of files) for (const gone of [liisa.id, liisa.email, 'Liisa Laine', 'Liisan vastaus']) expect(text).not.toContain(gone);
    expect(await h.records.get('partners', liisa.id)).toBeUndefined();
    expect((await h.records.get('partners', pekka.id))?.id).toBe(pekka.id);
    const stays = await h.records.get('feedback', 'fb-liisa');
    expect(stays).toMatchObject({ rating: 3, works: '', segment: 'municipalities' });
    expect((await download(urlOf(card))).status).toBe(404);

    // Erasing again finds nothing; Pekka's data is untouched.
    const again = await h.click(admin, 'privacy.erase.confirm', { email: liisa.email }, { locale: 'en-US' });
    expect(cardText(again.value)).toContain(`Nothing to erase: Sidos stores nothing about ${liisa.email}.`);
    for (const text of files) expect(text).toContain(partner.email);
  });

  it('the retention job erases a partner with nothing newer than the retention period', async () => {
    clock.set('2032-06-01T09:00:00.000Z'); // more than 1825 days after Pekka's last activity in March 2027
    await h.runJob('privacy.retention');
    expect(await h.records.get('partners', pekka.id)).toBeUndefined();
    const answers = await Promise.all(['fb-pekka', 'fb-liisa'].map((id) => h.records.get('feedback', id)));
    expect(answers.map((f) => [f?.rating, f?.anonymous, f?.partnerId.startsWith('erased:')])).toEqual([
      [4, true, true],
      [3, false, true],
    ]);
    const files = await storedTexts();
    for (const text of files) for (const gone of [partner.email, partner.aadObjectId, partner.name, pekka.id]) expect(text).not.toContain(gone);
    // Staff stay: they are in the configuration, not the register.
    for (const text of files) expect(text).toContain(coordinator.aadObjectId);
  });
});
