// Announcements and named contacts in the services, on a real store: the input
// rules, an announcement in "my data" of the partners it reached, erasure
// removing a person from announcements and contact lists, retention deleting
// old announcements, and the job replacing the coordinator's status card.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../bot/config.js';
import { parseAnnouncementInput, parseContactLines, parseResolution } from '../bot/domain/announcement-input.js';
import type { OutgoingMessage } from '../bot/delivery/outgoing.js';
import { TeamsDelivery } from '../bot/delivery/teams-delivery.js';
import { translator } from '../bot/i18n.js';
import { deliverPendingAnnouncements } from '../bot/services/announcement-delivery.js';
import { acknowledge, createAnnouncement, resolveDisruption, staffAnnouncement } from '../bot/services/announcements.js';
import { segmentContactsOf, setContacts } from '../bot/services/contacts.js';
import { erasePerson } from '../bot/services/privacy-erasure.js';
import { personalData } from '../bot/services/privacy-export.js';
import { applyRetention } from '../bot/services/privacy-retention.js';
import type { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { dataFileText } from './harness/data-files.js';
import { checkCard } from './harness/card-check.js';
import { announcementFixture } from './harness/record-fixtures.js';
import { partnerFixture, personalChat } from './harness/seed.js';
import { cardText } from './harness/sidos-harness.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';

const SEGMENTS = ['municipalities', 'debt-counsellors'];
const NOW = new Date('2027-03-01T10:00:00.000Z');
const ID = '11111111-1111-4111-8111-111111111111';
const input = { kind: 'disruption', title: 'Katko', text: 'Palvelu on poissa käytöstä.', segments: 'municipalities', link: '' };

describe('announcement and contact input', () => {
  it('accepts a valid announcement; no segment picked means all of them', () => {
    expect(parseAnnouncementInput(input, SEGMENTS)).toEqual({ ok: true, value: { kind: 'disruption', title: 'Katko', text: 'Palvelu on poissa käytöstä.', segments: ['municipalities'] } });
    const all = parseAnnouncementInput({ ...input, segments: '' }, SEGMENTS);
    expect(all.ok && all.value.segments).toEqual(SEGMENTS);
  });

  it('reports every bad field: empty text, a title with a line break, an unknown kind and segment, a link that is not https', () => {
    const result = parseAnnouncementInput({ kind: 'rumour', title: 'a\nb', text: ' ', segments: 'municipalities,pirates', link: 'http://x.example' }, SEGMENTS);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map((e) => [e.field, e.code])).toEqual([
      ['kind', 'invalid'],
      ['title', 'control-characters'],
      ['text', 'required'],
      ['link', 'not-https'],
      ['segments', 'unknown-segment'],
    ]);
  });

  it('an optional resolution note is cleaned free text', () => {
    expect(parseResolution('  ')).toEqual({ ok: true, value: '' });
    expect(parseResolution('Korjattu\r\nklo 12')).toEqual({ ok: true, value: 'Korjattu\nklo 12' });
  });

  it('reads contacts one a line, as "Name <e-mail>" or "Name, e-mail", and refuses a bad line or too many', () => {
    expect(parseContactLines('f', 'Maija Meikäläinen <Maija@Office.fi>\n\nOlli, olli@office.fi')).toEqual({
      ok: true,
      value: [
        { name: 'Maija Meikäläinen', email: 'maija@office.fi' },
        { name: 'Olli', email: 'olli@office.fi' },
      ],
    });
    expect(parseContactLines('f', '')).toEqual({ ok: true, value: [] });
    const bad = parseContactLines('f', 'Maija\nx <not-an-address>');
    expect(!bad.ok && bad.errors.map((e) => e.code)).toEqual(['invalid-contact', 'invalid-contact']);
    const many = parseContactLines('f', Array.from({ length: 6 }, (_, i) => `P${i} <p${i}@office.fi>`).join('\n'));
    expect(!many.ok && many.errors).toEqual([{ field: 'f', code: 'too-many', params: { max: 5 } }]);
  });
});

