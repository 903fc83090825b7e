// Feedback from the office to the partner organisations that attended a
// meeting: who can be reviewed, saving the feedback (one per meeting and
// organisation), delivering it to the partners, and prompting coordinators.
import { randomUUID } from 'node:crypto';
import { renderCard, type Card } from '../cards.js';
import type { AppConfig } from '../config.js';
import type { OfficeFeedbackInput } from '../domain/office-feedback-input.js';
import { attendingInvitations, mayGiveOfficeFeedback, meetingEnded, promptDue } from '../domain/office-feedback-rules.js';
import { formatMeetingSpan } from '../domain/format.js';
import { officeName } from '../domain/office-name.js';
import type { Locale, Meeting, OfficeFeedback, Partner } from '../domain/types.js';
import { translator } from '../i18n.js';
import type { Store, YearData } from '../store/store.js';
import { wasSent } from '../delivery/send-log.js';
import { personalConversation } from './conversations.js';
import { notifyPartner, type NotifyPorts, type NotifyResult } from './notify-partner.js';
import { languageOf } from './people.js';
import type { Decider } from './proposals.js';

export interface AttendingOrganisation {
  organisation: string;
  segment: string;
  /** The partners of this organisation who attended. */
  partners: Partner[];
}

export interface MeetingReview {
  year: number;
  meeting: Meeting;
  organisations: AttendingOrganisation[];
}

const collator = new Intl.Collator('fi');
const orgKey = (organisation: string) => organisation.trim().toLowerCase();

function findMeetingYear(store: Store, meetingId: string): number | undefined {
  return store.years().find((year) => store.readYear(year, (d) => d.meetings.some((m) => m.id === meetingId)));
}

function attendingOrganisations(data: Readonly<YearData>, meetingId: string, partners: readonly Partner[]): AttendingOrganisation[] {
  const invitations = attendingInvitations(data.invitations.filter((i) => i.meetingId === meetingId));
  const byOrg = new Map<string, AttendingOrganisation>();
  for (const invitation of invitations) {
    const partner = partners.find((p) => p.id === invitation.partnerId);
    if (!partner) continue;
    const key = orgKey(partner.organisation);
    const entry = byOrg.get(key) ?? { organisation: partner.organisation.trim(), segment: partner.segment, partners: [] };
    entry.partners.push({ ...partner });
    byOrg.set(key, entry);
  }
  return [...byOrg.values()].sort((a, b) => collator.compare(a.organisation, b.organisation));
}

/** The meeting and the partner organisations with someone who attended it; undefined for an unknown meeting. */
export function organisationsToReview(store: Store, meetingId: string): MeetingReview | undefined {
  const year = findMeetingYear(store, meetingId);
  if (year === undefined) return undefined;
  const partners = store.readShared((d) => d.partners);
  return store.readYear(year, (d) => {
    const meeting = d.meetings.find((m) => m.id === meetingId)!;
    return { year, meeting: { ...meeting }, organisations: attendingOrganisations(d, meetingId, partners) };
  });
}

/** The feedback already given for this meeting and organisation, if any. */
export function findOfficeFeedback(store: Store, review: MeetingReview, organisation: string): OfficeFeedback | undefined {
  return store.readYear(review.year, (d) =>
    d.officeFeedback.find((f) => f.meetingId === review.meeting.id && orgKey(f.organisation) === orgKey(organisation)),
  );
}

export type OfficeFeedbackErrorCode =
  | 'office-feedback-meeting-not-found'
  | 'office-feedback-not-allowed'
  | 'office-feedback-meeting-not-ended'
  | 'office-feedback-not-attended';

export type GiveResult =
  | { ok: true; feedback: OfficeFeedback; recipients: Partner[] }
  | { ok: false; code: OfficeFeedbackErrorCode };

const sameContent = (f: OfficeFeedback, input: OfficeFeedbackInput) =>
  f.rating === input.rating && f.works === input.works && f.couldDoDifferently === input.couldDoDifferently;

