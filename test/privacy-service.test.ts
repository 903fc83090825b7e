// The privacy services on the lowdb RecordStore with records in two year files:
// what is found about a person, erasing them (identity gone from every file,
// digest aggregates unchanged, a second run changes nothing) and retention.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../bot/config.js';
import { buildDigest, type Digest, type DigestRow } from '../bot/domain/digest.js';
import { parsePeriodKey } from '../bot/domain/periods.js';
import type { Feedback, FeedbackRequest, Invitation, Meeting, Partner, Proposal } from '../bot/domain/types.js';
import { buildDigestFor, digestInput } from '../bot/services/digest.js';
import { erasePerson } from '../bot/services/privacy-erasure.js';
import { exportLink, personalData, resolveExportDownload } from '../bot/services/privacy-export.js';
import { applyRetention } from '../bot/services/privacy-retention.js';
import { roleAssignmentId, type RecordKinds, type SharedKind, type YearKind } from '../bot/store/record-kinds.js';
import type { RecordStore, RecordTransaction } from '../bot/store/records.js';
import { dataFileText } from './harness/data-files.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';
import { proposalFixture } from './harness/record-fixtures.js';

const T0 = '2025-01-15T08:00:00.000Z';
const id = (n: number) => `0b5c2f4e-1d3a-4c8e-9f10-${String(n).padStart(12, '0')}`;

const LIISA = {
  id: id(1),
  oldId: id(99),
  name: 'Liisa Laine',
  email: 'Liisa.Laine@espoo.fi',
  aadObjectId: 'aad-liisa-7e1f3c2a-5b6d',
  organisation: 'Espoon kaupunki',
};
const COORDINATOR = { aadObjectId: 'aad-kaisa-2c9d1e0b-4f3a', email: 'kaisa.koordinaattori@office.example.fi' };

const partner = (n: number, fields: Partial<Partner> = {}): Partner => ({
  id: id(n),
  name: `Partner ${n}`,
  organisation: `Org ${n}`,
  segment: 'municipalities',
  officeId: 'uusimaa',
  email: `partner${n}@example.fi`,
  locale: 'fi',
  createdAt: T0,
  updatedAt: T0,
  ...fields,
});
const meeting = (mid: string, subTheme: string, startsAt: string): Meeting => ({
  id: mid,
  planId: `plan-${mid}`,
  officeId: 'uusimaa',
  year: Number(startsAt.slice(0, 4)),
  subTheme,
  startsAt,
  endsAt: new Date(Date.parse(startsAt) + 2 * 3_600_000).toISOString(),
  segments: ['municipalities', 'debt-counsellors'],
  status: 'scheduled',
  sequence: 1,
  uid: `${mid}@sidos`,
});
const invitation = (iid: string, meetingId: string, partnerId: string, rsvp: Invitation['rsvp'], attended?: boolean): Invitation => ({
  id: iid,
  meetingId,
  partnerId,
  rsvp,
  sentSequence: 1,
  icsToken: `ics-token-${iid}-abcdefghijklmnop`,
  ...(attended === undefined ? {} : { attended }),
});
const request = (rid: string, meetingId: string, partnerId: string, sentAt: string, answered: boolean, segment = 'municipalities'): FeedbackRequest => ({
  id: rid,
  kind: 'meeting',
  meetingId,
  partnerId,
  officeId: 'uusimaa',
  segment,
  sentAt,
  remindersSent: 0,
  status: answered ? 'answered' : 'open',
  ...(answered ? { answeredAt: sentAt } : {}),
});
const feedback = (fid: string, meetingId: string, partnerId: string, rating: number, at: string, fields: Partial<Feedback> = {}): Feedback => ({
  id: fid,
  requestId: `req-${fid}`,
  kind: 'meeting',
  meetingId,
  officeId: 'uusimaa',
  segment: 'municipalities',
  partnerId,
  anonymous: false,
  rating,
  works: `works ${fid}`,
  change: `change ${fid}`,
  ...(rating <= 2 ? { justification: `why ${fid}` } : {}),
  submittedAt: at,
  updatedAt: at,
  ...fields,
});
const proposal = (pid: string, feedbackId: string, author: string, text: string, at: string, fields: Partial<Proposal> = {}): Proposal =>
  proposalFixture(pid, {
    feedbackId,
    text,
    status: 'under-review',
    history: [
      { status: 'received', at, by: 'partner' },
      { status: 'under-review', at, by: COORDINATOR.aadObjectId, reason: 'Selvitetään' },
    ],
    authorPartnerId: author,
    createdAt: at,
    ...fields,
  });

