// The partner → office feedback loop in Teams: the feedback card (sent after a
// meeting or for a survey round, or opened with `feedback`), its submission,
// and for staff the `feedback` view of what their office received.
import { randomUUID } from 'node:crypto';
import { CardFactory } from 'botbuilder';
import { DateTime } from 'luxon';
import { renderCard, type Card } from '../cards.js';
import type { AppConfig } from '../config.js';
import { MAX_PROPOSALS, MIN_JUSTIFICATION, parseFeedbackInput, PROPOSAL_LEVELS, proposalFields } from '../domain/feedback-input.js';
import { formatMeetingTime } from '../domain/format.js';
import { officeName, officeSender } from '../domain/office-name.js';
import type { Feedback, FeedbackKind, FeedbackRequest, Instant, Locale, Partner, Proposal } from '../domain/types.js';
import { renderHtml } from '../html-templates.js';
import { translator, type Translate } from '../i18n.js';
import {
  closesAt,
  closingTime,
  editableRequests,
  findRequest,
  isEditable,
  subjectOf,
  type FeedbackOutbox,
  type RequestSubject,
} from '../services/feedback-requests.js';
import { answerTo, parseTopic, recentMeetings, submitFeedback, topicValue, type FeedbackErrorCode, type FeedbackTopic } from '../services/feedback.js';
import { feedbackForStaff, type StaffGroup } from '../services/feedback-view.js';
import { languageOf } from '../services/people.js';
import { errorLines } from './form-errors.js';
import type { BotDeps, Routes, Turn } from './router.js';

/** What a card is rendered with: the reader's language and the configuration. */
interface Presenter {
  t: Translate;
  locale: Locale;
  config: AppConfig;
}

const presenterOf = (turn: Turn): Presenter => ({ t: turn.t, locale: turn.user.locale, config: turn.deps.config });

const officeOf = (config: AppConfig, officeId: string) => config.offices.find((o) => o.id === officeId) ?? config.offices[0];
const zoneOf = (config: AppConfig, officeId: string) => officeOf(config, officeId).timeZone;

function subjectText(p: Presenter, subject: RequestSubject): string {
  if (subject.meeting) {
    const date = formatMeetingTime(subject.meeting.startsAt, zoneOf(p.config, subject.meeting.officeId), p.locale);
    return p.t('feedback.subject.meeting', { subTheme: subject.meeting.subTheme, date });
  }
  if (subject.survey && subject.round) return p.t('feedback.subject.survey', { topic: subject.survey.topic, period: subject.round.periodKey });
  return p.t('feedback.subject.general');
}

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

interface FormValues {
  rating: string;
  works: string;
  change: string;
  justification: string;
  anonymous: string;
  proposals: { text: string; level: string; justification: string }[];
}

interface Banner {
  text: string;
  color: 'Good' | 'Warning' | 'Attention';
}

function requestTarget(store: BotDeps['store'], p: Presenter, request: FeedbackRequest): FormTarget {
  return {
    requestId: request.id,
    topic: '',
    kind: request.kind,
    officeId: request.officeId,
    subject: subjectText(p, subjectOf(store, request)),
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

const text = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '');

const emptyValues = (): FormValues => ({
  rating: '',
  works: '',
  change: '',
  justification: '',
  anonymous: 'false',
  proposals: Array.from({ length: MAX_PROPOSALS }, () => ({ text: '', level: '', justification: '' })),
});

/** The submitted values as they were, so a refused form keeps what the partner wrote. */
function submittedValues(data: Record<string, unknown>): FormValues {
  return {
    rating: text(data.rating),
    works: text(data.works),
    change: text(data.change),
    justification: text(data.justification),
    anonymous: text(data.anonymous) === 'true' ? 'true' : 'false',
    proposals: Array.from({ length: MAX_PROPOSALS }, (_, n) => {
      const fields = proposalFields(n);
      return { text: text(data[fields.text]), level: text(data[fields.level]), justification: text(data[fields.justification]) };
    }),
  };
}

function storedValues(feedback: Feedback, proposals: readonly Proposal[]): FormValues {
  const values = emptyValues();
  const sorted = [...proposals].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).slice(0, MAX_PROPOSALS);
  sorted.forEach((p, n) => (values.proposals[n] = { text: p.text, level: p.level, justification: p.justification ?? '' }));
  return {
    ...values,
    rating: String(feedback.rating),
    works: feedback.works,
    change: feedback.change,
    justification: feedback.justification ?? '',
    anonymous: String(feedback.anonymous),
  };
}

