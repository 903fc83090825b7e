import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EditedSlot, PlanInput } from '../bot/domain/plan-input.js';
import type { PlanEdit } from '../bot/domain/plan-edits.js';
import { meetingSlot } from '../bot/domain/schedule.js';
import type { Invitation, Meeting, Office, Rsvp } from '../bot/domain/types.js';
import {
  cancelMeeting,
  confirmPlan,
  findPlanFor,
  meetingToChange,
  getPlan,
  listInvitedMeetings,
  listUpcomingMeetings,
  proposeSchedule,
  updateMeeting,
  updatePlan,
} from '../bot/services/plans.js';
import type { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { racingRecords } from './harness/racing-records.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';

const ZONE = 'Europe/Helsinki';
const office: Office = { id: 'uusimaa', name: 'Uusimaa', timeZone: ZONE, locale: 'fi', email: 'u@example.fi' };
const NOW = new Date('2026-12-01T10:00:00Z');
const UUSIMAA_COORDINATOR = { role: 'coordinator', officeId: 'uusimaa' } as const;
const POHJANMAA_COORDINATOR = { role: 'coordinator', officeId: 'pohjanmaa' } as const;
const ADMIN = { role: 'admin', officeId: 'pohjanmaa' } as const;

const input = (patch: Partial<PlanInput> = {}): PlanInput => ({
  year: 2027,
  officeId: 'uusimaa',
  theme: 'Perintäasian ensimmäiset viikot',
  subThemes: ['Vireilletulo', 'Maksusuunnitelmat', 'Palkanulosmittaus', 'Vuokrasaatavat'],
  segments: ['municipalities', 'debt-counsellors'],
  count: 4,
  weekday: 2,
  time: '13:00',
  durationMinutes: 120,
  place: 'Kokoushuone Aurora',
  ...patch,
});

const DATES = ['2027-02-09', '2027-05-04', '2027-08-24', '2027-11-09'];
const slots = (dates = DATES, subThemes = input().subThemes): EditedSlot[] =>
  dates.map((d, n) => ({ ...meetingSlot(d, '13:00', 120, ZONE), subTheme: subThemes[n] }));

describe('plans service', () => {
  let temp: TempRecords;
  let records: LowdbRecordStore;
  const byStart = (a: Meeting, b: Meeting) => a.startsAt.localeCompare(b.startsAt);
  /** The year's plans and meetings (earliest first) as the RecordStore holds them. */
  const saved = async (year = 2027) => ({
    plans: await records.inYear('plans', year),
    meetings: (await records.inYear('meetings', year)).sort(byStart),
  });

  beforeEach(async () => {
    temp = await tempRecords();
    records = temp.records;
  });
  afterEach(() => temp.cleanup());

  async function savePlan(patch: Partial<PlanInput> = {}) {
    const result = await confirmPlan(records, input(patch), slots(), 'aad-kaisa', NOW);
    if (!result.ok) throw new Error(result.code);
    return result;
  }

  async function addInvitations(meetingId: string, answers: Rsvp[]) {
    await records.transaction(async (tx) => {
      for (const [n, rsvp] of answers.entries()) {
        const invitation: Invitation = { id: `${meetingId}-${n}`, meetingId, partnerId: `partner-${n}`, rsvp, sentSequence: 0, icsToken: `t${n}` };
        await tx.putInYear('invitations', 2027, invitation);
      }
    });
  }

  describe('proposeSchedule', () => {
    it('proposes the requested dates after now, in the office zone', () => {
      const result = proposeSchedule(office, input(), NOW);
      expect(result).toEqual({ ok: true, slots: expect.any(Array) });
      expect(result.slots.map((s) => s.localDate)).toEqual(DATES);
      expect(result.slots[0].startsAt).toBe('2027-02-09T11:00:00.000Z');
      expect(result.slots[1].startsAt).toBe('2027-05-04T10:00:00.000Z');
    });

    it('explains when fewer dates fit than meetings asked, with the dates that do fit', () => {
      const result = proposeSchedule(office, input({ count: 5 }), new Date('2027-12-01T10:00:00Z'));
      expect(result).toMatchObject({ ok: false, code: 'too-many-meetings', requested: 5, available: 3 });
      expect(result.slots.map((s) => s.localDate)).toEqual(['2027-12-07', '2027-12-14', '2027-12-21']);
    });
  });

  describe('confirmPlan', () => {
    it('saves the plan and its meetings in the plan year file', async () => {
      const { plan, meetings } = await savePlan();
      const data = await saved();
      expect(data.plans).toEqual([plan]);
      expect(plan).toMatchObject({
        officeId: 'uusimaa',
        year: 2027,
        theme: 'Perintäasian ensimmäiset viikot',
        weekday: 2,
        time: '13:00',
        durationMinutes: 120,
        place: 'Kokoushuone Aurora',
        createdBy: 'aad-kaisa',
        createdAt: NOW.toISOString(),
      });
      expect(plan).not.toHaveProperty('onlineUrl');
      expect(data.meetings).toEqual(meetings);
      expect(meetings.map((m: Meeting) => [m.subTheme, m.startsAt, m.endsAt])).toEqual([
        ['Vireilletulo', '2027-02-09T11:00:00.000Z', '2027-02-09T13:00:00.000Z'],
        ['Maksusuunnitelmat', '2027-05-04T10:00:00.000Z', '2027-05-04T12:00:00.000Z'],
        ['Palkanulosmittaus', '2027-08-24T10:00:00.000Z', '2027-08-24T12:00:00.000Z'],
        ['Vuokrasaatavat', '2027-11-09T11:00:00.000Z', '2027-11-09T13:00:00.000Z'],
      ]);
      for (const m of meetings) {
        expect(m).toMatchObject({ planId: plan.id, officeId: 'uusimaa', year: 2027, status: 'scheduled', sequence: 0, uid: `${m.id}@sidos` });
        expect(m.segments).toEqual(['municipalities', 'debt-counsellors']);
        expect(m.place).toBe('Kokoushuone Aurora');
      }
      expect(new Set(meetings.map((m) => m.uid)).size).toBe(4);
    });

    it('refuses a second plan for the same office and year and changes nothing', async () => {
      const first = await savePlan();
      const before = await saved();
      const second = await confirmPlan(records, input({ theme: 'Toinen teema' }), slots(), 'aad-kaisa', NOW);
      expect(second).toEqual({ ok: false, code: 'plan-exists', plan: first.plan });
      expect(await saved()).toEqual(before);
      expect((await findPlanFor(records, 'uusimaa', 2027))?.id).toBe(first.plan.id);
    });

    it('lets another office plan the same year', async () => {
      await savePlan();
      const other = await confirmPlan(records, input({ officeId: 'pohjanmaa' }), slots(), 'aad-sven', NOW);
      expect(other.ok).toBe(true);
      expect((await saved()).plans).toHaveLength(2);
    });

    it('creates one plan when the same plan is confirmed twice at the same time', async () => {
      // Another office's plan is already in the year, so both clicks race for the same office and year.
      await confirmPlan(records, input({ officeId: 'pohjanmaa' }), slots(), 'aad-sven', NOW);
      const results = await Promise.all([
        confirmPlan(records, input(), slots(), 'aad-kaisa', NOW),
        confirmPlan(records, input(), slots(), 'aad-kaisa', NOW),
      ]);
      expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
      const data = await saved();
      expect(data.plans.filter((p: { officeId: string }) => p.officeId === 'uusimaa')).toHaveLength(1);
      expect(data.meetings.filter((m: Meeting) => m.officeId === 'uusimaa')).toHaveLength(4);
    });
    it('answers "plan exists" when another instance saved the plan between this one’s check and its write', async () => {
      const first = await savePlan();
      const racing = racingRecords(records, 'plans');
      const second = await confirmPlan(racing, input({ theme: 'Toinen teema' }), slots(), 'aad-kaisa', NOW);
      expect(second).toEqual({ ok: false, code: 'plan-exists', plan: first.plan });
      expect((await saved()).meetings).toEqual(first.meetings);
    });
  });

  describe('updatePlan', () => {
    const edit = (meetings: Meeting[], patch: Partial<PlanEdit> = {}): PlanEdit => ({
      theme: 'Perintäasian ensimmäiset viikot',
      segments: ['municipalities', 'debt-counsellors'],
      place: 'Kokoushuone Aurora',
      meetings: meetings.map((m) => ({ meetingId: m.id, subTheme: m.subTheme, startsAt: m.startsAt, endsAt: m.endsAt })),
      ...patch,
    });

    it('bumps the sequence only of meetings whose time or sub-theme changed', async () => {
      const { plan, meetings } = await savePlan();
      const changes = edit(meetings, { theme: 'Uusi teema' });
      changes.meetings[1] = { ...changes.meetings[1], ...meetingSlot('2027-05-11', '13:00', 120, ZONE) };
      changes.meetings[2] = { ...changes.meetings[2], subTheme: 'Ulosmittaus' };
      const result = await updatePlan(records, plan.id, changes, UUSIMAA_COORDINATOR, NOW);
      expect(result).toMatchObject({ ok: true, changed: [meetings[1].id, meetings[2].id] });

      const data = await saved();
      expect(data.plans[0]).toMatchObject({ theme: 'Uusi teema', updatedAt: NOW.toISOString() });
      expect(data.meetings.map((m: Meeting) => m.sequence)).toEqual([0, 1, 1, 0]);
      expect(data.meetings[1].startsAt).toBe('2027-05-11T10:00:00.000Z');
      expect(data.meetings[2].subTheme).toBe('Ulosmittaus');
    });

    it('applies a new place or link to every coming meeting, and new segments without a re-send', async () => {
      const { plan, meetings } = await savePlan();
      const result = await updatePlan(
        records,
        plan.id,
        edit(meetings, { place: undefined, onlineUrl: 'https://teams.example/x', segments: ['authorities'] }),
        ADMIN,
        NOW,
      );
      expect(result.ok).toBe(true);
      const data = await saved();
      expect(data.plans[0]).toMatchObject({ onlineUrl: 'https://teams.example/x', segments: ['authorities'] });
      expect(data.plans[0]).not.toHaveProperty('place');
      for (const m of data.meetings) {
        expect(m).toMatchObject({ onlineUrl: 'https://teams.example/x', segments: ['authorities'], sequence: 1 });
        expect(m).not.toHaveProperty('place');
      }

      const segmentsOnly = await updatePlan(records, plan.id, { ...edit(data.meetings, { segments: ['municipalities'] }), place: undefined, onlineUrl: 'https://teams.example/x' }, ADMIN, NOW);
      expect(segmentsOnly).toMatchObject({ ok: true, changed: [] });
      expect((await saved()).meetings.map((m: Meeting) => m.sequence)).toEqual([1, 1, 1, 1]);
    });

    it('leaves past and cancelled meetings alone and refuses a card that does not match the coming meetings', async () => {
      const { plan, meetings } = await savePlan();
      await cancelMeeting(records, meetings[3].id, UUSIMAA_COORDINATOR, NOW);
      const later = new Date('2027-03-01T10:00:00Z');
      const found = await getPlan(records, plan.id, UUSIMAA_COORDINATOR, later);
      expect(found.ok && found.meetings.map((m) => m.id)).toEqual([meetings[1].id, meetings[2].id]);

      const before = await saved();
      expect(await updatePlan(records, plan.id, edit(meetings), UUSIMAA_COORDINATOR, later)).toEqual({ ok: false, code: 'stale' });
      expect(await saved()).toEqual(before);

      const ok = await updatePlan(records, plan.id, edit(meetings.slice(1, 3), { place: 'Sali 2' }), UUSIMAA_COORDINATOR, later);
      expect(ok).toMatchObject({ ok: true, changed: [meetings[1].id, meetings[2].id] });
      const data = await saved();
      expect(data.meetings.map((m: Meeting) => m.place)).toEqual(['Kokoushuone Aurora', 'Sali 2', 'Sali 2', 'Kokoushuone Aurora']);
    });

    it('refuses another office and a move into the past, changing nothing', async () => {
      const { plan, meetings } = await savePlan();
      const before = await saved();
      expect(await updatePlan(records, plan.id, edit(meetings, { theme: 'X' }), POHJANMAA_COORDINATOR, NOW)).toEqual({ ok: false, code: 'other-office' });
      expect(await getPlan(records, plan.id, POHJANMAA_COORDINATOR, NOW)).toEqual({ ok: false, code: 'other-office' });
      const past = edit(meetings);
      past.meetings[0] = { ...past.meetings[0], ...meetingSlot('2026-11-24', '13:00', 120, ZONE) };
      expect(await updatePlan(records, plan.id, past, UUSIMAA_COORDINATOR, NOW)).toEqual({ ok: false, code: 'past' });
      expect(await updatePlan(records, 'no-such-plan', edit(meetings), ADMIN, NOW)).toEqual({ ok: false, code: 'not-found' });
      expect(await saved()).toEqual(before);
    });
  });

  describe('updateMeeting and cancelMeeting', () => {
    it('moves one meeting and bumps its sequence; an unchanged save bumps nothing', async () => {
      const { meetings } = await savePlan();
      const m = meetings[0];
      const moved = { subTheme: m.subTheme, ...meetingSlot('2027-02-10', '09:30', 120, ZONE), place: m.place };
      expect(await updateMeeting(records, m.id, moved, UUSIMAA_COORDINATOR, NOW)).toMatchObject({ ok: true, changed: true, meeting: { sequence: 1 } });
      expect(await updateMeeting(records, m.id, moved, UUSIMAA_COORDINATOR, NOW)).toMatchObject({ ok: true, changed: false, meeting: { sequence: 1 } });
      const stored = (await saved()).meetings[0];
      expect(stored).toMatchObject({ startsAt: '2027-02-10T07:30:00.000Z', endsAt: '2027-02-10T09:30:00.000Z', sequence: 1, uid: m.uid });
    });

    it('refuses another office, a cancelled, a past or an unknown meeting', async () => {
      const { meetings } = await savePlan();
      const m = meetings[0];
      const change = { subTheme: 'X', startsAt: m.startsAt, endsAt: m.endsAt, place: m.place };
      const before = await saved();
      expect(await updateMeeting(records, m.id, change, POHJANMAA_COORDINATOR, NOW)).toEqual({ ok: false, code: 'other-office' });
      expect(await cancelMeeting(records, m.id, POHJANMAA_COORDINATOR, NOW)).toEqual({ ok: false, code: 'other-office' });
      expect(await meetingToChange(records, m.id, POHJANMAA_COORDINATOR, NOW)).toEqual({ ok: false, code: 'other-office' });
      // The meeting cards open a meeting by the same rule that updating and cancelling apply.
      expect(await meetingToChange(records, m.id, UUSIMAA_COORDINATOR, new Date('2027-03-01T00:00:00Z'))).toEqual({ ok: false, code: 'past' });
      expect(await updateMeeting(records, m.id, change, UUSIMAA_COORDINATOR, new Date('2027-02-09T11:00:00Z'))).toEqual({ ok: false, code: 'past' });
      expect(await cancelMeeting(records, m.id, UUSIMAA_COORDINATOR, new Date('2027-03-01T00:00:00Z'))).toEqual({ ok: false, code: 'past' });
      expect(await cancelMeeting(records, 'nope', ADMIN, NOW)).toEqual({ ok: false, code: 'not-found' });
      expect(await saved()).toEqual(before);

      await cancelMeeting(records, m.id, UUSIMAA_COORDINATOR, NOW);
      expect(await updateMeeting(records, m.id, change, ADMIN, NOW)).toEqual({ ok: false, code: 'cancelled' });
      expect(await meetingToChange(records, m.id, ADMIN, NOW)).toEqual({ ok: false, code: 'cancelled' });
    });

    it('cancels once: status cancelled and sequence + 1; a second cancel changes nothing', async () => {
      const { meetings } = await savePlan();
      expect(await cancelMeeting(records, meetings[1].id, ADMIN, NOW)).toMatchObject({ ok: true, changed: true, meeting: { status: 'cancelled', sequence: 1 } });
      expect(await cancelMeeting(records, meetings[1].id, UUSIMAA_COORDINATOR, NOW)).toMatchObject({ ok: true, changed: false, meeting: { sequence: 1 } });
      const data = await saved();
      expect(data.meetings.map((m: Meeting) => [m.status, m.sequence])).toEqual([
        ['scheduled', 0],
        ['cancelled', 1],
        ['scheduled', 0],
        ['scheduled', 0],
      ]);
    });
  });

  describe('listing', () => {
    it('lists coming scheduled meetings of the office with RSVP counts, zeros when nobody is invited yet', async () => {
      const { meetings } = await savePlan();
      const other = await confirmPlan(records, input({ officeId: 'pohjanmaa', theme: 'Pohjanmaan teema' }), slots(['2027-02-02', '2027-05-11', '2027-08-31', '2027-11-16']), 'aad-sven', NOW);
      if (!other.ok) throw new Error(other.code);
      await addInvitations(meetings[0].id, ['accepted', 'accepted', 'tentative', 'declined', 'needs-action']);
      await cancelMeeting(records, meetings[2].id, UUSIMAA_COORDINATOR, NOW);

      const list = await listUpcomingMeetings(records, UUSIMAA_COORDINATOR, NOW);
      expect(list.map((r) => r.meeting.id)).toEqual([meetings[0].id, meetings[1].id, meetings[3].id]);
      expect(list[0]).toMatchObject({ theme: 'Perintäasian ensimmäiset viikot', rsvp: { invited: 5, accepted: 2, tentative: 1, declined: 1, waiting: 1 } });
      expect(list[1].rsvp).toEqual({ invited: 0, accepted: 0, tentative: 0, declined: 0, waiting: 0 });

      const all = await listUpcomingMeetings(records, ADMIN, NOW);
      expect(all).toHaveLength(7);
      expect(all.map((r) => r.meeting.startsAt)).toEqual([...all.map((r) => r.meeting.startsAt)].sort());
      expect(all[0].meeting.officeId).toBe('pohjanmaa');

      // A meeting under way is still coming until it ends; an ended one is not.
      expect((await listUpcomingMeetings(records, UUSIMAA_COORDINATOR, new Date('2027-02-09T12:00:00Z')))[0].meeting.id).toBe(meetings[0].id);
      expect((await listUpcomingMeetings(records, UUSIMAA_COORDINATOR, new Date('2027-02-09T13:00:00Z')))[0].meeting.id).toBe(meetings[1].id);
    });

    it('lists the coming meetings a partner is invited to, with their own answer', async () => {
      const { meetings } = await savePlan();
      await addInvitations(meetings[1].id, ['needs-action', 'tentative']);
      await addInvitations(meetings[3].id, ['declined']);
      expect((await listInvitedMeetings(records, 'partner-1', NOW)).map((r) => [r.meeting.id, r.answer])).toEqual([[meetings[1].id, 'tentative']]);
      expect((await listInvitedMeetings(records, 'partner-0', NOW)).map((r) => [r.meeting.id, r.answer])).toEqual([
        [meetings[1].id, 'needs-action'],
        [meetings[3].id, 'declined'],
      ]);
      await cancelMeeting(records, meetings[3].id, UUSIMAA_COORDINATOR, NOW);
      expect(await listInvitedMeetings(records, 'partner-0', NOW)).toHaveLength(1);
    });
  });
});