const NOV = '2026-11-10T10:00:00.000Z';
const NOV_AFTER = '2026-11-10T14:00:00.000Z';
const MAR = '2027-03-02T11:00:00.000Z';
const MAR_AFTER = '2027-03-02T15:00:00.000Z';
const LIISA_CHAT = `a:personal-${LIISA.aadObjectId}`;
const CHANNEL = '19:kumppanit@thread.tacv2;messageid=1';

async function putAll<K extends SharedKind>(tx: RecordTransaction, kind: K, ...list: RecordKinds[K][]): Promise<void> {
  for (const record of list) await tx.put(kind, record);
}
async function fileAll<K extends YearKind>(tx: RecordTransaction, kind: K, year: number, ...list: RecordKinds[K][]): Promise<void> {
  for (const record of list) await tx.putInYear(kind, year, record);
}

async function seed(records: RecordStore): Promise<void> {
  await records.transaction(async (tx) => {
    await putAll(
      tx,
      'partners',
      partner(1, { name: LIISA.name, email: LIISA.email, aadObjectId: LIISA.aadObjectId, organisation: LIISA.organisation, updatedAt: '2026-10-01T08:00:00.000Z' }),
      partner(2),
      partner(3),
      partner(4),
      partner(5, { segment: 'debt-counsellors' }),
    );
    const coordinator = { aadObjectId: COORDINATOR.aadObjectId, email: COORDINATOR.email, role: 'coordinator' as const, office: 'uusimaa' };
    await tx.put('roleAssignments', { ...coordinator, id: roleAssignmentId(coordinator) });
    const user = (aadObjectId: string, name: string) => ({ id: `29:${aadObjectId}`, name, aadObjectId });
    await putAll(
      tx,
      'conversations',
      { id: LIISA_CHAT, kind: 'personal', conversationId: LIISA_CHAT, aadObjectId: LIISA.aadObjectId, reference: { user: user(LIISA.aadObjectId, LIISA.name), conversation: { id: LIISA_CHAT } }, updatedAt: MAR },
      { id: CHANNEL, kind: 'channel', conversationId: CHANNEL, reference: { user: user(LIISA.aadObjectId, LIISA.name), conversation: { id: CHANNEL } }, updatedAt: MAR },
      { id: 'a:personal-kaisa', kind: 'personal', conversationId: 'a:personal-kaisa', aadObjectId: COORDINATOR.aadObjectId, reference: { user: user(COORDINATOR.aadObjectId, 'Kaisa K') }, updatedAt: MAR },
    );
    await tx.put('subscriptions', { id: 'sub-channel', topic: 'digest', conversationRecordId: CHANNEL, by: COORDINATOR.aadObjectId, at: MAR });
    await putAll(
      tx,
      'sends',
      { id: 'invite:inv-l-mar:1:teams', channel: 'teams', target: LIISA_CHAT, what: `invite REQUEST of meeting m-mar SEQUENCE 1 to partner ${LIISA.id}`, status: 'sent', attempts: 1, at: '2027-02-01T08:00:00.000Z' },
      { id: 'email:proposal-status:p-l:2', channel: 'email', target: LIISA.id, what: 'proposal status under-review', status: 'sent', attempts: 1, at: NOV_AFTER },
      { id: 'invite:inv-2-mar:1:email', channel: 'email', target: id(2), what: `invite REQUEST of meeting m-mar SEQUENCE 1 to partner ${id(2)}`, status: 'sent', attempts: 1, at: '2027-02-01T08:00:00.000Z' },
      { id: 'digest:2026-W46:email:johto@example.fi', channel: 'email', target: 'johto@example.fi', what: 'digest', status: 'sent', attempts: 1, at: NOV_AFTER },
    );
    await putAll(
      tx,
      'links',
      { id: 'ics-token-inv-l-mar-abcdefghijklmnop', kind: 'ics', ref: 'inv-l-mar', expiresAt: '2027-04-01T00:00:00.000Z' },
      { id: 'ics-token-inv-2-mar-abcdefghijklmnop', kind: 'ics', ref: 'inv-2-mar', expiresAt: '2027-04-01T00:00:00.000Z' },
    );
    // Liisa was once removed and added again: the undo copy under her old id is still kept.
    await tx.setJobState(`removedPartner:${LIISA.oldId}`, JSON.stringify({ partner: partner(99, { name: LIISA.name, email: LIISA.email }), removedAt: '2026-06-01T08:00:00.000Z' }));
    await tx.setJobState('digest.lastDelivered', '2027-W08');
    await tx.putInYear('plans', 2026, { id: 'plan-m-nov', officeId: 'uusimaa', year: 2026, theme: 'Perinnän alku', segments: ['municipalities'], weekday: 2, time: '12:00', durationMinutes: 120, createdBy: COORDINATOR.aadObjectId, createdAt: T0, updatedAt: T0 });
    await tx.putInYear('meetings', 2026, meeting('m-nov', 'Ensimmäiset viikot', NOV));
    await fileAll(
      tx,
      'invitations',
      2026,
      invitation('inv-l-nov', 'm-nov', LIISA.id, 'accepted', true),
      invitation('inv-2-nov', 'm-nov', id(2), 'accepted', true),
      invitation('inv-3-nov', 'm-nov', id(3), 'declined', false),
      invitation('inv-4-nov', 'm-nov', id(4), 'accepted', false),
    );
    await fileAll(
      tx,
      'feedbackRequests',
      2026,
      request('req-f-l-nov', 'm-nov', LIISA.id, NOV_AFTER, true),
      request('req-old', 'm-nov', LIISA.oldId, NOV_AFTER, false),
      request('req-f-2-nov', 'm-nov', id(2), NOV_AFTER, true),
      request('req-f-3-nov', 'm-nov', id(3), NOV_AFTER, true),
      request('req-f-4-nov', 'm-nov', id(4), NOV_AFTER, false),
    );
    await fileAll(
      tx,
      'feedback',
      2026,
      feedback('f-l-nov', 'm-nov', LIISA.id, 2, NOV_AFTER, { works: 'Liisan oma kehu', change: 'Liisan oma toive', justification: 'Liisan perustelu' }),
      feedback('f-2-nov', 'm-nov', id(2), 4, NOV_AFTER),
      feedback('f-3-nov', 'm-nov', id(3), 5, NOV_AFTER),
    );
    await tx.putInYear('proposals', 2026, proposal('p-l', 'f-l-nov', LIISA.id, 'Yhteinen hakemuslomake kunnille', NOV_AFTER));
    await tx.putInYear('officeFeedback', 2026, {
      id: 'of-espoo', meetingId: 'm-nov', officeId: 'uusimaa', organisation: LIISA.organisation, segment: 'municipalities',
      rating: 4, works: 'Hakemukset olivat täydellisiä', couldDoDifferently: 'Liitteet ajoissa', givenBy: COORDINATOR.aadObjectId, givenAt: NOV_AFTER,
    });
    await tx.putInYear('meetings', 2027, meeting('m-mar', 'Maksusuunnitelmat', MAR));
    await fileAll(
      tx,
      'invitations',
      2027,
      invitation('inv-l-mar', 'm-mar', LIISA.id, 'accepted'),
      invitation('inv-2-mar', 'm-mar', id(2), 'tentative'),
      invitation('inv-3-mar', 'm-mar', id(3), 'accepted'),
      invitation('inv-5-mar', 'm-mar', id(5), 'accepted'),
    );
    await fileAll(
      tx,
      'feedbackRequests',
      2027,
      request('req-f-l-mar', 'm-mar', LIISA.id, MAR_AFTER, true),
      request('req-f-2-mar', 'm-mar', id(2), MAR_AFTER, true),
      request('req-f-3-mar', 'm-mar', id(3), MAR_AFTER, true),
      request('req-f-5-mar', 'm-mar', id(5), MAR_AFTER, true, 'debt-counsellors'),
    );
    await fileAll(
      tx,
      'feedback',
      2027,
      feedback('f-l-mar', 'm-mar', LIISA.id, 5, MAR_AFTER, { anonymous: true, works: 'Nimetön kiitos selkeydestä' }),
      feedback('f-2-mar', 'm-mar', id(2), 4, MAR_AFTER),
      feedback('f-3-mar', 'm-mar', id(3), 1, MAR_AFTER),
      feedback('f-5-mar', 'm-mar', id(5), 3, MAR_AFTER, { segment: 'debt-counsellors' }),
    );
    await tx.putInYear('proposals', 2027, proposal('p-anon', 'f-l-mar', LIISA.id, 'Verkkoajanvaraus', MAR_AFTER, { anonymous: true, level: 'local' }));
  });
}

