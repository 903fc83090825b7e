// What a partner sees of a feedback request: the feedback form card (sent by the
// feedback jobs, and shown again on each click in Teams) and the e-mail with a
// link to the form on the web, in the partner's language.
import { renderCard, type Card } from '../cards.js';
import type { AppConfig } from '../config.js';
import type { EmailMessage } from '../delivery/email.js';
import { emptyValues, type FeedbackFormValues } from '../domain/feedback-form.js';
import { MIN_JUSTIFICATION, PROPOSAL_LEVELS, proposalFields } from '../domain/feedback-input.js';
import { formatMeetingTime } from '../domain/format.js';
import { officeOrFirst, officeSender } from '../domain/office-name.js';
import type { Contact, FeedbackKind, FeedbackRequest, Instant, Partner } from '../domain/types.js';
import { renderHtml } from '../html-templates.js';
import { translator } from '../i18n.js';
import { contactsLine } from './contacts.js';
import { closesAt, closingTime, type RequestSubject } from './feedback-requests.js';
import { subjectText } from './feedback-subject.js';
import { topicValue, type FeedbackTopic } from './feedback.js';
import { languageOf } from './people.js';
import type { Presenter } from './presenter.js';


/** The request a form answers (possibly one not created yet, for feedback on a chosen topic). */
export interface FormTarget {
  requestId: string;
  /** Set for a topic chosen by the partner until the request exists. */
  topic: string;
  kind: FeedbackKind;
  officeId: string;
  subject: string;
  closesAt: Instant;
  answered: boolean;
}

export interface Banner {
  text: string;
  color: 'Default' | 'Good' | 'Warning' | 'Attention';
}

export function requestTarget(p: Presenter, request: FeedbackRequest, subject: RequestSubject): FormTarget {
  return {
    requestId: request.id,
    topic: '',
    kind: request.kind,
    officeId: request.officeId,
    subject: subjectText(p, subject),
    closesAt: closingTime(request, p.config.feedback),
    answered: request.status === 'answered',
  };
}

export function topicTarget(p: Presenter, partner: Partner, topic: FeedbackTopic, requestId: string, now: Date): FormTarget {
  return {
    requestId,
    topic: topicValue(topic),
    kind: 'adhoc',
    officeId: partner.officeId,
    subject: subjectText(p, topic.kind === 'meeting' ? { meeting: topic.meeting } : {}),
    closesAt: closesAt(now.toISOString(), p.config.feedback),
    answered: false,
  };
}

/** When the form closes, as the reader reads it in the office's time zone. */
const closingDate = (p: Presenter, target: FormTarget) => formatMeetingTime(target.closesAt, officeOrFirst(p.config.offices, target.officeId).timeZone, p.locale);

export function formCard(p: Presenter, target: FormTarget, values: FeedbackFormValues, banners: Banner[], partnerName: string): Card {
  const { t } = p;
  return renderCard('feedback-form', {
    title: t('feedback.form.title'),
    subject: target.subject,
    banners,
    intro: t(`feedback.intro.${target.kind}`, { name: partnerName }),
    lowRatingRule: t('feedback.lowRatingRule', { min: MIN_JUSTIFICATION }),
    labels: {
      rating: t('feedback.field.rating'),
      ratingRequired: t('feedback.ratingRequired'),
      works: t('feedback.field.works'),
      change: t('feedback.field.change'),
      justification: t('feedback.field.justification'),
      anonymous: t('feedback.field.anonymous'),
    },
    values,
    ratingChoices: [1, 2, 3, 4, 5].map((n) => ({ title: t(`feedback.rating.${n}`), value: String(n) })),
    proposalsIntro: t('feedback.proposalsIntro'),
    levelPlaceholder: t('feedback.level.placeholder'),
    levelChoices: PROPOSAL_LEVELS.map((level) => ({ title: t(`feedback.level.${level}`), value: level })),
    proposals: values.proposals.map((proposal, n) => {
      const fields = proposalFields(n);
      return {
        textId: fields.text,
        levelId: fields.level,
        justificationId: fields.justification,
        textLabel: t('feedback.field.proposal', { n: n + 1 }),
        levelLabel: t('feedback.field.level', { n: n + 1 }),
        justificationLabel: t('feedback.field.proposalJustification', { n: n + 1 }),
        ...proposal,
      };
    }),
    anonymousNote: t('feedback.anonymousNote', { min: p.config.feedback.anonymityMinimum }),
    closes: t('feedback.closesAt', { date: closingDate(p, target) }),
    submitTitle: t(target.answered ? 'feedback.update' : 'feedback.submit'),
    requestId: target.requestId,
    topic: target.topic,
  });
}

/** Everything about one request that the messages asking its partner show. */
export interface RequestContext {
  request: FeedbackRequest;
  partner: Partner;
  subject: RequestSubject;
  /** The office's named contacts for the partner's segment. */
  contacts: Contact[];
}

/** The partner's own presenter: messages go out in their language. */
function partnerPresenter(config: AppConfig, partner: Partner): Presenter {
  const locale = languageOf(partner);
  return { t: translator(locale), locale, config };
}

/** "Your contacts: …", or nothing when none are named. */
const contactLines = (p: Presenter, contacts: Contact[]) => (contacts.length > 0 ? [p.t('announce.contacts', { contacts: contactsLine(contacts) })] : []);

/** The empty form the partner gets in Teams; `reminder` 0 is the first send, n the n-th reminder. */
export function requestCard(config: AppConfig, ctx: RequestContext, reminder: number): Card {
  const p = partnerPresenter(config, ctx.partner);
  const target = requestTarget(p, ctx.request, ctx.subject);
  const banners: Banner[] = [
    ...(reminder > 0 ? [{ text: p.t('feedback.reminder', { date: closingDate(p, target) }), color: 'Warning' as const }] : []),
    ...contactLines(p, ctx.contacts).map((text) => ({ text, color: 'Default' as const })),
  ];
  return formCard(p, target, emptyValues(), banners, ctx.partner.name);
}

/** The partner's personal links an e-mailed request carries: the form on the web and their my-data page. */
export interface RequestLinks {
  form: string;
  myData: string;
}

/** The e-mail for a partner without a Teams chat; `reminder` as for requestCard. */
export function requestEmail(config: AppConfig, ctx: RequestContext, reminder: number, urls: RequestLinks): Omit<EmailMessage, 'to' | 'idempotencyKey'> {
  const p = partnerPresenter(config, ctx.partner);
  const target = requestTarget(p, ctx.request, ctx.subject);
  const subject = p.t(reminder > 0 ? 'feedback.email.reminderSubject' : 'feedback.email.subject', { subject: target.subject });
  const body = [
    p.t('feedback.email.body', { name: ctx.partner.name, subject: target.subject, date: closingDate(p, target), url: urls.form }),
    ...contactLines(p, ctx.contacts),
  ].join('\n\n');
  const text = `${body}\n\n${p.t('web.link.line', { label: p.t('web.link.myData'), url: urls.myData })}`;
  const links = [
    { url: urls.form, label: p.t('web.link.feedback'), button: true },
    { url: urls.myData, label: p.t('web.link.myData') },
  ];
  return {
    subject,
    text,
    html: renderHtml('message', { lang: p.locale, title: subject, links }, { body }),
    sender: officeSender(officeOrFirst(config.offices, ctx.request.officeId), p.locale),
  };
}
