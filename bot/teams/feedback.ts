// The partner → office feedback loop in Teams: `feedback` opens the feedback
// form (the card the jobs send after a meeting, built in
// services/feedback-messages.ts), its submission, the jobs that ask and remind
// partners, and for staff the `feedback` view of what their office received.
import { randomUUID } from 'node:crypto';
import { renderCard, type Card } from '../cards.js';
import { MAX_PROPOSALS, parseFeedbackInput, proposalFields } from '../domain/feedback-input.js';
import type { FeedbackRequest, Partner } from '../domain/types.js';
import { emptyValues, storedValues, submittedValues } from '../domain/feedback-form.js';
import { deliverNewRequests, remindAndClose } from '../services/feedback-delivery.js';
import { formCard, requestTarget, topicTarget, type Banner, type FormTarget } from '../services/feedback-messages.js';
import { createMeetingRequests, editableRequests, subjectOf } from '../services/feedback-requests.js';
import { answerTo, parseTopic, recentMeetings, requestToAnswer, submitFeedback, topicValue, type FeedbackErrorCode, type FeedbackTopic } from '../services/feedback.js';
import { subjectText } from '../services/feedback-subject.js';
import type { Presenter } from '../services/presenter.js';
import type { RecordReader } from '../store/records.js';
import { errorLines } from '../field-error-lines.js';
import { cardAction, officeTimeZone, type Feature, type Turn } from './router.js';
import { OFFICE_STAFF } from './roles.js';
import { z } from 'zod';
import { cardData, cardId, formText, page } from './card-data.js';
import { staffCard, staffView } from './feedback-staff.js';
import { presenterOf } from './presenter.js';

export { STAFF_ANSWERS_PER_PAGE } from './feedback-staff.js';


/** The form target of a stored request, with what it is about read from the records. */
const storedTarget = async (reader: RecordReader, p: Presenter, request: FeedbackRequest): Promise<FormTarget> =>
  requestTarget(p, request, await subjectOf(reader, request));

/** The form for an existing request, with the partner's answer when there is one. */
async function requestForm(turn: Turn, partner: Partner, request: FeedbackRequest, banners: Banner[] = []): Promise<Card> {
  const answer = await answerTo(turn.deps.records, request);
  const values = answer ? storedValues(answer.feedback, answer.proposals) : emptyValues();
  return formCard(presenterOf(turn), await storedTarget(turn.deps.records, presenterOf(turn), request), values, banners, partner.name);
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
  if (found.ok) target = await storedTarget(records, p, found.request);
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
  return formCard(p, await storedTarget(records, p, result.request), storedValues(result.feedback, result.proposals), [saved], partner.name);
}

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
  jobs: (deps) => [
    // After a meeting ends, each attendee gets a feedback card (once).
    {
      name: 'feedback.requests',
      cron: '*/15 * * * *',
      timeZone: officeTimeZone(deps),
      runAtStart: true,
      run: async (now) => {
        await createMeetingRequests(deps.records, deps.config.feedback, now);
        await deliverNewRequests(deps, 'meeting', now);
      },
    },
    {
      name: 'feedback.reminders',
      cron: '0 * * * *',
      timeZone: officeTimeZone(deps),
      runAtStart: false,
      run: async (now) => void (await remindAndClose(deps, now)),
    },
  ],
};
