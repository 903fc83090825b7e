// One contract for both RecordStores: lowdb in DATA_DIR and PostgreSQL.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ALL_KINDS, indexesOf, isYearKind, type Kind, type RecordKinds, type SharedKind, type YearKind } from '../bot/store/record-kinds.js';
import { RecordConflictError, type RecordStore, type RecordTransaction } from '../bot/store/records.js';
import { emptyShared, emptyYear } from '../bot/store/store.js';
import { meetingFixture, partnerFixture } from './harness/seed.js';
import {
  announcementFixture,
  auditFixture,
  feedbackFixture,
  invitationFixture,
  officeFeedbackFixture,
  oneOfEach,
  proposalFixture,
  requestFixture,
  segmentContactsFixture,
  subscriptionFixture,
} from './harness/record-fixtures.js';
import { lowdbSubject, postgresSubject } from './harness/record-stores.js';

const YEAR = 2027;
const YEAR_KINDS = ALL_KINDS.filter(isYearKind);
const NOW = '2027-03-02T12:00:00.000Z';
const LATER = '2027-03-02T13:00:00.000Z';

/** Files a record: year kinds under YEAR. */
function file<K extends Kind>(tx: RecordTransaction, kind: K, record: RecordKinds[K], year = YEAR): Promise<void> {
  return isYearKind(kind)
    ? tx.putInYear(kind as YearKind, year, record as RecordKinds[YearKind])
    : tx.put(kind as SharedKind, record as RecordKinds[SharedKind]);
}

const sendClaim = (key: string, holder: string, until = LATER) => ({ key, channel: 'teams' as const, target: 'a:chat-1', what: 'invite', holder, until });
/** The send record a `sendClaim` leaves once its first attempt is recorded as sent at NOW. */
const sentAtNow = (id: string, extra: { activityId?: string } = {}) => ({ id, channel: 'teams', target: 'a:chat-1', what: 'invite', status: 'sent', attempts: 1, at: NOW, ...extra });

describe('record kinds', () => {
  it('has a RecordStore kind for every list of the year and shared documents (job state is kept apart)', () => {
    // A list added to YearData or SharedData without a kind would be left behind by store:copy and the PostgreSQL store.
    const { jobState: _jobState, ...sharedLists } = emptyShared();
    expect(ALL_KINDS.filter(isYearKind).sort()).toEqual(Object.keys(emptyYear()).sort());
    expect(ALL_KINDS.filter((kind) => !isYearKind(kind)).sort()).toEqual(Object.keys(sharedLists).sort());
  });
});

