// The partner → office feedback loop in Teams: the feedback card (sent after a
// meeting or for a survey round, or opened with `feedback`), its submission,
// and for staff the `feedback` view of what their office received.
import { randomUUID } from 'node:crypto';
import { renderCard, type Card } from '../cards.js';
import type { AppConfig } from '../config.js';
import { MAX_PROPOSALS, MIN_JUSTIFICATION, parseFeedbackInput, PROPOSAL_LEVELS, proposalFields } from '../domain/feedback-input.js';
import { formatMeetingTime } from '../domain/format.js';
import { officeSender } from '../domain/office-name.js';
import type { FeedbackKind, FeedbackRequest, Instant, Partner } from '../domain/types.js';
import { emptyValues, storedValues, submittedValues, type FeedbackFormValues } from '../domain/feedback-form.js';
import { renderHtml } from '../html-templates.js';
import { translator } from '../i18n.js';
import {
  closesAt,
  closingTime,
  createMeetingRequests,
  deliverNewRequests,
  editableRequests,
  remindAndClose,
  subjectOf,
  type FeedbackOutbox,
} from '../services/feedback-requests.js';
import { answerTo, parseTopic, recentMeetings, requestToAnswer, submitFeedback, topicValue, type FeedbackErrorCode, type FeedbackTopic } from '../services/feedback.js';
import { subjectText } from '../services/feedback-subject.js';
import { issuePartnerLinks } from '../services/partner-links.js';
import { languageOf } from '../services/people.js';
import { contactsLine, segmentContactsOf } from '../services/contacts.js';
import type { RecordReader } from '../store/records.js';
import { errorLines } from '../field-error-lines.js';
import type { BotDeps } from '../deps.js';
import { cardAction, officeTimeZone, type Feature, type Turn } from './router.js';
import { OFFICE_STAFF } from './roles.js';
import { z } from 'zod';
import { cardData, cardId, formText, page } from './card-data.js';
import { staffCard, staffView } from './feedback-staff.js';
import { presenterOf, type Presenter } from './presenter.js';

export { STAFF_ANSWERS_PER_PAGE } from './feedback-staff.js';


const officeOf = (config: AppConfig, officeId: string) => config.offices.find((o) => o.id === officeId) ?? config.offices[0];
const zoneOf = (config: AppConfig, officeId: string) => officeOf(config, officeId).timeZone;

/** The request a form answers (possibly one not created yet, for feedback on a chosen topic). */
interface FormTarget {
  requestId: string;
  /** Set for a topic chosen by the partner until the request exists. */
  topic: string;
  kind: FeedbackKind;
  officeId: string;
  subject: string;
  closesAt: Instant;
  answered: boolean;
}

interface Banner {
  text: string;
  color: 'Default' | 'Good' | 'Warning' | 'Attention';
}

async function requestTarget(reader: RecordReader, p: Presenter, request: FeedbackRequest): Promise<FormTarget> {
  return {
    requestId: request.id,
    topic: '',
    kind: request.kind,
    officeId: request.officeId,
    subject: subjectText(p, await subjectOf(reader, request)),
    closesAt: closingTime(request, p.config.feedback),
    answered: request.status === 'answered',
  };
}

function topicTarget(p: Presenter, partner: Partner, topic: FeedbackTopic, requestId: string, now: Date): FormTarget {
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

function formCard(p: Presenter, target: FormTarget, values: FeedbackFormValues, banners: Banner[], partnerName: string): Card {
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
    closes: t('feedback.closesAt', { date: formatMeetingTime(target.closesAt, zoneOf(p.config, target.officeId), p.locale) }),
    submitTitle: t(target.answered ? 'feedback.update' : 'feedback.submit'),
    requestId: target.requestId,
    topic: target.topic,
  });
}

/** The form for an existing request, with the partner's answer when there is one. */
async function requestForm(turn: Turn, partner: Partner, request: FeedbackRequest, banners: Banner[] = []): Promise<Card> {
  const answer = await answerTo(turn.deps.records, request);
  const values = answer ? storedValues(answer.feedback, answer.proposals) : emptyValues();
  return formCard(presenterOf(turn), await requestTarget(turn.deps.records, presenterOf(turn), request), values, banners, partner.name);
}

function refusalText(turn: Turn, code: FeedbackErrorCode): string {
  if (code === 'not-yours') return turn.t('feedback.notYours');
  if (code === 'closed') return turn.t('feedback.closed');
  return turn.t('error.cardOutdated');
}