describe('announcements and privacy', () => {
  let temp: TempRecords;
  let dir: string;
  let records: LowdbRecordStore;
  let config: AppConfig;
  const liisa = partnerFixture('liisa');
  const pekka = partnerFixture('pekka');

  beforeEach(async () => {
    temp = await tempRecords();
    ({ dir, records } = temp);
    config = loadConfig({ PORT: '0', DATA_DIR: dir, PUBLIC_BASE_URL: 'https://sidos.example.fi' });
    await records.transaction(async (tx) => {
      await tx.put('partners', liisa);
      await tx.put('partners', pekka);
    });
    const parsed = parseAnnouncementInput(input, SEGMENTS);
    if (!parsed.ok) throw new Error('bad input');
    await createAnnouncement(records, ID, 'uusimaa', parsed.value, { locale: 'fi', by: 'aad-coordinator' }, NOW);
    await acknowledge(records, ID, liisa.id, NOW);
  });
  afterEach(() => temp.cleanup());

  it('stores the recipients once, refuses a non-recipient’s acknowledgement and a second resolve', async () => {
    const parsed = parseAnnouncementInput(input, SEGMENTS);
    if (!parsed.ok) throw new Error('bad input');
    const again = await createAnnouncement(records, ID, 'uusimaa', parsed.value, { locale: 'fi', by: 'x' }, NOW);
    expect(again).toMatchObject({ ok: true, created: false });
    expect(again.ok && [...again.announcement.recipients].sort()).toEqual([liisa.id, pekka.id].sort());
    expect(await acknowledge(records, ID, 'someone-else', NOW)).toEqual({ ok: false, code: 'not-recipient' });
    const otherOffice = { role: 'coordinator', officeId: 'pohjanmaa' } as const;
    expect(await staffAnnouncement(records, ID, otherOffice)).toEqual({ ok: false, code: 'other-office' });
    expect(await staffAnnouncement(records, ID, { role: 'admin', officeId: 'pohjanmaa' })).toMatchObject({ ok: true, announcement: { id: ID } });
    expect(await staffAnnouncement(records, 'gone', { role: 'admin', officeId: 'uusimaa' })).toEqual({ ok: false, code: 'not-found' });
    expect(await resolveDisruption(records, ID, otherOffice, '', NOW)).toEqual({ ok: false, code: 'other-office' });
    expect((await resolveDisruption(records, ID, { role: 'coordinator', officeId: 'uusimaa' }, 'Korjattu', NOW)).ok).toBe(true);
    expect(await resolveDisruption(records, ID, { role: 'admin', officeId: 'pohjanmaa' }, '', NOW)).toEqual({ ok: false, code: 'already-resolved' });
    const none = parseAnnouncementInput({ ...input, segments: 'debt-counsellors' }, SEGMENTS);
    if (!none.ok) throw new Error('bad input');
    expect(await createAnnouncement(records, '22222222-2222-4222-8222-222222222222', 'uusimaa', none.value, { locale: 'fi', by: 'x' }, NOW)).toEqual({ ok: false, code: 'no-recipients' });
  });

  it('an announcement is in "my data" of each partner it reached, with their acknowledgement', async () => {
    expect((await personalData(records, config, { partnerId: liisa.id })).announcements).toEqual([
      { id: ID, officeId: 'uusimaa', kind: 'disruption', title: 'Katko', createdAt: NOW.toISOString(), acknowledgedAt: NOW.toISOString() },
    ]);
    expect((await personalData(records, config, { partnerId: pekka.id })).announcements).toEqual([
      { id: ID, officeId: 'uusimaa', kind: 'disruption', title: 'Katko', createdAt: NOW.toISOString() },
    ]);
  });

  it('erasing a partner removes them from announcements; erasing a named contact removes them from the contact list', async () => {
    await setContacts(records, 'uusimaa', { municipalities: [{ name: 'Maija', email: 'maija@office.fi' }, { name: 'Olli', email: 'olli@office.fi' }] }, 'aad-coordinator', NOW);
    const summary = await erasePerson(records, config, { partnerId: liisa.id });
    expect(summary.announcements).toBe(1);
    const stored = (await records.get('announcements', ID))!;
    expect(stored.recipients).toEqual([pekka.id]);
    expect(stored.acknowledgements).toEqual([]);
    expect(await dataFileText(join(dir, 'shared.json'))).not.toContain(liisa.id);

    expect((await erasePerson(records, config, { email: 'maija@office.fi' })).announcements).toBe(1);
    expect(await segmentContactsOf(records, 'uusimaa', 'municipalities')).toEqual([{ name: 'Olli', email: 'olli@office.fi' }]);
    expect(await dataFileText(join(dir, 'shared.json'))).not.toContain('maija@office.fi');
  });

  it('retention deletes announcements older than the personal data period, and only those', async () => {
    const days = config.retention.personalDataDays;
    const early = await applyRetention(records, config, new Date(NOW.getTime() + (days - 1) * 86_400_000));
    expect(early.announcements).toBe(0);
    const late = await applyRetention(records, config, new Date(NOW.getTime() + (days + 1) * 86_400_000));
    expect(late.announcements).toBe(1);
    expect(await records.findBy('announcements', 'officeId', 'uusimaa')).toEqual([]);
  });
});