/** The figures that come from the records themselves, per office and row. */
function recordFigures(digest: Digest) {
  const ratings = (r: { feedbackCount: number; suppressed: boolean; metrics: DigestRow['metrics'] }) => ({
    feedbackCount: r.feedbackCount,
    suppressed: r.suppressed,
    averageRating: r.metrics.averageRating,
    positiveShare: r.metrics.positiveShare,
    criticalShare: r.metrics.criticalShare,
  });
  const row = (r: DigestRow) => ({
    segment: r.segment,
    meetingsPlanned: r.meetingsPlanned,
    meetingsHeld: r.meetingsHeld,
    feedbackRequests: r.feedbackRequests,
    requestsAnswered: r.requestsAnswered,
    ...ratings(r),
    previous: ratings(r.previous),
    subThemes: r.subThemes,
  });
  const attendance = (r: DigestRow) => [r.invitations, r.accepted, r.invitedToHeld, r.attended, r.metrics.attendanceRate, r.previous.metrics.attendanceRate];
  return digest.offices.map((o) => ({
    officeId: o.officeId,
    // Invitations count in the office total whoever the invitee was; the segment row needs the register.
    invitations: attendance(o.total),
    rows: [o.total, ...o.segments].map(row),
    proposalCounts: o.localProposals.counts,
    officeFeedback: o.officeFeedback,
  }));
}

