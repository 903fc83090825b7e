// The feedback form as a web page: the same fields, rules and messages as the
// Teams card (parseFeedbackInput, submitFeedback), laid out for WCAG 2.1 AA:
// every input labelled, each error next to its field and listed on top.
import { type FeedbackFieldError } from '../domain/feedback-input.js';
import { MAX_FEEDBACK_TEXT, MAX_PROPOSALS, MIN_JUSTIFICATION, PROPOSAL_LEVELS, proposalFields } from '../domain/feedback-input.js';
import type { FeedbackFormValues } from '../domain/feedback-form.js';
import { formatMeetingTime } from '../domain/format.js';
import type { FeedbackRequest, Locale } from '../domain/types.js';
import type { AppConfig } from '../config.js';
import type { Translate } from '../i18n.js';
import type { RecordReader } from '../store/records.js';
import { closingTime, isEditable, subjectOf } from '../services/feedback-requests.js';
import { subjectText } from '../services/feedback-subject.js';
import { errorLines } from '../field-error-lines.js';
import { officeOrFirst } from '../domain/office-name.js';

export interface FeedbackPageInput {
  records: RecordReader;
  config: AppConfig;
  t: Translate;
  locale: Locale;
  request: FeedbackRequest;
  partnerName: string;
  values: FeedbackFormValues;
  errors: FeedbackFieldError[];
  notice: string;
  action: string;
  csrf: string;
  now: Date;
}

/** The data of config/page-templates/feedback.hbs. */
export async function feedbackPageData(input: FeedbackPageInput) {
  const { t, config, request, values, errors } = input;
  const lines = errorLines(t, 'feedback', errors);
  const errorOf = (field: string) => lines[errors.findIndex((e) => e.field === field)] ?? '';
  const textField = (id: string, label: string, value: string, hint = '') => {
    const error = errorOf(id);
    const describedBy = [error && `${id}-error`, hint && `${id}-hint`].filter(Boolean).join(' ');
    return { id, label, value, hint, error, describedBy, max: MAX_FEEDBACK_TEXT };
  };
  const office = officeOrFirst(config.offices, request.officeId);
  return {
    notice: input.notice,
    errorTitle: t('feedback.fixErrors'),
    // The proposals-count error has no field of its own: it points at the first proposal.
    errors: errors.map((e, i) => ({ target: e.field === 'proposals' ? proposalFields(0).text : e.field, text: lines[i] })),
    subject: subjectText({ t, locale: input.locale, config }, await subjectOf(input.records, request)),
    intro: t(`feedback.intro.${request.kind}`, { name: input.partnerName }),
    closes: t('feedback.closesAt', { date: formatMeetingTime(closingTime(request, config.feedback), office.timeZone, input.locale) }),
    open: isEditable(request, config.feedback, input.now),
    action: input.action,
    csrf: input.csrf,
    rating: {
      legend: t('feedback.field.rating'),
      hint: t('feedback.lowRatingRule', { min: MIN_JUSTIFICATION }),
      error: errorOf('rating'),
      options: [1, 2, 3, 4, 5].map((n) => ({ id: `rating-${n}`, value: String(n), label: t(`feedback.rating.${n}`), checked: values.rating === String(n) })),
    },
    texts: [
      textField('justification', t('feedback.field.justification'), values.justification),
      textField('works', t('feedback.field.works'), values.works),
      textField('change', t('feedback.field.change'), values.change),
    ],
    proposalsHeading: t('feedback.field.proposals'),
    proposalsIntro: t('feedback.proposalsIntro'),
    proposals: Array.from({ length: MAX_PROPOSALS }, (_, n) => {
      const fields = proposalFields(n);
      const given = values.proposals[n];
      return {
        legend: t('feedback.field.proposal', { n: n + 1 }),
        text: textField(fields.text, t('feedback.field.proposal', { n: n + 1 }), given.text),
        level: {
          id: fields.level,
          label: t('feedback.field.level', { n: n + 1 }),
          error: errorOf(fields.level),
          options: [
            { value: '', label: t('feedback.level.placeholder'), selected: given.level === '' },
            ...PROPOSAL_LEVELS.map((level) => ({ value: level, label: t(`feedback.level.${level}`), selected: given.level === level })),
          ],
        },
        justification: textField(fields.justification, t('feedback.field.proposalJustification', { n: n + 1 }), given.justification),
      };
    }),
    anonymous: {
      label: t('feedback.field.anonymous'),
      hint: t('feedback.anonymousNote', { min: config.feedback.anonymityMinimum }),
      checked: values.anonymous === 'true',
      error: errorOf('anonymous'),
    },
    submit: t(request.status === 'answered' ? 'feedback.update' : 'feedback.submit'),
  };
}
