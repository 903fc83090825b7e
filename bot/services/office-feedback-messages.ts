// What office feedback sends: the feedback to the partners who attended, and
// the prompt card that asks a coordinator for it.
import { renderCard, type Card } from '../cards.js';
import type { AppConfig } from '../config.js';
import { formatMeetingSpan } from '../domain/format.js';
import { officeName, officeOrFirst } from '../domain/office-name.js';
import type { Locale, Meeting, OfficeFeedback } from '../domain/types.js';
import { translator } from '../i18n.js';
import type { MeetingReview } from './office-feedback.js';
import type { PartnerMessage } from './partner-messages.js';

/** "Sub-theme, Tue 2 Mar 2027 13:00–15:00" in the office's time zone. */
export function meetingLabel(config: AppConfig, meeting: Meeting, locale: Locale): string {
  const office = officeOrFirst(config.offices, meeting.officeId);
  return `${meeting.subTheme}, ${formatMeetingSpan(meeting.startsAt, meeting.endsAt, office.timeZone, locale)}`;
}

/** What the organisation's partners get: the office's feedback to them, as a card and as an e-mail. */
export function officeFeedbackMessage(config: AppConfig, feedback: OfficeFeedback, meeting: Meeting, locale: Locale): PartnerMessage {
  const t = translator(locale);
  const office = officeOrFirst(config.offices, feedback.officeId);
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
export function promptCard(config: AppConfig, review: MeetingReview, givenBy: ReadonlyMap<string, OfficeFeedback>, locale: Locale, notice = ''): Card {
  const t = translator(locale);
  const organisations = review.organisations.map((o) => {
      const given = givenBy.get(o.organisation);
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