describe('the announcements job and the coordinator’s status card', () => {
  let temp: TempRecords;
  let records: LowdbRecordStore;
  const config = loadConfig({});
  const sentAt = new Date('2027-03-02T12:00:00.000Z');
  const now = new Date(sentAt.getTime() + 3_600_000);
  const recipient = partnerFixture('p1', { aadObjectId: 'aad-p1' });
  // Sent in Finnish by a coordinator whose Teams is in Swedish: the card is remembered in their language.
  const announcement = announcementFixture('announcement-1', {
    channels: [],
    acknowledgements: [],
    statusCard: { conversationId: 'a:chat-coordinator', activityId: 'activity-status', locale: 'sv', userId: 'user-coordinator' },
  });

  beforeEach(async () => {
    temp = await tempRecords();
    ({ records } = temp);
    await records.transaction(async (tx) => {
      await tx.put('partners', recipient);
      await tx.put('conversations', personalChat('a:chat-p1', 'aad-p1', sentAt, { chat: 'p1' }));
      await tx.put('conversations', personalChat('a:chat-coordinator', 'aad-coordinator', sentAt, { chat: 'coordinator' }));
      await tx.put('announcements', announcement);
    });
  });
  afterEach(() => temp.cleanup());

  it('replaces the status card with the counts after the sends it made, in the card’s language, with no card from the Teams layer', async () => {
    const sent: { reference: Record<string, unknown>; message: OutgoingMessage }[] = [];
    const updated: { reference: Record<string, unknown>; activityId: string; message: OutgoingMessage }[] = [];
    const port = { send: async (reference: Record<string, unknown>, message: OutgoingMessage) => void sent.push({ reference, message }) };
    const cards = { update: async (reference: Record<string, unknown>, activityId: string, message: OutgoingMessage) => void updated.push({ reference, activityId, message }) };
    const ports = { records, config, delivery: new TeamsDelivery(records, port, () => now, () => undefined), email: null, log: () => undefined, clock: () => now, cards };

    await deliverPendingAnnouncements(ports, now);
    await deliverPendingAnnouncements(ports, now);

    expect(sent.map((s) => s.reference)).toEqual([{ chat: 'p1' }]);
    expect(updated.map((u) => [u.reference, u.activityId])).toEqual([[{ chat: 'coordinator' }, 'activity-status']]);
    const card = updated[0].message.card!;
    const sv = translator('sv');
    expect(checkCard(card)).toEqual([]);
    expect(cardText(card)).toContain(`${sv('announce.kind.disruption')}: ${announcement.title}`);
    expect(cardText(card)).toContain(sv('announce.status.done'));
    expect(cardText(card)).toContain(sv('announce.status.line', { sent: 1, failed: 0 }));
    // Its sends are over: the card no longer asks Teams to refresh it.
    expect(card.refresh).toBeUndefined();
  });
});
