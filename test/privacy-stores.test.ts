// The privacy services on both RecordStores: a person found by their e-mail,
// erased in one transaction (a failure halfway keeps nothing of it), and
// retention in batches larger than one transaction takes.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/config.js';
import { erasePerson } from '../bot/services/privacy-erasure.js';
import { nothingStored, personalData } from '../bot/services/privacy-export.js';
import { applyRetention } from '../bot/services/privacy-retention.js';
import type { RecordStore, RecordTransaction } from '../bot/store/records.js';
import { auditFixture, feedbackFixture, invitationFixture, linkFixture, proposalFixture, requestFixture } from './harness/record-fixtures.js';
import { lowdbSubject, postgresSubject } from './harness/record-stores.js';
import { meetingFixture, partnerFixture, personalChat } from './harness/seed.js';

const config = loadConfig({ PORT: '0', DATA_DIR: '/unused', PUBLIC_BASE_URL: 'https://sidos.example.fi' });
const AT = '2027-03-02T12:00:00.000Z';
const liisa = partnerFixture('p-liisa', { email: 'Liisa.Laine@Espoo.fi', aadObjectId: 'aad-liisa' });
const other = partnerFixture('p-other');
const chat = personalChat('a:chat-liisa', 'aad-liisa', new Date(AT));

async function seed(records: RecordStore): Promise<void> {
  await records.transaction(async (tx) => {
    for (const p of [liisa, other]) await tx.put('partners', p);
    await tx.put('conversations', chat);
    await tx.put('sends', { id: 'invite/inv-l/0/teams', channel: 'teams', target: chat.id, what: 'invite', status: 'sent', attempts: 1, at: AT });
    await tx.put('sends', { id: 'status/p-l/email', channel: 'email', target: liisa.email, what: 'proposal status', status: 'sent', attempts: 1, at: AT });
    await tx.put('links', linkFixture('ics-token-inv-l', { ref: 'inv-l' }));
    await tx.put('links', linkFixture('page-token-liisa', { kind: 'my-data', ref: liisa.id, partnerId: liisa.id }));
    await tx.put('audit', auditFixture('audit-1', AT, { action: 'partner.add', target: { partnerId: liisa.id, email: liisa.email, name: liisa.name } }));
    await tx.setJobState(`removedPartner:p-liisa-old`, JSON.stringify({ partner: partnerFixture('p-liisa-old', { email: liisa.email }), removedAt: AT }));
    await tx.putInYear('meetings', 2027, meetingFixture({ id: 'meeting-1' }));
    await tx.putInYear('invitations', 2027, invitationFixture('inv-l', { partnerId: liisa.id, icsToken: 'ics-token-inv-l' }));
    await tx.putInYear('invitations', 2027, invitationFixture('inv-o', { partnerId: other.id }));
    await tx.putInYear('feedbackRequests', 2027, requestFixture('req-old', { partnerId: 'p-liisa-old' }));
    await tx.putInYear('feedback', 2027, feedbackFixture('fb-l', { partnerId: liisa.id, works: 'Liisan oma teksti' }));
    await tx.putInYear('proposals', 2027, proposalFixture('prop-l', { authorPartnerId: liisa.id }));
  });
}

/** The store with every erasing transaction failing at its last step, as a full disk or a lost connection would. */
function failingLate(records: RecordStore): RecordStore {
  const transaction: RecordStore['transaction'] = (work, options) =>
    records.transaction(async (tx) => {
      const failing = Object.create(tx) as RecordTransaction;
      failing.removeJobState = async () => {
        throw new Error('the disk is full');
      };
      return work(failing);
    }, options);
  return Object.assign(Object.create(records) as RecordStore, { transaction });
}

describe.each([lowdbSubject(), postgresSubject()])('privacy on $name', (subject) => {
  let records: RecordStore;
  beforeAll(() => subject.setUp());
  afterEach(() => subject.clean());

  it('finds a partner from their e-mail in any case, with their earlier register entry, and erases them', async () => {
    records = await subject.empty();
    await seed(records);
    const data = await personalData(records, config, { email: 'liisa.laine@espoo.fi' });
    expect(data.identifiers.partnerIds.sort()).toEqual(['p-liisa', 'p-liisa-old']);
    expect([data.invitations, data.feedbackRequests, data.feedback, data.proposals].map((list) => list.map((r) => r.id))).toEqual([['inv-l'], ['req-old'], ['fb-l'], ['prop-l']]);
    expect(data.sends.map((s) => s.id).sort()).toEqual(['invite/inv-l/0/teams', 'status/p-l/email']);
    expect(data.audit.map((e) => e.id)).toEqual(['audit-1']);

    const summary = await erasePerson(records, config, { email: 'LIISA.laine@espoo.fi' });
    expect(summary).toMatchObject({ found: true, partner: 1, conversations: 1, sends: 2, links: 2, jobState: 1, audit: 1, invitations: 1, feedbackRequests: 1, feedback: 1, feedbackTexts: 1, proposals: 1 });
    expect(await records.get('partners', liisa.id)).toBeUndefined();
    expect(await records.findBy('invitations', 'partnerId', liisa.id)).toEqual([]);
    expect(await records.get('feedback', 'fb-l')).toMatchObject({ rating: 4, works: '', partnerId: expect.stringMatching(/^erased:/) });
    expect((await records.get('audit', 'audit-1'))?.target).toEqual({ erased: true });
    expect(await records.get('links', 'page-token-liisa')).toBeUndefined();
    expect(await records.jobState('removedPartner:p-liisa-old')).toBeUndefined();
    expect((await records.get('invitations', 'inv-o'))?.partnerId).toBe(other.id);
    expect(nothingStored(await personalData(records, config, { email: liisa.email }))).toBe(true);
    expect((await erasePerson(records, config, { email: liisa.email })).found).toBe(false);
  });

  it('keeps nothing of an erasure that fails halfway', async () => {
    records = await subject.empty();
    await seed(records);
    await expect(erasePerson(failingLate(records), config, { email: liisa.email })).rejects.toThrow('the disk is full');
    expect(await records.get('partners', liisa.id)).toEqual(liisa);
    expect((await records.get('feedback', 'fb-l'))?.works).toBe('Liisan oma teksti');
    expect(await records.get('conversations', chat.id)).toEqual(chat);
    expect((await personalData(records, config, { email: liisa.email })).invitations.map((i) => i.id)).toEqual(['inv-l']);
  });

  it('retention anonymises more old records than one transaction takes, and a second run changes nothing', async () => {
    records = await subject.empty();
    const many = 450;
    await records.transaction(async (tx) => {
      await tx.put('partners', { ...other, updatedAt: '2032-01-01T00:00:00.000Z' });
      for (let n = 0; n < many; n++) await tx.putInYear('feedback', 2027, feedbackFixture(`fb-${n}`, { partnerId: other.id, requestId: `request-${n}` }));
    });
    const now = new Date('2033-01-01T00:00:00.000Z'); // cut-off 2028-01-02 (five years, the default)
    expect((await applyRetention(records, config, now)).feedback).toBe(many);
    expect(await records.findBy('feedback', 'partnerId', other.id)).toEqual([]);
    expect(await records.get('partners', other.id)).toBeDefined();
    expect(Object.values(await applyRetention(records, config, now)).every((n) => n === 0)).toBe(true);
  });
});
