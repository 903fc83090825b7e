// What a feedback request (or its feedback) is about, as one line in the reader's language.
import { formatMeetingTime } from '../domain/format.js';
import type { RequestSubject } from './feedback-requests.js';
import type { Presenter } from './presenter.js';
import { officeOrFirst } from '../domain/office-name.js';

export function subjectText(p: Presenter, subject: RequestSubject): string {
  if (subject.meeting) {
    const office = officeOrFirst(p.config.offices, subject.meeting!.officeId);
    const date = formatMeetingTime(subject.meeting.startsAt, office.timeZone, p.locale);
    return p.t('feedback.subject.meeting', { subTheme: subject.meeting.subTheme, date });
  }
  if (subject.survey && subject.round) return p.t('feedback.subject.survey', { topic: subject.survey.topic, period: subject.round.periodKey });
  return p.t('feedback.subject.general');
}