function formCard(p: Presenter, target: FormTarget, values: FormValues, banners: Banner[], partnerName: string): Card {
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
function requestForm(turn: Turn, partner: Partner, request: FeedbackRequest, banners: Banner[] = []): Card {
  const answer = answerTo(turn.deps.store, request);
  const values = answer ? storedValues(answer.feedback, answer.proposals) : emptyValues();
  return formCard(presenterOf(turn), requestTarget(turn.deps.store, presenterOf(turn), request), values, banners, partner.name);
}

function refusalText(turn: Turn, code: FeedbackErrorCode): string {
  if (code === 'not-yours') return turn.t('feedback.notYours');
  if (code === 'closed') return turn.t('feedback.closed');
  return turn.t('error.cardOutdated');
}

/** `request:<id>` of the partner's own open request, or a topic: "general" or "meeting:<id>". */
function topicCard(turn: Turn, partner: Partner): Card {
  const { store, config, clock } = turn.deps;
  const p = presenterOf(turn);
  const now = clock();
  const requests = editableRequests(store, partner.id, config.feedback, now);
  const asked = new Set(requests.map((r) => r.meetingId).filter(Boolean));
  const choices = [
    ...requests.map((r) => ({
      title: turn.t(r.status === 'answered' ? 'feedback.topic.edit' : 'feedback.topic.request', { subject: subjectText(p, subjectOf(store, r)) }),
      value: `request:${r.id}`,
    })),
    ...recentMeetings(store, partner.officeId, now)
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

async function chooseTopic(turn: Turn, data: Record<string, unknown>): Promise<Card | string> {
  const partner = turn.user.partner;
  if (!partner) return turn.t('feedback.notRegistered');
  const { store, config, clock } = turn.deps;
  const now = clock();
  const value = text(data.topic);
  if (value.startsWith('request:')) {
    const found = findRequest(store, value.slice('request:'.length));
    if (!found) return turn.t('error.cardOutdated');
    if (found.request.partnerId !== partner.id) return turn.t('feedback.notYours');
    if (!isEditable(found.request, config.feedback, now)) return turn.t('feedback.closed');
    return requestForm(turn, partner, found.request);
  }
  const topic = parseTopic(store, partner, value);
  if (!topic) return turn.t('error.cardOutdated');
  // Feedback on a meeting the partner was asked about goes to that request.
  const asked = topic.kind === 'meeting' && editableRequests(store, partner.id, config.feedback, now).find((r) => r.meetingId === topic.meeting.id);
  if (asked) return requestForm(turn, partner, asked);
  return formCard(presenterOf(turn), topicTarget(presenterOf(turn), partner, topic, randomUUID(), now), emptyValues(), [], partner.name);
}

async function submit(turn: Turn, data: Record<string, unknown>): Promise<Card | string> {
  const partner = turn.user.partner;
  if (!partner) return turn.t('feedback.notRegistered');
  const { store, config, clock } = turn.deps;
  const now = clock();
  const p = presenterOf(turn);
  const requestId = text(data.requestId);
  const found = requestId ? findRequest(store, requestId) : undefined;
  let target: FormTarget;
  let topic: FeedbackTopic | undefined;
  if (found) {
    if (found.request.partnerId !== partner.id) return turn.t('feedback.notYours');
    if (!isEditable(found.request, config.feedback, now)) return turn.t('feedback.closed');
    target = requestTarget(store, p, found.request);
  } else {
    topic = parseTopic(store, partner, text(data.topic)) ?? undefined;
    if (!topic || !requestId) return turn.t('error.cardOutdated');
    target = topicTarget(p, partner, topic, requestId, now);
  }

  const parsed = parseFeedbackInput(data);
  if (!parsed.ok) {
    const lines = [turn.t('feedback.fixErrors'), ...errorLines(turn.t, 'feedback', parsed.errors)];
    return formCard(p, target, submittedValues(data), lines.map((line) => ({ text: line, color: 'Attention' })), partner.name);
  }
  const result = await submitFeedback(store, config.feedback, { requestId, partner, input: parsed.value, topic, now });
  if (!result.ok) return refusalText(turn, result.code);
  const saved: Banner = { text: turn.t(result.created ? 'feedback.saved' : 'feedback.updated'), color: 'Good' };
  return formCard(p, requestTarget(store, p, result.request), storedValues(result.feedback, result.proposals), [saved], partner.name);
}

const MAX_GROUPS = 10;
const MAX_SHOWN_TEXT = 600;

const clip = (s: string) => (s.length > MAX_SHOWN_TEXT ? `${s.slice(0, MAX_SHOWN_TEXT - 1)}…` : s);

function groupData(p: Presenter, group: StaffGroup) {
  const { t } = p;
  const average = new Intl.NumberFormat(p.locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return {
    heading: subjectText(p, group),
    summary: group.hidden
      ? t('feedback.staff.hidden', { min: p.config.feedback.anonymityMinimum })
      : t('feedback.staff.summary', { count: group.count, average: average.format(group.average ?? 0) }),
    answers: group.answers.map((answer) => {
      const who = answer.anonymous
        ? t('feedback.staff.anonymous')
        : answer.author
          ? t('feedback.staff.author', answer.author)
          : t('feedback.staff.unknownAuthor');
      const lines = [
        answer.works && t('feedback.staff.works', { text: clip(answer.works) }),
        answer.change && t('feedback.staff.change', { text: clip(answer.change) }),
        answer.justification && t('feedback.staff.justification', { text: clip(answer.justification) }),
        ...answer.proposals.map((proposal) =>
          t('feedback.staff.proposal', {
            level: t(`feedback.levelShort.${proposal.level}`),
            status: t(`feedback.status.${proposal.status}`),
            text: clip(proposal.text),
          }),
        ),
      ].filter((line): line is string => !!line);
      return { heading: `${who} · ${t('feedback.staff.rating', { rating: answer.rating })}`, lines };
    }),
  };
}

async function staffView(turn: Turn, args: string): Promise<void> {
  const { store, config, clock } = turn.deps;
  const office = config.offices.find((o) => o.id === turn.user.officeId) ?? config.offices[0];
  if (args && !/^\d{4}$/.test(args)) {
    await turn.context.sendActivity(turn.t('feedback.staff.badYear', { text: args.slice(0, 40) }));
    return;
  }
  const year = args ? Number(args) : DateTime.fromJSDate(clock(), { zone: office.timeZone }).year;
  const groups = feedbackForStaff(store, office.id, { year }, config.feedback.anonymityMinimum);
  const p = presenterOf(turn);
  const notes = groups.length === 0 ? [turn.t('feedback.staff.empty', { year })] : [];
  if (groups.length > MAX_GROUPS) notes.push(turn.t('feedback.staff.more', { shown: MAX_GROUPS, total: groups.length }));
  const card = renderCard('feedback-staff', {
    title: turn.t('feedback.staff.title', { year }),
    intro: turn.t('feedback.staff.intro', { office: officeName(office, turn.user.locale) }),
    notes,
    groups: groups.slice(0, MAX_GROUPS).map((group) => groupData(p, group)),
  });
  await turn.context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
}

export function registerFeedback(routes: Routes): void {
  routes.command('feedback', async (turn, args) => {
    if (turn.user.role !== 'partner') {
      // Answers carry partners' names and texts; channels can have guests.
      if (turn.conversation.kind !== 'personal') return void (await turn.context.sendActivity(turn.t('error.personalChatOnly')));
      return staffView(turn, args);
    }
    const partner = turn.user.partner;
    if (!partner) {
      await turn.context.sendActivity(turn.t('feedback.notRegistered'));
      return;
    }
    await turn.context.sendActivity({ attachments: [CardFactory.adaptiveCard(topicCard(turn, partner))] });
  });
  routes.cardAction('feedback.topic', ['partner'], chooseTopic);
  routes.cardAction('feedback.submit', ['partner'], submit);
}

/** The messages of the feedback jobs, in each partner's own language. */
export function feedbackOutbox(deps: BotDeps): FeedbackOutbox {
  const presenter = (partner: Partner): Presenter => {
    const locale = languageOf(partner);
    return { t: translator(locale), locale, config: deps.config };
  };
  return {
    teams: deps.delivery,
    email: deps.email,
    log: deps.log,
    teamsMessage(request, partner, reminder) {
      const p = presenter(partner);
      const target = requestTarget(deps.store, p, request);
      const date = formatMeetingTime(target.closesAt, zoneOf(deps.config, request.officeId), p.locale);
      const banners: Banner[] = reminder > 0 ? [{ text: p.t('feedback.reminder', { date }), color: 'Warning' }] : [];
      return { card: formCard(p, target, emptyValues(), banners, partner.name) };
    },
    emailMessage(request, partner, reminder) {
      const p = presenter(partner);
      const target = requestTarget(deps.store, p, request);
      const date = formatMeetingTime(target.closesAt, zoneOf(deps.config, request.officeId), p.locale);
      const subject = p.t(reminder > 0 ? 'feedback.email.reminderSubject' : 'feedback.email.subject', { subject: target.subject });
      const text = p.t('feedback.email.body', { name: partner.name, subject: target.subject, date });
      return {
        subject,
        text,
        html: renderHtml('message', { lang: p.locale, title: subject }, { body: text }),
        sender: officeSender(officeOf(deps.config, request.officeId), p.locale),
      };
    },
  };
}