/**
 * Saves the office's feedback to an organisation that attended the meeting; a
 * second submission for the same meeting and organisation replaces the first
 * (an identical one keeps updatedAt, so it is not delivered twice).
 */
export async function giveOfficeFeedback(store: Store, input: OfficeFeedbackInput, by: Decider, now: Date): Promise<GiveResult> {
  const year = findMeetingYear(store, input.meetingId);
  if (year === undefined) return { ok: false, code: 'office-feedback-meeting-not-found' };
  const partners = store.readShared((d) => d.partners);
  return store.updateYear(year, (d): GiveResult => {
    const meeting = d.meetings.find((m) => m.id === input.meetingId);
    if (!meeting) return { ok: false, code: 'office-feedback-meeting-not-found' };
    if (!mayGiveOfficeFeedback(by, meeting)) return { ok: false, code: 'office-feedback-not-allowed' };
    if (!meetingEnded(meeting, now)) return { ok: false, code: 'office-feedback-meeting-not-ended' };
    const attended = attendingOrganisations(d, meeting.id, partners).find((o) => orgKey(o.organisation) === orgKey(input.organisation));
    if (!attended) return { ok: false, code: 'office-feedback-not-attended' };

    const at = now.toISOString();
    const content = { rating: input.rating, works: input.works, couldDoDifferently: input.couldDoDifferently };
    let feedback = d.officeFeedback.find((f) => f.meetingId === meeting.id && orgKey(f.organisation) === orgKey(attended.organisation));
    if (!feedback) {
      feedback = {
        id: randomUUID(),
        meetingId: meeting.id,
        officeId: meeting.officeId,
        organisation: attended.organisation,
        segment: attended.segment,
        ...content,
        givenBy: by.id,
        givenAt: at,
        updatedAt: at,
      };
      d.officeFeedback.push(feedback);
    } else if (!sameContent(feedback, input)) {
      Object.assign(feedback, content, { givenBy: by.id, updatedAt: at });
    }
    return { ok: true, feedback: { ...feedback }, recipients: attended.partners };
  });
}

export type DeliveryCounts = Record<NotifyResult, number>;

/** Sends the feedback to each partner of the organisation who attended: in Teams, or by e-mail. */
export async function deliverOfficeFeedback(
  ports: NotifyPorts & { config: AppConfig },
  feedback: OfficeFeedback,
  recipients: readonly Partner[],
  meeting: Meeting,
  now: Date,
): Promise<DeliveryCounts> {
  const counts: DeliveryCounts = { teams: 0, email: 0, none: 0, failed: 0 };
  const version = feedback.updatedAt ?? feedback.givenAt;
  for (const partner of recipients) {
    const key = `office-feedback:${feedback.id}:${partner.id}:${version}`;
    const result = await notifyPartner(ports, partner, key, partnerMessage(ports.config, feedback, meeting, languageOf(partner)), 'office feedback', now);
    counts[result] += 1;
  }
  return counts;
}

function officeOf(config: AppConfig, officeId: string) {
  return config.offices.find((o) => o.id === officeId) ?? config.offices[0];
}

/** "Sub-theme, Tue 2 Mar 2027 13:00–15:00" in the office's time zone. */
export function meetingLabel(config: AppConfig, meeting: Meeting, locale: Locale): string {
  const office = officeOf(config, meeting.officeId);
  return `${meeting.subTheme}, ${formatMeetingSpan(meeting.startsAt, meeting.endsAt, office.timeZone, locale)}`;
}

