import { describe, expect, it } from 'vitest';
import { parseOfficeFeedbackInput } from '../bot/domain/office-feedback-input.js';
import { attendingInvitations, meetingEnded, promptDue } from '../bot/domain/office-feedback-rules.js';
import type { Invitation, Rsvp } from '../bot/domain/types.js';
import { errorsOf } from './harness/parse-results.js';

// Shaped like the form's submission: inputs are strings, meetingId and organisation come from the action data.
const valid = {
  meetingId: 'm-1',
  organisation: ' Espoon kaupunki ',
  rating: '4',
  works: ' Hakemukset tulevat ajallaan. ',
  couldDoDifferently: '',
};

const errorsFor = (patch: Record<string, unknown>) => errorsOf(parseOfficeFeedbackInput({ ...valid, ...patch }), patch);

describe('parseOfficeFeedbackInput', () => {
  it('accepts a valid submission, trimming text and converting the rating', () => {
    expect(parseOfficeFeedbackInput({ ...valid, verb: 'office-feedback.submit' })).toEqual({
      ok: true,
      value: { meetingId: 'm-1', organisation: 'Espoon kaupunki', rating: 4, works: 'Hakemukset tulevat ajallaan.', couldDoDifferently: '' },
    });
    expect(parseOfficeFeedbackInput({ ...valid, rating: 5 }).ok).toBe(true);
  });

  it('needs a whole rating from 1 to 5', () => {
    expect(errorsFor({ rating: '' })).toEqual([{ field: 'rating', code: 'required' }]);
    expect(errorsFor({ rating: undefined })).toEqual([{ field: 'rating', code: 'required' }]);
    expect(errorsFor({ rating: 'good' })).toEqual([{ field: 'rating', code: 'not-integer' }]);
    expect(errorsFor({ rating: '3.5' })).toEqual([{ field: 'rating', code: 'not-integer' }]);
    for (const rating of ['0', '6', '7', '-1']) {
      expect(errorsFor({ rating })).toEqual([{ field: 'rating', code: 'out-of-range', params: { min: 1, max: 5 } }]);
    }
  });

  it('limits both texts to 2000 characters', () => {
    expect(parseOfficeFeedbackInput({ ...valid, works: 'x'.repeat(2000), couldDoDifferently: 'y'.repeat(2000) }).ok).toBe(true);
    expect(errorsFor({ works: 'x'.repeat(2001), couldDoDifferently: 'y'.repeat(2001) })).toEqual([
      { field: 'works', code: 'too-long', params: { max: 2000 } },
      { field: 'couldDoDifferently', code: 'too-long', params: { max: 2000 } },
    ]);
  });

  it('needs at least one of the texts', () => {
    expect(errorsFor({ works: '  ', couldDoDifferently: undefined })).toEqual([{ field: 'works', code: 'office-feedback-text-required' }]);
    expect(parseOfficeFeedbackInput({ ...valid, works: '', couldDoDifferently: 'Liittäkää maksusuunnitelma.' }).ok).toBe(true);
  });

  it('needs what the partner could do differently with a rating of 2 or lower', () => {
    const needsChange = [{ field: 'couldDoDifferently', code: 'office-feedback-low-rating-needs-change', params: { max: 2 } }];
    expect(errorsFor({ rating: '2' })).toEqual(needsChange);
    expect(errorsFor({ rating: '1' })).toEqual(needsChange);
    expect(parseOfficeFeedbackInput({ ...valid, rating: '1', couldDoDifferently: 'Liittäkää maksusuunnitelma.' }).ok).toBe(true);
    expect(parseOfficeFeedbackInput({ ...valid, rating: '3' }).ok).toBe(true);
  });

  it('reports every missing or wrongly typed field', () => {
    expect(parseOfficeFeedbackInput(null)).toEqual({
      ok: false,
      errors: [
        { field: 'meetingId', code: 'required' },
        { field: 'organisation', code: 'required' },
        { field: 'rating', code: 'required' },
      ],
    });
    expect(errorsFor({ organisation: { x: 1 }, works: 5 })).toEqual([
      { field: 'organisation', code: 'invalid' },
      { field: 'works', code: 'invalid' },
    ]);
  });
});

describe('attendingInvitations', () => {
  const invitation = (id: string, rsvp: Rsvp, attended?: boolean): Invitation => ({
    id,
    meetingId: 'm-1',
    partnerId: `partner-${id}`,
    rsvp,
    sentSequence: 0,
    icsToken: 't',
    ...(attended === undefined ? {} : { attended }),
  });

  it('counts accepted and tentative answers while no attendance is recorded', () => {
    const list = [invitation('a', 'accepted'), invitation('b', 'tentative'), invitation('c', 'declined'), invitation('d', 'needs-action')];
    expect(attendingInvitations(list).map((i) => i.id)).toEqual(['a', 'b']);
  });

  it('follows recorded attendance once there is any', () => {
    const list = [invitation('a', 'accepted', false), invitation('b', 'tentative'), invitation('c', 'needs-action', true)];
    expect(attendingInvitations(list).map((i) => i.id)).toEqual(['c']);
  });
});

describe('meeting timing', () => {
  const meeting = { status: 'scheduled' as const, endsAt: '2027-03-02T13:00:00.000Z', officeId: 'uusimaa' };

  it('counts a meeting as ended from its end time on, unless cancelled', () => {
    expect(meetingEnded(meeting, new Date('2027-03-02T12:59:59.000Z'))).toBe(false);
    expect(meetingEnded(meeting, new Date('2027-03-02T13:00:00.000Z'))).toBe(true);
    expect(meetingEnded({ ...meeting, status: 'cancelled' }, new Date('2027-03-05T00:00:00.000Z'))).toBe(false);
  });

  it('prompts for feedback for 14 days after the end', () => {
    expect(promptDue(meeting, new Date('2027-03-02T12:00:00.000Z'))).toBe(false);
    expect(promptDue(meeting, new Date('2027-03-16T13:00:00.000Z'))).toBe(true);
    expect(promptDue(meeting, new Date('2027-03-16T13:00:01.000Z'))).toBe(false);
  });
});

describe('office feedback and control characters', () => {
  it('refuses them in the organisation and the meeting id, and drops them from the texts, keeping line breaks', () => {
    expect(errorsFor({ organisation: 'Espoon\u202e kaupunki', meetingId: 'm-\n1' })).toEqual([
      { field: 'meetingId', code: 'control-characters' },
      { field: 'organisation', code: 'control-characters' },
    ]);
    const result = parseOfficeFeedbackInput({ ...valid, works: 'Ajallaan\r\nja\u0007 kattavasti\u2067', couldDoDifferently: 'Liitteet\u202d mukaan' });
    expect(result).toMatchObject({ ok: true, value: { works: 'Ajallaan\nja kattavasti', couldDoDifferently: 'Liitteet mukaan' } });
  });
});