/** `request:<id>` of the partner's own open request, or a topic: "general" or "meeting:<id>". */
async function topicCard(turn: Turn, partner: Partner): Promise<Card> {
  const { records, config, clock } = turn.deps;
  const p = presenterOf(turn);
  const now = clock();
  const requests = await editableRequests(records, partner.id, config.feedback, now);
  const asked = new Set(requests.map((r) => r.meetingId).filter(Boolean));
  const requestChoices = await Promise.all(
    requests.map(async (r) => ({
      title: turn.t(r.status === 'answered' ? 'feedback.topic.edit' : 'feedback.topic.request', { subject: subjectText(p, await subjectOf(records, r)) }),
      value: `request:${r.id}`,
    })),
  );
  const choices = [
    ...requestChoices,
    ...(await recentMeetings(records, partner.officeId, now))
      .filter((m) => !asked.has(m.id))
      .map((meeting) => ({ title: subjectText(p, { meeting }), value: topicValue({ kind: 'meeting', meeting }) })),
    { title: turn.t('feedback.subject.general'), value: topicValue({ kind: 'general' }) },
  ];
  return renderCard('feedback-topic', {
    title: turn.t('feedback.topic.title'),
    intro: turn.t('feedback.topic.intro'),
    label: turn.t('feedback.topic.label'),
    value: choices[0].value,
    choices,
    button: turn.t('feedback.topic.continue'),
  });
}

/** The topic chosen: a request of the partner's (`request:<id>`) or a topic (parseTopic). */
const topicData = cardData({ topic: formText });

/** The feedback form: the request it answers (a fresh id for a topic), and the inputs parseFeedbackInput checks field by field. */
const feedbackForm = cardData({
  requestId: cardId,
  topic: z.string().default(''),
  ...Object.fromEntries(['rating', 'works', 'change', 'justification', 'anonymous'].map((field) => [field, formText])),
  ...Object.fromEntries(Array.from({ length: MAX_PROPOSALS }, (_, n) => Object.values(proposalFields(n)).map((field) => [field, formText])).flat()),
});

async function chooseTopic(turn: Turn, data: z.infer<typeof topicData>): Promise<Card | string> {
  const partner = turn.user.partner;
  if (!partner) return turn.t('feedback.notRegistered');
  const { records, config, clock } = turn.deps;
  const now = clock();
  if (data.topic.startsWith('request:')) {
    const found = await requestToAnswer(records, partner, data.topic.slice('request:'.length), config.feedback, now);
    return found.ok ? requestForm(turn, partner, found.request) : refusalText(turn, found.code);
  }
  const topic = await parseTopic(records, partner, data.topic);
  if (!topic) return turn.t('error.cardOutdated');
  // Feedback on a meeting the partner was asked about goes to that request.
  const asked = topic.kind === 'meeting' && (await editableRequests(records, partner.id, config.feedback, now)).find((r) => r.meetingId === topic.meeting.id);
  if (asked) return requestForm(turn, partner, asked);
  return formCard(presenterOf(turn), topicTarget(presenterOf(turn), partner, topic, randomUUID(), now), emptyValues(), [], partner.name);
}

async function submit(turn: Turn, data: z.infer<typeof feedbackForm>): Promise<Card | string> {
  const partner = turn.user.partner;
  if (!partner) return turn.t('feedback.notRegistered');
  const { records, config, clock } = turn.deps;
  const now = clock();
  const p = presenterOf(turn);
  const { requestId } = data;
  const found = await requestToAnswer(records, partner, requestId, config.feedback, now);
  let target: FormTarget;
  let topic: FeedbackTopic | undefined;
  if (found.ok) target = await requestTarget(records, p, found.request);
  else if (found.code !== 'not-found') return refusalText(turn, found.code);
  else {
    // No such request yet: feedback on a topic starts one with the card's id.
    topic = (await parseTopic(records, partner, data.topic)) ?? undefined;
    if (!topic) return turn.t('error.cardOutdated');
    target = topicTarget(p, partner, topic, requestId, now);
  }

  const parsed = parseFeedbackInput(data);
  if (!parsed.ok) {
    const lines = [turn.t('feedback.fixErrors'), ...errorLines(turn.t, 'feedback', parsed.errors)];
    return formCard(p, target, submittedValues(data), lines.map((line) => ({ text: line, color: 'Attention' })), partner.name);
  }
  const result = await submitFeedback(records, config.feedback, { requestId, partner, input: parsed.value, topic, now });
  if (!result.ok) return refusalText(turn, result.code);
  const saved: Banner = { text: turn.t(result.created ? 'feedback.saved' : 'feedback.updated'), color: 'Good' };
  return formCard(p, await requestTarget(records, p, result.request), storedValues(result.feedback, result.proposals), [saved], partner.name);
}