function partnerMessage(config: AppConfig, feedback: OfficeFeedback, meeting: Meeting, locale: Locale) {
  const t = translator(locale);
  const office = officeOf(config, feedback.officeId);
  const data = {
    title: t('officeFeedback.notice.title', { office: officeName(office, locale) }),
    intro: t('officeFeedback.notice.intro', { organisation: feedback.organisation }),
    meeting: t('officeFeedback.notice.meeting', { meeting: meetingLabel(config, meeting, locale) }),
    ratingLabel: t('officeFeedback.form.field.rating'),
    rating: t('officeFeedback.notice.rating', { rating: feedback.rating }),
    worksLabel: t('officeFeedback.form.field.works'),
    works: feedback.works,
    couldLabel: t('officeFeedback.form.field.couldDoDifferently'),
    could: feedback.couldDoDifferently,
  };
  const section = (label: string, value: string) => (value ? [`${label}:`, value, ''] : []);
  const text = [
    data.intro,
    data.meeting,
    '',
    `${data.ratingLabel}: ${data.rating}`,
    '',
    ...section(data.worksLabel, data.works),
    ...section(data.couldLabel, data.could),
  ]
    .join('\n')
    .trimEnd();
  const page = { kind: 'office-feedback' as const, ref: feedback.id, label: t('web.link.officeFeedback') };
  return { card: renderCard('office-feedback-notice', data), subject: data.title, text, page };
}

/** The card that asks a coordinator for feedback to each organisation that attended; `notice` on top, if given. */
export function promptCard(store: Store, config: AppConfig, review: MeetingReview, locale: Locale, notice = ''): Card {
  const t = translator(locale);
  const organisations = review.organisations.map((o) => {
    const given = findOfficeFeedback(store, review, o.organisation);
    return {
      organisation: o.organisation,
      details: [
        config.segments.find((s) => s.id === o.segment)?.name[locale] ?? o.segment,
        t('officeFeedback.prompt.attendees', { names: o.partners.map((p) => p.name).join(', ') }),
        given ? t('officeFeedback.prompt.given', { rating: given.rating }) : t('officeFeedback.prompt.notGiven'),
      ].join(' · '),
      button: given ? t('officeFeedback.prompt.edit') : t('officeFeedback.prompt.give'),
      meetingId: review.meeting.id,
    };
  });
  return renderCard('office-feedback-prompt', {
    title: t('officeFeedback.prompt.title'),
    notice,
    meeting: meetingLabel(config, review.meeting, locale),
    intro: t('officeFeedback.prompt.intro'),
    organisations,
  });
}

/** Who coordinates an office and can be reached in a personal chat: their conversation record ids by aadObjectId. */
function reachableCoordinators(store: Store, config: AppConfig, officeId: string): Map<string, string> {
  const assigned = store.readShared((d) => d.roleAssignments);
  const ids = [...config.people, ...assigned]
    .filter((p) => p.role === 'coordinator' && p.office === officeId && p.aadObjectId)
    .map((p) => p.aadObjectId!);
  const reachable = new Map<string, string>();
  for (const id of ids) {
    const chat = personalConversation(store, id);
    if (chat) reachable.set(id, chat.id);
  }
  return reachable;
}

/**
 * The job: for each meeting that ended recently, sends every coordinator of
 * its office one card listing the organisations that attended, once.
 */
export async function sendFeedbackPrompts(ports: NotifyPorts & { config: AppConfig }, now: Date): Promise<number> {
  const { store, config } = ports;
  const years = store.years().filter((y) => y >= now.getUTCFullYear() - 1);
  const due = years.flatMap((year) => store.readYear(year, (d) => d.meetings.filter((m) => promptDue(m, now)).map((m) => m.id)));
  let sent = 0;
  for (const meetingId of due) {
    const review = organisationsToReview(store, meetingId);
    if (!review || review.organisations.length === 0) continue;
    const locale = officeOf(config, review.meeting.officeId).locale;
    for (const [aadObjectId, chatId] of reachableCoordinators(store, config, review.meeting.officeId)) {
      const key = `office-feedback-prompt:${meetingId}:${aadObjectId}`;
      if (wasSent(ports.store, key)) continue;
      const result = await ports.delivery.send(key, chatId, { card: promptCard(store, config, review, locale) }, 'office feedback prompt');
      if (result === 'sent') sent += 1;
    }
  }
  return sent;
}
