// `meetings`: the coming meetings, and editing or cancelling one of them.
// The "Invitations" button (invites.open) belongs to the invite step.
import { parseMeetingEdit } from '../domain/plan-edits.js';
import type { Meeting } from '../domain/types.js';
import { sendMeetingUpdates } from './sync-invites.js';
import { cancelMeeting, invitationsToUpdate, meetingRsvp, meetingToChange, updateMeeting } from '../services/plans.js';
import { errorLines } from '../field-error-lines.js';
import { meetingCancelCard, meetingEditCard, meetingEditValues, meetingEditValuesFrom, meetingsCard } from './meeting-cards.js';
import { failureText, officeById, viewerOf } from './plan-access.js';
import { audited } from './audit.js';
import { cardAction, type Feature, type Turn } from './router.js';
import { OFFICE_STAFF } from './roles.js';
import { cardData, cardId, formText, page } from './card-data.js';

/** A meeting's buttons: the meeting. */
const meetingData = cardData({ meetingId: cardId });
/** The edit form: parseMeetingEdit checks its inputs and answers field by field. */
const meetingForm = meetingData.extend({ date: formText, time: formText, subTheme: formText, place: formText, onlineUrl: formText });

/** The meeting, if this user may change it now (the service's rule). */
const changeable = (turn: Turn, meetingId: string) => meetingToChange(turn.deps.records, meetingId, viewerOf(turn), turn.deps.clock());

/** What happened to a changed meeting, and to how many invitees the change is going out. */
async function changeNotice(turn: Turn, meeting: Meeting, change: 'saved' | 'cancelled'): Promise<string> {
  const count = await invitationsToUpdate(turn.deps.records, [meeting.id]);
  const key = count > 0 ? `meetings.notice.${change}` : `meetings.notice.${change}NoInvitees`;
  return turn.t(key, { subTheme: meeting.subTheme, count });
}

export const meetingsFeature: Feature = {
  commands: [
    {
      name: 'meetings',
      words: 'meetings',
      roles: ['partner', 'coordinator', 'admin'],
      menu: ['personal', 'team', 'groupChat'],
      handle: async (turn) => meetingsCard(turn),
    },
  ],
  cardActions: [
    cardAction('meetings.list', ['coordinator', 'admin', 'partner'], cardData({ page }), async (turn, data) => meetingsCard(turn, undefined, data.page)),
    cardAction('meeting.edit', OFFICE_STAFF, meetingData, async (turn, data) => {
      const found = await changeable(turn, data.meetingId);
      if (!found.ok) return failureText(turn, found.code);
      return meetingEditCard(turn, found.meeting, meetingEditValues(turn, found.meeting));
    }),
    cardAction('meeting.save', OFFICE_STAFF, meetingForm, async (turn, data) => {
      const { t, deps } = turn;
      const found = await changeable(turn, data.meetingId);
      if (!found.ok) return failureText(turn, found.code);
      const now = deps.clock();
      const parsed = parseMeetingEdit(data, {
        plan: found.plan,
        meeting: found.meeting,
        timeZone: officeById(turn, found.meeting.officeId).timeZone,
        notBefore: now.toISOString(),
      });
      if (!parsed.ok) {
        return meetingEditCard(turn, found.meeting, meetingEditValuesFrom(data), errorLines(t, 'meetingEdit', parsed.errors));
      }
      const saved = await updateMeeting(deps.records, found.meeting.id, parsed.value, viewerOf(turn), now);
      if (!saved.ok) return failureText(turn, saved.code);
      if (!saved.changed) return meetingsCard(turn, t('meetings.notice.unchanged'));
      sendMeetingUpdates(turn, [saved.meeting.id]);
      return meetingsCard(turn, await changeNotice(turn, saved.meeting, 'saved'));
    }),
    cardAction('meeting.cancel', OFFICE_STAFF, meetingData, async (turn, data) => {
      const found = await changeable(turn, data.meetingId);
      if (!found.ok) return failureText(turn, found.code);
      return meetingCancelCard(turn, found.meeting, (await meetingRsvp(turn.deps.records, found.meeting)).invited);
    }),
    cardAction('meeting.cancel.confirm', OFFICE_STAFF, meetingData, async (turn, data) => {
      const { t, deps } = turn;
      const cancelled = await cancelMeeting(deps.records, data.meetingId, viewerOf(turn), deps.clock());
      if (!cancelled.ok) return failureText(turn, cancelled.code);
      const { meeting } = cancelled;
      // A replayed confirmation: the cancellation went out with the first one.
      if (!cancelled.changed) return meetingsCard(turn, t('meetings.notice.alreadyCancelled', { subTheme: meeting.subTheme }));
      await audited(turn, 'meeting.cancel', { ref: meeting.id }, { office: meeting.officeId });
      sendMeetingUpdates(turn, [meeting.id]);
      return meetingsCard(turn, await changeNotice(turn, meeting, 'cancelled'));
    }),
  ],
};
