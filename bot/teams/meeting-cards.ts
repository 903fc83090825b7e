// Card data for the coming meetings: the list, editing one meeting, and the
// confirmation before cancelling one.
import { renderCard, type Card } from '../cards.js';
import { formatMeetingSpan } from '../domain/format.js';
import { officeName } from '../domain/office-name.js';
import { pageOf } from '../domain/paging.js';
import { instantToLocal } from '../domain/schedule.js';
import type { Meeting } from '../domain/types.js';
import { listInvitedMeetings, listUpcomingMeetings, type RsvpCounts } from '../services/plans.js';
import { currentYear, officeById, viewerOf } from './plan-access.js';
import { withPager } from './pager.js';
import type { Turn } from './router.js';

/** Meetings with every detail as long as allowed still fit a card this many at a time. */
export const MEETINGS_PER_PAGE = 10;

function when(turn: Turn, meeting: Meeting): string {
  return formatMeetingSpan(meeting.startsAt, meeting.endsAt, officeById(turn, meeting.officeId).timeZone, turn.user.locale);
}

function detailLines(turn: Turn, meeting: Meeting, theme: string, showOffice: boolean): string[] {
  const { t, deps, user } = turn;
  const segments = meeting.segments.map((id) => deps.config.segments.find((s) => s.id === id)?.name[user.locale] ?? id).join(', ');
  return [
    t('meetings.theme', { theme }),
    ...(showOffice ? [t('meetings.office', { office: officeName(officeById(turn, meeting.officeId), user.locale) })] : []),
    t('meetings.segments', { segments }),
    ...(meeting.place ? [t('meetings.place', { place: meeting.place })] : []),
    ...(meeting.onlineUrl ? [t('meetings.online', { url: meeting.onlineUrl })] : []),
  ];
}

const answers = (turn: Turn, rsvp: RsvpCounts) => turn.t('meetings.answers', { ...rsvp });

/**
 * Coordinators see their office's coming meetings, an admin every office's,
 * both with the answers so far and actions; a partner sees the meetings
 * they are invited to and their own answer.
 */
export async function meetingsCard(turn: Turn, notice?: string, requestedPage?: unknown): Promise<Card> {
  const { t, user, deps } = turn;
  const now = deps.clock();
  const staff = user.role !== 'partner';
  const listed = staff ? await listUpcomingMeetings(deps.records, viewerOf(turn), now) : [];
  const invited = !staff && user.partner ? await listInvitedMeetings(deps.records, user.partner.id, now) : [];
  const page = pageOf(listed.length + invited.length, requestedPage, MEETINGS_PER_PAGE);
  const meetings = staff
    ? listed.slice(page.start, page.end).map((row) => ({
        when: when(turn, row.meeting),
        subTheme: row.meeting.subTheme,
        lines: detailLines(turn, row.meeting, row.theme, user.role === 'admin'),
        answers: answers(turn, row.rsvp),
        showActions: true,
        meetingId: row.meeting.id,
      }))
    : invited.slice(page.start, page.end).map((row) => ({
        when: when(turn, row.meeting),
        subTheme: row.meeting.subTheme,
        lines: detailLines(turn, row.meeting, row.theme, false),
        answers: t('meetings.yourAnswer', { answer: t(`meetings.rsvp.${row.answer}`) }),
        showActions: false,
        meetingId: row.meeting.id,
      }));
  const title =
    user.role === 'admin'
      ? t('meetings.titleAll')
      : staff
        ? t('meetings.title', { office: officeName(officeById(turn, user.officeId), user.locale) })
        : t('meetings.titleInvited');
  const card = renderCard('meetings-list', {
    title,
    hasNotice: !!notice,
    notice: notice ?? '',
    hasMeetings: meetings.length > 0,
    empty: staff ? t('meetings.empty', { example: currentYear(turn) + 1 }) : t('meetings.emptyInvited'),
    meetings,
    buttons: { invites: t('meetings.button.invites'), edit: t('meetings.button.edit'), cancel: t('meetings.button.cancel') },
  });
  return withPager(card, { t, locale: user.locale }, page, { verb: 'meetings.list' });
}

export interface MeetingEditValues {
  date: string;
  time: string;
  subTheme: string;
  place: string;
  onlineUrl: string;
}

export function meetingEditValues(turn: Turn, meeting: Meeting): MeetingEditValues {
  const local = instantToLocal(meeting.startsAt, officeById(turn, meeting.officeId).timeZone);
  return { ...local, subTheme: meeting.subTheme, place: meeting.place ?? '', onlineUrl: meeting.onlineUrl ?? '' };
}

/** The submitted values, kept as typed so a form with errors shows them again. */
export function meetingEditValuesFrom(sent: MeetingEditValues): MeetingEditValues {
  return {
    // Date and time pickers only hold well-formed values.
    date: /^\d{4}-\d{2}-\d{2}$/.test(sent.date) ? sent.date : '',
    time: /^\d{2}:\d{2}$/.test(sent.time) ? sent.time : '',
    subTheme: sent.subTheme,
    place: sent.place,
    onlineUrl: sent.onlineUrl,
  };
}

export function meetingEditCard(turn: Turn, meeting: Meeting, values: MeetingEditValues, errors: string[] = []): Card {
  const { t } = turn;
  const fields = ['date', 'time', 'subTheme', 'place', 'onlineUrl'];
  return renderCard('meeting-edit', {
    title: t('meetingEdit.title'),
    intro: t('meetingEdit.intro', { when: when(turn, meeting), subTheme: meeting.subTheme }),
    hasErrors: errors.length > 0,
    errorsTitle: t('plan.errors.title'),
    errors,
    labels: Object.fromEntries(fields.map((f) => [f, t(`meetingEdit.field.${f}`)])),
    values,
    hint: t('meetingEdit.hint'),
    save: t('meetingEdit.save'),
    back: t('plan.button.back'),
    meetingId: meeting.id,
  });
}

export function meetingCancelCard(turn: Turn, meeting: Meeting, invited: number): Card {
  const { t } = turn;
  return renderCard('meeting-cancel', {
    title: t('meetingCancel.title'),
    question: t('meetingCancel.question'),
    facts: [
      { title: t('meetingEdit.field.date'), value: when(turn, meeting) },
      { title: t('meetingEdit.field.subTheme'), value: meeting.subTheme },
      { title: t('meetingCancel.invited'), value: String(invited) },
    ],
    consequence: t('meetingCancel.consequence'),
    confirm: t('meetingCancel.confirm'),
    keep: t('meetingCancel.keep'),
    meetingId: meeting.id,
  });
}