/** Answers per page of the staff view; with their texts cut to MAX_SHOWN_TEXT a page stays within a card's size. */
export const feedbackFeature: Feature = {
  commands: [
    {
      name: 'feedback',
      words: 'feedback',
      roles: ['partner', 'coordinator', 'admin'],
      menu: ['personal', 'team', 'groupChat'],
      handle: async (turn, args) => {
        if (turn.user.role !== 'partner') {
          // Answers carry partners' names and texts; channels can have guests.
          if (turn.conversation.kind !== 'personal') return turn.t('error.personalChatOnly');
          return staffView(turn, args);
        }
        const partner = turn.user.partner;
        if (!partner) return turn.t('feedback.notRegistered');
        return topicCard(turn, partner);
      },
    },
  ],
  cardActions: [
    cardAction('feedback.staff', OFFICE_STAFF, cardData({ year: z.coerce.number().int().min(1000).max(9999), page }), async (turn, data) => {
      if (turn.conversation.kind !== 'personal') return turn.t('error.personalChatOnly');
      return staffCard(turn, data.year, data.page);
    }),
    cardAction('feedback.topic', ['partner'], topicData, chooseTopic),
    cardAction('feedback.submit', ['partner'], feedbackForm, submit),
  ],
  jobs: (deps) => {
    const outbox = feedbackOutbox(deps);
    const { feedback } = deps.config;
    return [
      // After a meeting ends, each attendee gets a feedback card (once).
      {
        name: 'feedback.requests',
        cron: '*/15 * * * *',
        timeZone: officeTimeZone(deps),
        runAtStart: true,
        run: async (now) => {
          await createMeetingRequests(deps.records, feedback, now);
          await deliverNewRequests(deps.records, outbox, feedback, 'meeting', now);
        },
      },
      {
        name: 'feedback.reminders',
        cron: '0 * * * *',
        timeZone: officeTimeZone(deps),
        runAtStart: false,
        run: async (now) => void (await remindAndClose(deps.records, outbox, feedback, now)),
      },
    ];
  },
};

/** The messages of the feedback jobs, in each partner's own language. */
export function feedbackOutbox(deps: Pick<BotDeps, 'config' | 'records' | 'delivery' | 'email' | 'log'>): FeedbackOutbox {
  const presenter = (partner: Partner): Presenter => {
    const locale = languageOf(partner);
    return { t: translator(locale), locale, config: deps.config };
  };
  /** "Your contacts: …" of the partner's office and segment, or nothing when none are named. */
  const contactsOf = async (p: Presenter, partner: Partner, officeId: string) => {
    const contacts = await segmentContactsOf(deps.records, officeId, partner.segment);
    return contacts.length > 0 ? [p.t('announce.contacts', { contacts: contactsLine(contacts) })] : [];
  };
  return {
    teams: deps.delivery,
    email: deps.email,
    log: deps.log,
    async teamsMessage(request, partner, reminder) {
      const p = presenter(partner);
      const target = await requestTarget(deps.records, p, request);
      const date = formatMeetingTime(target.closesAt, zoneOf(deps.config, request.officeId), p.locale);
      const banners: Banner[] = [
        ...(reminder > 0 ? [{ text: p.t('feedback.reminder', { date }), color: 'Warning' as const }] : []),
        ...(await contactsOf(p, partner, request.officeId)).map((text) => ({ text, color: 'Default' as const })),
      ];
      return { card: formCard(p, target, emptyValues(), banners, partner.name) };
    },
    async emailMessage(request, partner, reminder, now) {
      const p = presenter(partner);
      const target = await requestTarget(deps.records, p, request);
      const date = formatMeetingTime(target.closesAt, zoneOf(deps.config, request.officeId), p.locale);
      // The form's link closes with the request; the my-data link lives links.partnerPageDays.
      const wanted = [
        { kind: 'feedback' as const, ref: request.id, expiresAt: target.closesAt, partnerId: partner.id },
        { kind: 'my-data' as const, ref: partner.id, partnerId: partner.id },
      ];
      const [form, myData] = await deps.records.transaction((tx) => issuePartnerLinks(tx, deps.config, wanted, now));
      const subject = p.t(reminder > 0 ? 'feedback.email.reminderSubject' : 'feedback.email.subject', { subject: target.subject });
      const body = [p.t('feedback.email.body', { name: partner.name, subject: target.subject, date, url: form }), ...(await contactsOf(p, partner, request.officeId))].join('\n\n');
      const text = `${body}\n\n${p.t('web.link.line', { label: p.t('web.link.myData'), url: myData })}`;
      const links = [
        { url: form, label: p.t('web.link.feedback'), button: true },
        { url: myData, label: p.t('web.link.myData') },
      ];
      return {
        subject,
        text,
        html: renderHtml('message', { lang: p.locale, title: subject, links }, { body }),
        sender: officeSender(officeOf(deps.config, request.officeId), p.locale),
      };
    },
  };
}