describe.each([lowdbSubject(), postgresSubject()])('RecordStore on $name', (subject) => {
  let store: RecordStore;
  beforeAll(() => subject.setUp());
  beforeEach(async () => {
    store = await subject.empty();
  });
  afterEach(() => subject.clean());

  async function reopen(): Promise<RecordStore> {
    await store.close();
    return (store = await subject.reopen());
  }

  it('keeps one record of every kind, found by id after a reopen, year-filed ones under their year', async () => {
    const records = oneOfEach();
    await store.transaction(async (tx) => {
      for (const kind of ALL_KINDS) await file(tx, kind, records[kind]);
    });
    await reopen();
    for (const kind of ALL_KINDS) expect(await store.get(kind, records[kind].id), kind).toEqual(records[kind]);
    for (const kind of YEAR_KINDS) expect(await store.yearOf(kind, records[kind].id), kind).toBe(YEAR);
    expect(await store.get('partners', 'nobody')).toBeUndefined();
    expect(await store.yearOf('meetings', 'nobody')).toBeUndefined();
    expect(await store.years()).toEqual([YEAR]);
    for (const kind of YEAR_KINDS) expect(await store.inYear(kind, YEAR), kind).toEqual([records[kind]]);
    expect(await store.inYear('meetings', 2028)).toEqual([]);
  });

  it('scans every record of a kind with the year it is filed under', async () => {
    await store.transaction(async (tx) => {
      await tx.putInYear('meetings', 2027, meetingFixture({ id: 'm27' }));
      await tx.putInYear('meetings', 2028, meetingFixture({ id: 'm28', year: 2028 }));
      await tx.put('partners', partnerFixture('p1'));
    });
    const meetings = [];
    for await (const filed of store.scan('meetings')) meetings.push({ year: filed.year, id: filed.record.id });
    expect(meetings.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { year: 2027, id: 'm27' },
      { year: 2028, id: 'm28' },
    ]);
    const partners = [];
    for await (const filed of store.scan('partners')) partners.push(filed);
    expect(partners).toEqual([{ year: null, record: partnerFixture('p1') }]);
    expect(await store.years()).toEqual([2027, 2028]);
  });

  it('scans more records than one page holds, each once, in the order they were added', async () => {
    // 1,003: past a page of 1,000 (pg-records SCAN_PAGE), with ids whose order differs from the order added.
    const ids = Array.from({ length: 1003 }, (_, i) => `p-${1002 - i}`);
    await store.transaction(async (tx) => {
      for (const id of ids) await tx.put('partners', partnerFixture(id, { email: `${id}@kunta.fi` }));
    });
    const scanned = [];
    for await (const filed of store.scan('partners')) scanned.push(filed.record.id);
    expect(scanned).toEqual(ids);
  });

  it('finds records by each indexed field, and follows changes and removals', async () => {
    await store.transaction(async (tx) => {
      await tx.put('partners', partnerFixture('p1', { email: 'Anna.Virtanen@Kunta.fi', aadObjectId: 'aad-1' }));
      await tx.put('partners', partnerFixture('p2', { officeId: 'pirkanmaa' }));
      await tx.putInYear('invitations', YEAR, invitationFixture('i1', { meetingId: 'm1', partnerId: 'p1' }));
      await tx.putInYear('invitations', YEAR, invitationFixture('i2', { meetingId: 'm1', partnerId: 'p2' }));
      await tx.putInYear('invitations', YEAR, invitationFixture('i3', { meetingId: 'm2', partnerId: 'p1' }));
    });
    const ids = (records: { id: string }[]) => records.map((r) => r.id).sort();
    expect(ids(await store.findBy('partners', 'email', 'anna.virtanen@kunta.fi'))).toEqual(['p1']);
    expect(ids(await store.findBy('partners', 'aadObjectId', 'aad-1'))).toEqual(['p1']);
    expect(ids(await store.findBy('partners', 'officeId', 'uusimaa'))).toEqual(['p1']);
    expect(ids(await store.findBy('invitations', 'meetingId', 'm1'))).toEqual(['i1', 'i2']);
    expect(ids(await store.findBy('invitations', 'partnerId', 'p1'))).toEqual(['i1', 'i3']);
    expect(ids(await store.findBy('invitations', 'icsToken', 'token-i2'))).toEqual(['i2']);

    await store.transaction(async (tx) => {
      const partner = (await tx.get('partners', 'p1'))!;
      await tx.put('partners', { ...partner, email: 'anna@uusi.fi' });
      expect(await tx.remove('invitations', 'i1')).toBe(true);
      expect(await tx.remove('invitations', 'nothing')).toBe(false);
    });
    expect(await store.findBy('partners', 'email', 'anna.virtanen@kunta.fi')).toEqual([]);
    expect(ids(await store.findBy('partners', 'email', 'anna@uusi.fi'))).toEqual(['p1']);
    expect(ids(await store.findBy('invitations', 'meetingId', 'm1'))).toEqual(['i2']);
    expect(await store.get('invitations', 'i1')).toBeUndefined();
    expect(ids(await store.inYear('invitations', YEAR))).toEqual(['i2', 'i3']);
  });

  it('answers every other index of every kind', async () => {
    const records = oneOfEach();
    await store.transaction(async (tx) => {
      for (const kind of ALL_KINDS) await file(tx, kind, records[kind]);
    });
    const found = async (kind: Kind, index: string, key: string) => (await store.findBy(kind, index as never, key)).map((r) => r.id);
    expect(await found('plans', 'officeId', 'uusimaa')).toEqual(['plan-1']);
    expect(await found('meetings', 'planId', 'plan-1')).toEqual(['meeting-1']);
    expect(await found('meetings', 'officeId', 'uusimaa')).toEqual(['meeting-1']);
    expect(await found('feedbackRequests', 'partnerId', 'p1')).toEqual(['request-1']);
    expect(await found('feedbackRequests', 'meetingId', 'meeting-1')).toEqual(['request-1']);
    expect(await found('feedbackRequests', 'status', 'open')).toEqual(['request-1']);
    expect(await found('feedback', 'requestId', 'request-feedback-1')).toEqual(['feedback-1']);
    expect(await found('feedback', 'partnerId', 'p1')).toEqual(['feedback-1']);
    expect(await found('feedback', 'officeId', 'uusimaa')).toEqual(['feedback-1']);
    expect(await found('proposals', 'feedbackId', 'feedback-1')).toEqual(['proposal-1']);
    expect(await found('proposals', 'authorPartnerId', 'p1')).toEqual(['proposal-1']);
    expect(await found('officeFeedback', 'meetingId', 'meeting-1')).toEqual(['office-feedback-1']);
    expect(await found('surveyRounds', 'surveyId', 'survey-1')).toEqual(['round-1']);
    expect(await found('conversations', 'aadObjectId', 'aad-p1')).toEqual(['a:chat-1']);
    expect(await found('roleAssignments', 'email', 'koordinaattori@example.fi')).toEqual([records.roleAssignments.id]);
    expect(await found('roleAssignments', 'aadObjectId', 'aad-coordinator')).toEqual([records.roleAssignments.id]);
    expect(await found('roleAssignments', 'role', 'coordinator')).toEqual([records.roleAssignments.id]);
    expect(await found('roleAssignments', 'role', 'admin')).toEqual([]);
    expect(await found('conversations', 'kind', 'personal')).toEqual(['a:chat-1']);
    expect(await found('conversations', 'kind', 'channel')).toEqual([]);
    expect(await found('subscriptions', 'topic', 'digest')).toEqual(['sub-1']);
    expect(await found('subscriptions', 'conversationRecordId', 'chat-sub-1')).toEqual(['sub-1']);
    expect(await found('sends', 'status', 'sent')).toEqual(['invite/inv-1/0/teams']);
    expect(await found('surveys', 'officeId', 'uusimaa')).toEqual(['survey-1']);
    expect(await found('sends', 'target', 'a:chat-1')).toEqual(['invite/inv-1/0/teams']);
    expect(await found('links', 'ref', 'inv-1')).toEqual(['link-1']);
    expect(await found('links', 'kind', 'ics')).toEqual(['link-1']);
    expect(await found('announcements', 'officeId', 'uusimaa')).toEqual(['announcement-1']);
    expect(await found('segmentContacts', 'officeId', 'uusimaa')).toEqual(['uusimaa:municipalities']);
    expect(await found('surveyRounds', 'surveyId', 'other')).toEqual([]);
  });

  it('finds the sample of every kind under the key of each of its indexes', async () => {
    const records = oneOfEach();
    await store.transaction(async (tx) => {
      for (const kind of ALL_KINDS) await file(tx, kind, records[kind]);
    });
    for (const kind of ALL_KINDS) {
      for (const [index, { key }] of indexesOf(kind)) {
        // (A meeting's feedback request has no survey round: that index is shown by the survey requests below.)
        const value = key(records[kind] as never);
        if (value !== undefined) expect(await store.findBy(kind, index as never, value), `${kind}.${index}`).toEqual([records[kind]]);
      }
    }
  });

  it('gets records by a list of ids in one call, unknown and repeated ids left out, and inside a transaction its own writes', async () => {
    await store.transaction(async (tx) => {
      for (const id of ['p1', 'p2', 'p3']) await tx.put('partners', partnerFixture(id));
      await tx.putInYear('feedback', YEAR, feedbackFixture('f1'));
    });
    const ids = (records: { id: string }[]) => records.map((r) => r.id).sort();
    expect(ids(await store.getMany('partners', ['p3', 'nobody', 'p1', 'p3']))).toEqual(['p1', 'p3']);
    expect(await store.getMany('feedback', ['f1'])).toEqual([feedbackFixture('f1')]);
    expect(await store.getMany('partners', [])).toEqual([]);
    await store.transaction(async (tx) => {
      await tx.remove('partners', 'p1');
      await tx.put('partners', partnerFixture('p4'));
      expect(ids(await tx.getMany('partners', ['p1', 'p2', 'p4']))).toEqual(['p2', 'p4']);
    });
    expect(ids(await store.getMany('partners', ['p1', 'p2', 'p4']))).toEqual(['p2', 'p4']);
  });

  it('counts the partners of the offices asked per segment, following changes, removals and, inside a transaction, its own writes', async () => {
    const MUN = 'municipalities';
    const DEBT = 'debt-counsellors';
    await store.transaction(async (tx) => {
      await tx.put('partners', partnerFixture('p1'));
      await tx.put('partners', partnerFixture('p2'));
      await tx.put('partners', partnerFixture('p3', { segment: DEBT }));
      await tx.put('partners', partnerFixture('p4', { officeId: 'pirkanmaa' }));
      await tx.put('partners', partnerFixture('p5', { officeId: 'lappi' }));
    });
    const sorted = (counts: { officeId: string; segment: string; count: number }[]) =>
      [...counts].sort((a, b) => a.officeId.localeCompare(b.officeId) || a.segment.localeCompare(b.segment));
    expect(sorted(await store.partnerCounts(['uusimaa', 'pirkanmaa', 'nowhere']))).toEqual([
      { officeId: 'pirkanmaa', segment: MUN, count: 1 },
      { officeId: 'uusimaa', segment: DEBT, count: 1 },
      { officeId: 'uusimaa', segment: MUN, count: 2 },
    ]);
    expect(await store.partnerCounts([])).toEqual([]);

    const changed = [
      { officeId: 'uusimaa', segment: DEBT, count: 1 },
      { officeId: 'uusimaa', segment: MUN, count: 2 },
    ];
    await store.transaction(async (tx) => {
      await tx.remove('partners', 'p1');
      await tx.put('partners', partnerFixture('p3', { segment: MUN }));
      await tx.put('partners', partnerFixture('p5', { segment: DEBT }));
      await tx.put('partners', partnerFixture('p6', { segment: DEBT, officeId: 'pirkanmaa' }));
      await tx.put('partners', partnerFixture('p4', { officeId: 'lappi' }));
      expect(sorted(await tx.partnerCounts(['uusimaa']))).toEqual(changed);
    });
    expect(sorted(await store.partnerCounts(['uusimaa', 'pirkanmaa']))).toEqual([{ officeId: 'pirkanmaa', segment: DEBT, count: 1 }, ...changed]);
    await reopen();
    expect(sorted(await store.partnerCounts(['uusimaa']))).toEqual(changed);
  });

  it('keeps a record in the year it was first filed under', async () => {
    await store.transaction((tx) => tx.putInYear('feedback', 2027, feedbackFixture('f1')));
    await store.transaction((tx) => tx.putInYear('feedback', 2028, feedbackFixture('f1', { rating: 5 })));
    expect(await store.yearOf('feedback', 'f1')).toBe(2027);
    expect((await store.inYear('feedback', 2027)).map((f) => f.rating)).toEqual([5]);
    expect(await store.inYear('feedback', 2028)).toEqual([]);
    await expect(store.transaction((tx) => tx.putInYear('feedback', 1999, feedbackFixture('f2')))).rejects.toThrow(RangeError);
  });

  it('gives the feedback submitted in a period [from, to), across years', async () => {
    await store.transaction(async (tx) => {
      await tx.putInYear('feedback', 2026, feedbackFixture('dec', { requestId: 'r1', submittedAt: '2026-12-31T23:59:59.999Z' }));
      await tx.putInYear('feedback', 2027, feedbackFixture('jan', { requestId: 'r2', submittedAt: '2027-01-01T00:00:00.000Z' }));
      await tx.putInYear('feedback', 2027, feedbackFixture('mar', { requestId: 'r3', submittedAt: '2027-03-31T23:59:59.999Z' }));
      await tx.putInYear('feedback', 2027, feedbackFixture('apr', { requestId: 'r4', submittedAt: '2027-04-01T00:00:00.000Z' }));
    });
    const ids = (await store.feedbackSubmitted('2027-01-01T00:00:00.000Z', '2027-04-01T00:00:00.000Z')).map((f) => f.id).sort();
    expect(ids).toEqual(['jan', 'mar']);
  });

  it('gives the meetings starting, the requests sent and the office feedback given in a period [from, to), across years', async () => {
    const instants = { dec: '2026-12-31T23:59:59.999Z', jan: '2027-01-01T00:00:00.000Z', mar: '2027-03-31T23:59:59.999Z', apr: '2027-04-01T00:00:00.000Z' };
    await store.transaction(async (tx) => {
      for (const [name, at] of Object.entries(instants)) {
        const year = Number(at.slice(0, 4));
        await tx.putInYear('meetings', year, meetingFixture({ id: `m-${name}`, startsAt: at, year }));
        // A request is filed under its meeting's year, which may be the year before it was sent.
        await tx.putInYear('feedbackRequests', 2026, requestFixture(`r-${name}`, { partnerId: `p-${name}`, sentAt: at }));
        await tx.putInYear('officeFeedback', year, officeFeedbackFixture(`o-${name}`, { givenAt: at }));
      }
    });
    const ids = (records: { id: string }[]) => records.map((r) => r.id).sort();
    const [from, to] = [instants.jan, instants.apr];
    expect(ids(await store.meetingsStarting(from, to))).toEqual(['m-jan', 'm-mar']);
    expect(ids(await store.requestsSent(from, to))).toEqual(['r-jan', 'r-mar']);
    expect(ids(await store.officeFeedbackGiven(from, to))).toEqual(['o-jan', 'o-mar']);
    await store.transaction(async (tx) => {
      await tx.remove('meetings', 'm-jan');
      await tx.putInYear('meetings', 2026, meetingFixture({ id: 'm-dec', startsAt: instants.mar, year: 2026 }));
      expect(ids(await tx.meetingsStarting(from, to))).toEqual(['m-dec', 'm-mar']);
    });
    expect(ids(await store.meetingsStarting(from, to))).toEqual(['m-dec', 'm-mar']);
  });

  it('finds the records whose indexed field has any of several keys', async () => {
    await store.transaction(async (tx) => {
      await tx.putInYear('invitations', YEAR, invitationFixture('i1', { meetingId: 'm1', partnerId: 'p1' }));
      await tx.putInYear('invitations', YEAR, invitationFixture('i2', { meetingId: 'm1', partnerId: 'p2' }));
      await tx.putInYear('invitations', YEAR, invitationFixture('i3', { meetingId: 'm2', partnerId: 'p1' }));
      await tx.putInYear('invitations', YEAR, invitationFixture('i4', { meetingId: 'm3', partnerId: 'p1' }));
    });
    const ids = (records: { id: string }[]) => records.map((r) => r.id).sort();
    expect(ids(await store.findByAny('invitations', 'meetingId', ['m1', 'm2', 'none']))).toEqual(['i1', 'i2', 'i3']);
    expect(await store.findByAny('invitations', 'meetingId', [])).toEqual([]);
    await store.transaction(async (tx) => {
      await tx.remove('invitations', 'i1');
      await tx.putInYear('invitations', YEAR, invitationFixture('i5', { meetingId: 'm2', partnerId: 'p2' }));
      expect(ids(await tx.findByAny('invitations', 'meetingId', ['m1', 'm2']))).toEqual(['i2', 'i3', 'i5']);
    });
  });

  it('gives the audit entries since an instant, newest first', async () => {
    await store.transaction(async (tx) => {
      for (const [id, at] of [['a1', '2027-01-01T00:00:00.000Z'], ['a2', '2027-02-01T00:00:00.000Z'], ['a3', '2027-03-01T00:00:00.000Z']]) {
        await tx.put('audit', auditFixture(id, at));
      }
    });
    await store.transaction((tx) => tx.put('audit', auditFixture('a4', '2027-03-01T00:00:00.000Z')));
    expect((await store.auditSince('2027-02-01T00:00:00.000Z')).map((e) => e.id)).toEqual(['a4', 'a3', 'a2']);
    expect(await store.auditSince('2028-01-01T00:00:00.000Z')).toEqual([]);
  });

  it('keeps job state', async () => {
    await store.transaction(async (tx) => {
      await tx.setJobState('digest.lastPeriod', '2027-Q1');
      expect(await tx.jobState('digest.lastPeriod')).toBe('2027-Q1');
    });
    await store.transaction((tx) => tx.setJobState('digest.lastPeriod', '2027-Q2'));
    await reopen();
    expect(await store.jobState('digest.lastPeriod')).toBe('2027-Q2');
    expect(await store.jobState('unknown')).toBeUndefined();
    expect(await store.jobStates()).toEqual({ 'digest.lastPeriod': '2027-Q2' });
  });

  it('removes job state', async () => {
    await store.transaction(async (tx) => {
      await tx.setJobState('removedPartner:p1', '{}');
      await tx.setJobState('digest.lastPeriod', '2027-Q1');
    });
    await store.transaction(async (tx) => {
      expect(await tx.removeJobState('removedPartner:p1')).toBe(true);
      expect(await tx.jobState('removedPartner:p1')).toBeUndefined();
      expect(await tx.removeJobState('unknown')).toBe(false);
    });
    await reopen();
    expect(await store.jobStates()).toEqual({ 'digest.lastPeriod': '2027-Q1' });
  });

  it('sees its own writes inside a transaction, and nothing of one that throws', async () => {
    await store.transaction((tx) => tx.put('partners', partnerFixture('p1')));
    const failure = new Error('validation failed halfway');
    await expect(
      store.transaction(async (tx) => {
        await tx.put('partners', partnerFixture('p2'));
        await tx.put('partners', { ...partnerFixture('p1'), name: 'Changed' });
        await tx.putInYear('meetings', 2030, meetingFixture({ id: 'm-2030', year: 2030 }));
        await tx.remove('partners', 'p1');
        await tx.put('partners', { ...partnerFixture('p1'), name: 'Back again' });
        await tx.setJobState('k', 'v');
        expect((await tx.get('partners', 'p2'))?.id).toBe('p2');
        expect((await tx.get('partners', 'p1'))?.name).toBe('Back again');
        expect((await tx.findBy('partners', 'officeId', 'uusimaa')).map((p) => p.id).sort()).toEqual(['p1', 'p2']);
        expect((await tx.inYear('meetings', 2030)).map((m) => m.id)).toEqual(['m-2030']);
        throw failure;
      }),
    ).rejects.toBe(failure);
    await reopen();
    expect(await store.get('partners', 'p2')).toBeUndefined();
    expect(await store.get('partners', 'p1')).toEqual(partnerFixture('p1'));
    expect((await store.findBy('partners', 'officeId', 'uusimaa')).map((p) => p.id)).toEqual(['p1']);
    expect(await store.inYear('meetings', 2030)).toEqual([]);
    expect(await store.years()).toEqual([]);
    expect(await store.jobState('k')).toBeUndefined();
  });

  it('refuses a second partner with the same e-mail in an office (any case), and keeps nothing of that transaction', async () => {
    await store.transaction((tx) => tx.put('partners', partnerFixture('p1', { email: 'anna@kunta.fi' })));
    const duplicate = store.transaction(async (tx) => {
      await tx.put('partners', partnerFixture('p2'));
      await tx.put('partners', partnerFixture('p3', { email: 'ANNA@kunta.fi' }));
    });
    await expect(duplicate).rejects.toBeInstanceOf(RecordConflictError);
    expect(await store.get('partners', 'p2')).toBeUndefined();
    // Another office may have the address; a partner may keep or change its own.
    await store.transaction(async (tx) => {
      await tx.put('partners', partnerFixture('p4', { email: 'anna@kunta.fi', officeId: 'pirkanmaa' }));
      await tx.put('partners', partnerFixture('p1', { email: 'Anna@Kunta.fi', name: 'Renamed' }));
    });
    // Two records in one transaction may swap nothing into a clash either.
    await expect(
      store.transaction(async (tx) => {
        await tx.put('partners', partnerFixture('p5', { email: 'x@kunta.fi' }));
        await tx.put('partners', partnerFixture('p6', { email: 'X@kunta.fi' }));
      }),
    ).rejects.toBeInstanceOf(RecordConflictError);
    // The address is free again once its partner changed it.
    await store.transaction((tx) => tx.put('partners', partnerFixture('p1', { email: 'new@kunta.fi' })));
    await store.transaction((tx) => tx.put('partners', partnerFixture('p7', { email: 'anna@kunta.fi' })));
    expect((await store.findBy('partners', 'email', 'anna@kunta.fi')).map((p) => p.id).sort()).toEqual(['p4', 'p7']);
  });

  it('refuses a second invitation, meeting feedback request, answer or subscription for the same pair', async () => {
    await store.transaction(async (tx) => {
      await tx.putInYear('invitations', YEAR, invitationFixture('i1', { meetingId: 'm1', partnerId: 'p1' }));
      await tx.putInYear('feedbackRequests', YEAR, requestFixture('r1', { meetingId: 'm1', partnerId: 'p1' }));
      await tx.putInYear('feedback', YEAR, feedbackFixture('f1', { requestId: 'r1' }));
      await tx.put('subscriptions', subscriptionFixture('s1', { conversationRecordId: 'chat-1' }));
    });
    const conflicts: [string, (tx: RecordTransaction) => Promise<void>][] = [
      ['invitation', (tx) => tx.putInYear('invitations', YEAR, invitationFixture('i2', { meetingId: 'm1', partnerId: 'p1' }))],
      ['request', (tx) => tx.putInYear('feedbackRequests', YEAR, requestFixture('r2', { meetingId: 'm1', partnerId: 'p1' }))],
      ['answer', (tx) => tx.putInYear('feedback', YEAR, feedbackFixture('f2', { requestId: 'r1' }))],
      ['subscription', (tx) => tx.put('subscriptions', subscriptionFixture('s2', { conversationRecordId: 'chat-1' }))],
    ];
    for (const [what, write] of conflicts) await expect(store.transaction(write), what).rejects.toBeInstanceOf(RecordConflictError);
    // Survey requests have no meeting: any number of them.
    await store.transaction(async (tx) => {
      await tx.putInYear('feedbackRequests', YEAR, requestFixture('r3', { kind: 'survey', meetingId: undefined, surveyRoundId: 'round-1' }));
      await tx.putInYear('feedbackRequests', YEAR, requestFixture('r4', { kind: 'survey', meetingId: undefined, surveyRoundId: 'round-1' }));
    });
    expect((await store.findBy('feedbackRequests', 'surveyRoundId', 'round-1')).length).toBe(2);
  });

  it('finds announcements and contact lists by office, and keeps one contact list per office and segment', async () => {
    await store.transaction(async (tx) => {
      await tx.put('announcements', announcementFixture('a1'));
      await tx.put('announcements', announcementFixture('a2', { officeId: 'pirkanmaa', kind: 'event' }));
      await tx.put('announcements', announcementFixture('a3', { resolvedAt: LATER, resolution: 'Palvelu toimii taas.', version: 2 }));
      await tx.put('segmentContacts', segmentContactsFixture('uusimaa', 'municipalities'));
      await tx.put('segmentContacts', segmentContactsFixture('uusimaa', 'debt-counsellors'));
      await tx.put('segmentContacts', segmentContactsFixture('pirkanmaa', 'municipalities'));
    });
    await reopen();
    const ids = (records: { id: string }[]) => records.map((r) => r.id).sort();
    expect(ids(await store.findBy('announcements', 'officeId', 'uusimaa'))).toEqual(['a1', 'a3']);
    expect(await store.findBy('announcements', 'officeId', 'pirkanmaa')).toEqual([announcementFixture('a2', { officeId: 'pirkanmaa', kind: 'event' })]);
    expect(ids(await store.findBy('segmentContacts', 'officeId', 'uusimaa'))).toEqual(['uusimaa:debt-counsellors', 'uusimaa:municipalities']);
    expect(await store.get('segmentContacts', 'pirkanmaa:municipalities')).toEqual(segmentContactsFixture('pirkanmaa', 'municipalities'));

    // Another record for a segment that has its list is refused; the list itself may change.
    const duplicate = segmentContactsFixture('uusimaa', 'municipalities', { id: 'another-id' });
    await expect(store.transaction((tx) => tx.put('segmentContacts', duplicate))).rejects.toBeInstanceOf(RecordConflictError);
    expect(await store.get('segmentContacts', 'another-id')).toBeUndefined();
    const changed = segmentContactsFixture('uusimaa', 'municipalities', { contacts: [{ name: 'Matti', email: 'matti@example.fi' }], updatedAt: LATER });
    await store.transaction((tx) => tx.put('segmentContacts', changed));
    expect(await store.get('segmentContacts', 'uusimaa:municipalities')).toEqual(changed);
    // Removed, the segment's list can be made again.
    await store.transaction(async (tx) => {
      await tx.remove('segmentContacts', 'uusimaa:municipalities');
      await tx.put('segmentContacts', duplicate);
    });
    expect(ids(await store.findBy('segmentContacts', 'officeId', 'uusimaa'))).toEqual(['another-id', 'uusimaa:debt-counsellors']);
  });

  it('inserts a new record once: of concurrent transactions that find none and insert it, one wins and the others conflict', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store.transaction(async (tx) => {
          if (await tx.get('announcements', 'a1')) return 'found';
          await tx.insert('announcements', announcementFixture('a1', { title: `click ${i}` }));
          return `click ${i}`;
        }),
      ),
    );
    const inserted = attempts.flatMap((a) => (a.status === 'fulfilled' && a.value !== 'found' ? [a.value] : []));
    expect(inserted).toHaveLength(1);
    for (const a of attempts) if (a.status === 'rejected') expect(a.reason).toBeInstanceOf(RecordConflictError);
    expect((await store.get('announcements', 'a1'))?.title).toBe(inserted[0]);
    // A later insert of the id is refused and changes nothing; put still replaces.
    await expect(store.transaction((tx) => tx.insert('announcements', announcementFixture('a1', { title: 'late' })))).rejects.toBeInstanceOf(RecordConflictError);
    expect((await store.get('announcements', 'a1'))?.title).toBe(inserted[0]);
  });

  it('lets a channel follow the news and meetings of several offices, once each, and finds the subscriptions of an office', async () => {
    const news = (id: string, officeId: string, topic: 'news' | 'meetings' = 'news') => subscriptionFixture(id, { topic, officeId, conversationRecordId: 'a:channel-1' });
    await store.transaction(async (tx) => {
      await tx.put('subscriptions', news('s1', 'uusimaa'));
      await tx.put('subscriptions', news('s2', 'pirkanmaa'));
      await tx.put('subscriptions', news('s3', 'uusimaa', 'meetings'));
      await tx.put('subscriptions', subscriptionFixture('s4', { conversationRecordId: 'a:channel-1' }));
    });
    const ids = (records: { id: string }[]) => records.map((r) => r.id).sort();
    expect(ids(await store.findBy('subscriptions', 'officeId', 'uusimaa'))).toEqual(['s1', 's3']);
    expect(ids(await store.findBy('subscriptions', 'officeId', 'pirkanmaa'))).toEqual(['s2']);
    expect(ids(await store.findBy('subscriptions', 'topic', 'news'))).toEqual(['s1', 's2']);
    await expect(store.transaction((tx) => tx.put('subscriptions', news('s5', 'uusimaa')))).rejects.toBeInstanceOf(RecordConflictError);
    const digestAgain = subscriptionFixture('s6', { conversationRecordId: 'a:channel-1' });
    await expect(store.transaction((tx) => tx.put('subscriptions', digestAgain))).rejects.toBeInstanceOf(RecordConflictError);
    expect(await store.get('subscriptions', 's5')).toBeUndefined();
    expect(await store.get('subscriptions', 's6')).toBeUndefined();
  });

  it('keeps the id of the Teams message a send posted, so its card can be replaced later', async () => {
    expect(await store.claimSend(sendClaim('announce:a1:p1:teams', 'a'), NOW)).toBe(true);
    expect(await store.recordSendResult('announce:a1:p1:teams', 'a', { status: 'sent', activityId: 'activity-7' }, NOW)).toBe(true);
    await reopen();
    expect(await store.get('sends', 'announce:a1:p1:teams')).toEqual(sentAtNow('announce:a1:p1:teams', { activityId: 'activity-7' }));
  });

  it('lets concurrent read-change-write transactions on one record take turns, losing none', async () => {
    await store.transaction((tx) => tx.putInYear('feedbackRequests', YEAR, requestFixture('r1')));
    await Promise.all(
      Array.from({ length: 20 }, () =>
        store.transaction(async (tx) => {
          const request = (await tx.get('feedbackRequests', 'r1'))!;
          await tx.putInYear('feedbackRequests', YEAR, { ...request, remindersSent: request.remindersSent + 1 });
        }),
      ),
    );
    expect((await store.get('feedbackRequests', 'r1'))?.remindersSent).toBe(20);
  });

  it('gives a send to exactly one of 50 concurrent claims, and not again once it was sent', async () => {
    const won = await Promise.all(Array.from({ length: 50 }, (_, i) => store.claimSend(sendClaim('digest/2027-Q1/chat-1', `holder-${i}`), NOW)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const holder = `holder-${won.indexOf(true)}`;
    expect(await store.recordSendResult('digest/2027-Q1/chat-1', 'someone-else', { status: 'sent' }, NOW)).toBe(false);
    expect(await store.recordSendResult('digest/2027-Q1/chat-1', holder, { status: 'sent' }, NOW)).toBe(true);
    expect(await store.get('sends', 'digest/2027-Q1/chat-1')).toEqual(sentAtNow('digest/2027-Q1/chat-1'));
    // Sent is final: no claim wins it, however late.
    expect(await store.claimSend(sendClaim('digest/2027-Q1/chat-1', holder, '2030-01-01T00:00:00.000Z'), '2029-01-01T00:00:00.000Z')).toBe(false);
  });

  it('lets a failed send be claimed again and counts the attempts', async () => {
    expect(await store.claimSend(sendClaim('k', 'a'), NOW)).toBe(true);
    expect(await store.recordSendResult('k', 'a', { status: 'failed', lastError: 'HTTP 503' }, NOW)).toBe(true);
    expect(await store.get('sends', 'k')).toMatchObject({ status: 'failed', attempts: 1, lastError: 'HTTP 503' });
    expect(await store.claimSend(sendClaim('k', 'b', '2027-03-02T14:00:00.000Z'), LATER)).toBe(true);
    expect(await store.claimSend(sendClaim('k', 'a'), LATER)).toBe(false);
    expect(await store.recordSendResult('k', 'b', { status: 'sent' }, LATER)).toBe(true);
    const sent = await store.get('sends', 'k');
    expect(sent).toMatchObject({ status: 'sent', attempts: 2, at: LATER });
    expect(sent).not.toHaveProperty('lastError');
    expect(sent).not.toHaveProperty('claimedBy');
  });

  it('lets another holder take over a claim whose holder did not finish in time', async () => {
    expect(await store.claimSend(sendClaim('k', 'a', '2027-03-02T12:05:00.000Z'), NOW)).toBe(true);
    expect(await store.claimSend(sendClaim('k', 'b'), '2027-03-02T12:04:59.999Z')).toBe(false);
    expect(await store.claimSend(sendClaim('k', 'a'), '2027-03-02T12:04:00.000Z')).toBe(true);
    expect(await store.claimSend(sendClaim('k', 'b'), LATER)).toBe(true);
    expect(await store.recordSendResult('k', 'a', { status: 'sent' }, LATER)).toBe(false);
    expect(await store.get('sends', 'k')).toMatchObject({ status: 'claimed', claimedBy: 'b' });
  });

  it('gives a lease to one holder at a time, renews it for that holder, and to another once it lapsed or was released', async () => {
    const until = '2027-03-02T12:10:00.000Z';
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.takeLease('digest', `i${i}`, until, NOW)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const holder = `i${results.indexOf(true)}`;
    const other = holder === 'i0' ? 'i1' : 'i0';
    expect(await store.takeLease('digest', holder, '2027-03-02T12:20:00.000Z', '2027-03-02T12:09:00.000Z')).toBe(true);
    expect(await store.takeLease('digest', other, LATER, '2027-03-02T12:19:59.000Z')).toBe(false);
    expect(await store.takeLease('digest', other, LATER, '2027-03-02T12:20:00.000Z')).toBe(true);
    await store.releaseLease('digest', holder);
    expect(await store.takeLease('digest', holder, LATER, '2027-03-02T12:21:00.000Z')).toBe(false);
    await store.releaseLease('digest', other);
    expect(await store.takeLease('digest', holder, LATER, '2027-03-02T12:21:00.000Z')).toBe(true);
    expect(await store.takeLease('reminders', other, LATER, '2027-03-02T12:21:00.000Z')).toBe(true);
  });

  it('keeps proposals and their history as written', async () => {
    const proposal = proposalFixture('pr1', {
      status: 'planned',
      history: [
        { status: 'received', at: NOW, by: 'p1' },
        { status: 'planned', at: LATER, by: 'aad-coordinator', reason: 'Seuraavaan versioon' },
      ],
    });
    await store.transaction((tx) => tx.putInYear('proposals', YEAR, proposal));
    await reopen();
    expect(await store.findBy('proposals', 'officeId', 'uusimaa')).toEqual([proposal]);
  });

  it('answers a ping while it can be reached (what /healthz asks)', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
    await store.transaction((tx) => tx.put('partners', partnerFixture('p1')));
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
