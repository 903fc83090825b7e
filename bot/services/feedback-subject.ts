// What a feedback request (or its feedback) is about, as one line in the reader's language.
import type { AppConfig } from '../config.js';
import { formatMeetingTime } from '../domain/format.js';
import type { Locale } from '../domain/types.js';
import type { Translate } from '../i18n.js';
import type { RequestSubject } from './feedback-requests.js';

export function subjectText(p: { t: Translate; locale: Locale; config: AppConfig }, subject: RequestSubject): string {
  if (subject.meeting) {
    const office = p.config.offices.find((o) => o.id === subject.meeting!.officeId) ?? p.config.offices[0];
    const date = formatMeetingTime(subject.meeting.startsAt, office.timeZone, p.locale);
    return p.t('feedback.subject.meeting', { subTheme: subject.meeting.subTheme, date });
  }
  if (subject.survey && subject.round) return p.t('feedback.subject.survey', { topic: subject.survey.topic, period: subject.round.periodKey });
  return p.t('feedback.subject.general');
}
