import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../bot/config.js';
import type { OutgoingMessage } from '../bot/delivery/outgoing.js';
import { TeamsDelivery } from '../bot/delivery/teams-delivery.js';
import { giveOfficeFeedback, organisationsToReview, sendFeedbackPrompts } from '../bot/services/office-feedback.js';
import type { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { roleAssignmentId } from '../bot/store/record-kinds.js';
import { rsvpFixture as invitation } from './harness/record-fixtures.js';
import { meetingEndingAt as meeting, partnerFixture, personalChat } from './harness/seed.js';
import { cardText } from './harness/sidos-harness.js';
import { dataFileText } from './harness/data-files.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';

const ended = new Date('2027-03-02T15:00:00.000Z');
const coordinator = { role: 'coordinator' as const, officeId: 'uusimaa', id: 'aad-kaisa' };
const input = { meetingId: 'm-1', organisation: 'Espoon kaupunki', rating: 4, works: 'Hyvä yhteistyö.', couldDoDifferently: '' };

const partner = (id: string, organisation: string) => partnerFixture(id, { organisation });

describe('office feedback service', () => {
  let temp: TempRecords;
  let dir: string;
  let records: LowdbRecordStore;
  let config: AppConfig;

  beforeEach(async () => {
    temp = await tempRecords();
    ({ dir, records } = temp);
    config = loadConfig({ DATA_DIR: dir });
    await records.transaction(async (tx) => {
      for (const p of [partner('a', 'Espoon kaupunki'), partner('b', ' espoon KAUPUNKI'), partner('c', 'Vantaan kaupunki'), partner('d', 'Keravan kaupunki')]) {
        await tx.put('partners', p);
      }
      const meetings = [
        meeting('m-1', '2027-03-02T13:00:00.000Z'),
        meeting('m-recorded', '2027-03-01T13:00:00.000Z'),
        meeting('m-nobody', '2027-03-01T13:00:00.000Z'),
        meeting('m-old', '2027-01-10T13:00:00.000Z'),
        meeting('m-cancelled', '2027-03-01T13:00:00.000Z', { status: 'cancelled' }),
        meeting('m-coming', '2027-03-09T13:00:00.000Z'),
      ];
      const invitations = [
        invitation('m-1', 'a', 'accepted'),
        invitation('m-1', 'b', 'tentative'),
        invitation('m-1', 'c', 'declined'),
        invitation('m-1', 'removed-partner', 'accepted'),
        invitation('m-recorded', 'a', 'accepted', false),
        invitation('m-recorded', 'd', 'needs-action', true),
        invitation('m-nobody', 'c', 'declined'),
        ...['m-old', 'm-cancelled', 'm-coming'].map((m) => invitation(m, 'a', 'accepted')),
      ];
      for (const m of meetings) await tx.putInYear('meetings', 2027, m);
      for (const i of invitations) await tx.putInYear('invitations', 2027, i);
    });
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  it('groups the attendees by organisation, whatever the spelling, and skips removed partners', async () => {
    const review = (await organisationsToReview(records, 'm-1'))!;
    expect(review.year).toBe(2027);
    expect(review.organisations.map((o) => [o.organisation, o.partners.map((p) => p.id)])).toEqual([['Espoon kaupunki', ['a', 'b']]]);
    expect((await organisationsToReview(records, 'm-recorded'))!.organisations.map((o) => o.organisation)).toEqual(['Keravan kaupunki']);
    expect(await organisationsToReview(records, 'nope')).toBeUndefined();
  });

  it('refuses, saving nothing: unknown or coming meeting, another office, national role, an organisation that did not attend', async () => {
    const before = await dataFileText(join(dir, '2027.json'));
    const refused = async (patch: object, by: object = {}) => {
      const result = await giveOfficeFeedback(records, { ...input, ...patch }, { ...coordinator, ...by }, ended);
      return result.ok ? 'saved' : result.code;
    };
    expect(await refused({ meetingId: 'nope' })).toBe('office-feedback-meeting-not-found');
    expect(await refused({ meetingId: 'm-coming' })).toBe('office-feedback-meeting-not-ended');
    expect(await refused({}, { officeId: 'pohjanmaa' })).toBe('office-feedback-not-allowed');
    expect(await refused({}, { role: 'national' })).toBe('office-feedback-not-allowed');
    expect(await refused({ organisation: 'Vantaan kaupunki' })).toBe('office-feedback-not-attended');
    expect(await dataFileText(join(dir, '2027.json'))).toBe(before);
  });

  it('keeps one feedback per meeting and organisation; an identical resubmission keeps its version', async () => {
    const first = await giveOfficeFeedback(records, { ...input, organisation: 'ESPOON kaupunki' }, coordinator, ended);
    if (!first.ok) throw new Error(first.code);
    const at = ended.toISOString();
    expect(first.feedback).toMatchObject({ organisation: 'Espoon kaupunki', segment: 'municipalities', givenAt: at, updatedAt: at });
    expect(first.recipients.map((p) => p.id)).toEqual(['a', 'b']);

    const later = new Date(ended.getTime() + 60_000);
    const same = await giveOfficeFeedback(records, input, { ...coordinator, role: 'admin', id: 'aad-admin' }, later);
    expect(same).toMatchObject({ ok: true, feedback: { id: first.feedback.id, updatedAt: ended.toISOString(), givenBy: 'aad-kaisa' } });
    const changed = await giveOfficeFeedback(records, { ...input, rating: 2, couldDoDifferently: 'Liitteet puuttuvat.' }, coordinator, later);
    expect(changed).toMatchObject({ ok: true, feedback: { id: first.feedback.id, rating: 2, givenAt: at, updatedAt: later.toISOString() } });
    expect(await records.inYear('officeFeedback', 2027)).toHaveLength(1);
  });

  describe('sendFeedbackPrompts', () => {
    let sent: { reference: Record<string, unknown>; message: OutgoingMessage }[];
    let delivery: TeamsDelivery;

    beforeEach(async () => {
      sent = [];
      const port = { send: async (reference: Record<string, unknown>, message: OutgoingMessage) => void sent.push({ reference, message }) };
      delivery = new TeamsDelivery(records, port, () => ended, () => undefined);
      const people = [
        { aadObjectId: 'aad-kaisa', role: 'coordinator' as const, office: 'uusimaa' },
        { aadObjectId: 'aad-sven', role: 'coordinator' as const, office: 'pohjanmaa' },
        { aadObjectId: 'aad-no-chat', role: 'coordinator' as const, office: 'uusimaa' },
      ];
      config = { ...config, people };
      await records.transaction(async (tx) => {
        const assigned = { aadObjectId: 'aad-assigned', role: 'coordinator' as const, office: 'uusimaa' };
        await tx.put('roleAssignments', { ...assigned, id: roleAssignmentId(assigned) });
        for (const id of ['aad-kaisa', 'aad-sven', 'aad-assigned']) await tx.put('conversations', personalChat(`chat-${id}`, id, ended, { chat: id }));
      });
    });

    it('asks each reachable coordinator of the office once about each recently ended meeting with attendees', async () => {
      const ports = { records, config, delivery, email: null, log: () => undefined };
      expect(await sendFeedbackPrompts(ports, ended)).toBe(4);
      const got = sent.map((s) => [s.reference.chat, cardText(s.message.card).match(/Sub-theme [\w-]+/)![0]]).sort();
      expect(got).toEqual([
        ['aad-assigned', 'Sub-theme m-1'],
        ['aad-assigned', 'Sub-theme m-recorded'],
        ['aad-kaisa', 'Sub-theme m-1'],
        ['aad-kaisa', 'Sub-theme m-recorded'],
      ]);
      expect(await sendFeedbackPrompts(ports, ended)).toBe(0);
      expect(sent).toHaveLength(4);
    });
  });
});