const proposalsOf = (digest: Digest) =>
  [...digest.nationalProposals, ...digest.offices.flatMap((o) => o.localProposals.items)].map(({ id: pid, text, status, level }) => ({ pid, text, status, level }));

describe('privacy services', () => {
  let temp: TempRecords;
  let records: RecordStore;
  let config: AppConfig;
  const files = async () =>
    Object.fromEntries(await Promise.all(['shared.json', '2026.json', '2027.json'].map(async (f) => [f, await dataFileText(join(temp.dir, f))] as const)));

  beforeEach(async () => {
    temp = await tempRecords();
    records = temp.records;
    config = loadConfig({ PORT: '0', DATA_DIR: temp.dir, PUBLIC_BASE_URL: 'https://sidos.example.fi' });
    await seed(records);
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('finds everything stored about a partner from their e-mail, in the shared file and both year files', async () => {
    const data = await personalData(records, config, { email: 'liisa.laine@ESPOO.fi' });
    expect(data.partner).toMatchObject({ id: LIISA.id, name: LIISA.name, aadObjectId: LIISA.aadObjectId });
    expect(data.identifiers.partnerIds.sort()).toEqual([LIISA.id, LIISA.oldId].sort());
    expect(data.conversations.map((c) => c.id).sort()).toEqual([CHANNEL, LIISA_CHAT].sort());
    expect(data.invitations.map((i) => [i.id, i.year, i.meeting?.subTheme, i.rsvp])).toEqual([
      ['inv-l-nov', 2026, 'Ensimmäiset viikot', 'accepted'],
      ['inv-l-mar', 2027, 'Maksusuunnitelmat', 'accepted'],
    ]);
    expect(data.feedbackRequests.map((r) => r.id)).toEqual(['req-f-l-nov', 'req-old', 'req-f-l-mar']);
    // Her anonymous answer is hers too.
    expect(data.feedback.map((f) => [f.id, f.anonymous, f.works])).toEqual([
      ['f-l-nov', false, 'Liisan oma kehu'],
      ['f-l-mar', true, 'Nimetön kiitos selkeydestä'],
    ]);
    expect(data.proposals.map((p) => [p.text, p.status])).toEqual([
      ['Yhteinen hakemuslomake kunnille', 'under-review'],
      ['Verkkoajanvaraus', 'under-review'],
    ]);
    expect(data.proposals[0].history).toEqual([
      { status: 'received', at: NOV_AFTER },
      { status: 'under-review', at: NOV_AFTER, reason: 'Selvitetään' },
    ]);
    expect(data.organisationFeedback).toEqual([expect.objectContaining({ organisation: LIISA.organisation, rating: 4, meeting: expect.objectContaining({ id: 'm-nov' }) })]);
    expect(data.sends.map((s) => s.id).sort()).toEqual(['email:proposal-status:p-l:2', 'invite:inv-l-mar:1:teams']);
    expect(Object.keys(data.jobState)).toEqual([`removedPartner:${LIISA.oldId}`]);
    expect(data.roles).toEqual([]);
    // Credentials and staff identities are not part of it.
    const json = JSON.stringify(data);
    expect(json).not.toContain('ics-token');
    expect(json).not.toContain(COORDINATOR.aadObjectId);
  });

  it('finds a staff member’s role and what they made from their Teams identity', async () => {
    const data = await personalData(records, config, { aadObjectId: COORDINATOR.aadObjectId });
    expect(data.partner).toBeNull();
    expect(data.identifiers.emails).toEqual([COORDINATOR.email]);
    expect(data.roles).toEqual([{ role: 'coordinator', office: 'uusimaa', source: 'assigned' }]);
    expect(data.conversations.map((c) => c.id)).toEqual(['a:personal-kaisa']);
    expect(data.staffRecords.plans.map((p) => p.id)).toEqual(['plan-m-nov']);
    expect(data.staffRecords.officeFeedbackGiven.map((f) => f.id)).toEqual(['of-espoo']);
    expect(data.staffRecords.proposalDecisions.map((d) => d.proposalId)).toEqual(['p-l', 'p-anon']);
    expect(data.staffRecords.subscriptions.map((s) => s.id)).toEqual(['sub-channel']);
    expect(data.feedback).toEqual([]);
  });

  it('erases a partner everywhere while the digest figures stay, and a second run changes nothing', async () => {
    const now = new Date('2027-04-05T06:00:00.000Z');
    const digestOf = async () => {
      const result = await buildDigestFor(records, config, '2027-Q1', now);
      if (!result.ok) throw new Error(result.code);
      return result.digest;
    };
    const before = await digestOf();
    // What merely removing her from the register would give: the target group and respondents are the register's.
    const input = await digestInput(records, config, parsePeriodKey('2027-Q1')!, now);
    const liisa = input.partners.find((p) => p.id === LIISA.id)!;
    const removedOnly = buildDigest({
      ...input,
      partners: input.partners.filter((p) => p !== liisa),
      targetGroups: input.targetGroups.map((g) => (g.officeId === liisa.officeId && g.segment === liisa.segment ? { ...g, count: g.count - 1 } : g)),
    });
    const exportUrl = await exportLink(records, config, { email: LIISA.email }, now);

    const summary = await erasePerson(records, config, { email: LIISA.email });
    expect(summary).toMatchObject({
      found: true,
      partner: 1,
      conversations: 2,
      invitations: 2,
      feedbackRequests: 3,
      feedback: 2,
      feedbackTexts: 1,
      proposals: 2,
      sends: 2,
      links: 2, // her .ics link and the export link
      jobState: 1,
      roleAssignments: 0,
      staffReferences: 0,
    });

    const after = await files();
    for (const text of Object.values(after)) {
      for (const secret of [LIISA.id, LIISA.oldId, LIISA.name, LIISA.email, LIISA.email.toLowerCase(), LIISA.aadObjectId, 'Liisan']) {
        expect(text).not.toContain(secret);
      }
    }
    // Others are untouched.
    expect(after['shared.json']).toContain(id(2));
    expect(after['2027.json']).toContain('inv-2-mar');
    expect(after['shared.json']).toContain('ics-token-inv-2-mar');
    expect(after['shared.json']).toContain('digest.lastDelivered');

    const year2026 = JSON.parse(after['2026.json']);
    const named = year2026.feedback.find((f: Feedback) => f.id === 'f-l-nov');
    expect(named).toMatchObject({ rating: 2, works: '', change: '', segment: 'municipalities', officeId: 'uusimaa' });
    expect(named.justification).toBeUndefined();
    expect(named.partnerId).toMatch(/^erased:/);
    const year2027 = JSON.parse(after['2027.json']);
    expect(year2027.feedback.find((f: Feedback) => f.id === 'f-l-mar')).toMatchObject({ rating: 5, anonymous: true, works: 'Nimetön kiitos selkeydestä' });
    expect(year2026.proposals[0]).toMatchObject({ text: 'Yhteinen hakemuslomake kunnille', status: 'under-review', anonymous: true });
    const channel = JSON.parse(after['shared.json']).conversations.find((c: { id: string }) => c.id === CHANNEL);
    expect(channel.reference).toEqual({ conversation: { id: CHANNEL } });
    expect(await resolveExportDownload(records, config, exportUrl.split('/files/')[1], now)).toBeNull();

    // Counts, ratings, statuses and office feedback are as before; the register-based
    // figures (target group, respondents, segment of invitations) are as after a removal.
    const digest = await digestOf();
    expect(recordFigures(digest)).toEqual(recordFigures(before));
    expect(proposalsOf(digest)).toEqual(proposalsOf(before));
    const withoutAnonymity = (d: Digest) =>
      JSON.parse(JSON.stringify({ ...d, generatedAt: '' }), (key, value) => (key === 'anonymous' || (key === 'segment' && value === null) ? undefined : value));
    expect(withoutAnonymity(digest)).toEqual(withoutAnonymity(removedOnly));

    const again = await erasePerson(records, config, { email: LIISA.email });
    expect(again.found).toBe(false);
    expect(await files()).toEqual(after);
  });

  it('erases a staff member: role, chat and their name on what they made', async () => {
    const summary = await erasePerson(records, config, { email: COORDINATOR.email });
    expect(summary).toMatchObject({ found: true, partner: 0, roleAssignments: 1, conversations: 1, staffReferences: 4, surveys: 0, subscriptions: 1 });
    for (const text of Object.values(await files())) {
      expect(text).not.toContain(COORDINATOR.aadObjectId);
      expect(text).not.toContain(COORDINATOR.email);
    }
    const shared = JSON.parse((await files())['shared.json']);
    expect(shared.subscriptions).toEqual([expect.objectContaining({ id: 'sub-channel', conversationRecordId: CHANNEL })]);
    expect((await personalData(records, config, { partnerId: LIISA.id })).proposals).toHaveLength(2);
  });

  it('retention anonymises what is older than the cut-off, erases partners with nothing newer, and keeps the rest', async () => {
    await records.transaction(async (tx) => {
      await tx.put('partners', partner(6, { name: 'Vanha Kumppani', email: 'vanha@example.fi' }));
      await putAll(
        tx,
        'conversations',
        { id: 'a:personal-gone', kind: 'personal', conversationId: 'a:personal-gone', aadObjectId: 'aad-gone', reference: {}, updatedAt: NOV },
        // A leader configured by e-mail who only reads the digest in their chat.
        { id: 'a:personal-leader', kind: 'personal', conversationId: 'a:personal-leader', aadObjectId: 'aad-leader', reference: {}, updatedAt: NOV },
      );
      await tx.put('subscriptions', { id: 'sub-leader', topic: 'digest', conversationRecordId: 'a:personal-leader', by: 'aad-leader', at: NOV });
      await putAll(
        tx,
        'links',
        { id: 'expired-export-token-0123456789', kind: 'export', ref: '{}', expiresAt: '2027-01-01T00:00:00.000Z' },
        { id: 'valid-export-token-0123456789', kind: 'export', ref: '{}', expiresAt: '2027-12-02T00:00:00.000Z' },
      );
      await tx.putInYear('invitations', 2026, invitation('inv-6-nov', 'm-nov', id(6), 'declined'));
    });
    const cfg: AppConfig = { ...config, retention: { ...config.retention, personalDataDays: 365 } };
    const now = new Date('2027-12-01T01:00:00.000Z'); // cut-off 1 December 2026

    const summary = await applyRetention(records, cfg, now);
    expect(summary).toEqual({
      // Partners 4 and 6: added in January 2025, nothing since November 2026. Their records went with the erasure.
      partnersErased: 2,
      invitations: 3,
      feedbackRequests: 4,
      feedback: 3,
      feedbackTexts: 3,
      proposals: 1,
      staffReferences: 0,
      sends: 2,
      conversations: 1,
      links: 3, // the expired export link and both .ics links (a meeting in March 2027)
      jobState: 1, // the undo copy of a removal in June 2026
      audit: 0, // this store has no audit entries (test/audit-service.test.ts has them)
      announcements: 0,
    });
    const shared = JSON.parse((await files())['shared.json']);
    expect(shared.partners.map((p: Partner) => p.id)).toEqual([id(1), id(2), id(3), id(5)]);
    expect(shared.sends.map((s: { id: string }) => s.id).sort()).toEqual(['invite:inv-2-mar:1:email', 'invite:inv-l-mar:1:teams']);
    expect(shared.conversations.map((c: { id: string }) => c.id)).toEqual([LIISA_CHAT, CHANNEL, 'a:personal-kaisa', 'a:personal-leader']);
    expect(shared.links.map((l: { id: string }) => l.id)).toEqual(['valid-export-token-0123456789']);
    expect(Object.keys(shared.jobState)).toEqual(['digest.lastDelivered']);

    const year2026 = JSON.parse((await files())['2026.json']);
    expect(year2026.invitations.every((i: Invitation) => i.partnerId.startsWith('erased:'))).toBe(true);
    expect(year2026.feedback.map((f: Feedback) => [f.rating, f.works])).toEqual([[2, ''], [4, ''], [5, '']]);
    const year2027 = (await files())['2027.json'];
    expect(year2027).toContain(LIISA.id);
    expect(year2027).toContain('works f-2-mar');
    // Liisa stays: she did something after the cut-off; her old records are no longer hers.
    expect((await personalData(records, cfg, { partnerId: LIISA.id })).invitations.map((i) => i.id)).toEqual(['inv-l-mar']);

    const before = await files();
    expect(Object.values(await applyRetention(records, cfg, now)).every((n) => n === 0)).toBe(true);
    expect(await files()).toEqual(before);
  });
});
