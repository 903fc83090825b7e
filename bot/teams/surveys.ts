// `survey`: a coordinator schedules a short recurring survey to a segment of
// their office's partners, sees the running ones with each round's answers,
// and stops them.
import { renderCard, type Card } from '../cards.js';
import { parseSurveyInput, SURVEY_CADENCES } from '../domain/feedback-input.js';
import { formatMeetingTime } from '../domain/format.js';
import { firstRoundAt } from '../domain/survey-schedule.js';
import type { Survey } from '../domain/types.js';
import { activeSurveys, createSurvey, createSurveyRounds, roundAnswers, stopSurvey } from '../services/surveys.js';
import { errorLines } from '../field-error-lines.js';
import { cardAction, officeTimeZone, type Feature, type Turn } from './router.js';
import { deliverNewRequests } from '../services/feedback-delivery.js';
import { OFFICE_STAFF } from './roles.js';
import { viewerOf } from './plan-access.js';
import { cardData, cardId, formText } from './card-data.js';
import { officeOrFirst } from '../domain/office-name.js';

/** Rounds listed per survey, newest first; a card has a size limit in Teams. */
const ROUNDS_SHOWN = 4;

interface SurveyFormValues {
  segment: string;
  topic: string;
  cadence: string;
}

/** When the survey's first round goes out, as the user reads it. */
function firstRound(turn: Turn, survey: Survey): string {
  const zone = officeOrFirst(turn.deps.config.offices, survey.officeId).timeZone;
  return formatMeetingTime(firstRoundAt(survey.createdAt, zone).toUTC().toISO()!, zone, turn.user.locale);
}

async function surveyCard(turn: Turn, banners: { text: string; color: 'Good' | 'Attention' }[], values?: SurveyFormValues): Promise<Card> {
  const { t, deps, user } = turn;
  const segmentName = (id: string) => deps.config.segments.find((s) => s.id === id)?.name[user.locale] ?? id;
  const active = await activeSurveys(deps.records, user.officeId);
  const surveys = await Promise.all(active.map(async (survey) => {
    const rounds = (await roundAnswers(deps.records, survey.id)).reverse().slice(0, ROUNDS_SHOWN);
    const answers = rounds.map(({ round, answered, surveyed }) => t('survey.roundAnswers', { period: round.periodKey, answered, surveyed }));
    return {
      id: survey.id,
      text: t('survey.item', { topic: survey.topic, segment: segmentName(survey.segment), cadence: t(`survey.cadence.${survey.cadence}`) }),
      rounds: answers.length > 0 ? t('survey.rounds', { rounds: answers.join(' · ') }) : t('survey.noRounds', { when: firstRound(turn, survey) }),
    };
  }));
  return renderCard('feedback-survey', {
    title: t('survey.title'),
    banners,
    intro: t('survey.intro'),
    labels: {
      segment: t('survey.field.segment'),
      topic: t('survey.field.topic'),
      topicPlaceholder: t('survey.topicPlaceholder'),
      topicRequired: t('survey.topicRequired'),
      cadence: t('survey.field.cadence'),
      create: t('survey.create'),
      active: t('survey.active'),
      stop: t('survey.stop'),
    },
    values: values ?? { segment: deps.config.segments[0].id, topic: '', cadence: 'quarterly' },
    segmentChoices: deps.config.segments.map((s) => ({ title: s.name[user.locale], value: s.id })),
    cadenceChoices: SURVEY_CADENCES.map((c) => ({ title: t(`survey.cadence.${c}`), value: c })),
    emptyLines: surveys.length === 0 ? [t('survey.none')] : [],
    surveys,
  });
}

/** The survey form; parseSurveyInput checks each field and answers field by field. */
const surveyForm = cardData({ segment: formText, topic: formText, cadence: formText });

export const surveysFeature: Feature = {
  commands: [
    {
      name: 'survey',
      words: 'survey',
      roles: OFFICE_STAFF,
      menu: ['personal', 'team', 'groupChat'],
      handle: async (turn) => surveyCard(turn, []),
    },
  ],
  cardActions: [
    cardAction('survey.create', OFFICE_STAFF, surveyForm, async (turn, data) => {
      const { records, config, clock } = turn.deps;
      const parsed = parseSurveyInput(data, { segments: config.segments.map((s) => s.id) });
      if (!parsed.ok) {
        const lines = [turn.t('survey.fixErrors'), ...errorLines(turn.t, 'survey', parsed.errors)];
        const values = { segment: data.segment, topic: data.topic, cadence: data.cadence };
        return surveyCard(turn, lines.map((line) => ({ text: line, color: 'Attention' as const })), values);
      }
      const by = turn.user.identity.aadObjectId ?? turn.user.identity.email ?? '';
      const survey = await createSurvey(records, turn.user.officeId, parsed.value, by, clock());
      return surveyCard(turn, [{ text: turn.t('survey.created', { topic: survey.topic, when: firstRound(turn, survey) }), color: 'Good' }]);
    }),
    cardAction('survey.stop', OFFICE_STAFF, cardData({ surveyId: cardId }), async (turn, data) => {
      const result = await stopSurvey(turn.deps.records, data.surveyId, viewerOf(turn));
      if (!result.ok && result.code === 'already-stopped') {
        return surveyCard(turn, [{ text: turn.t('survey.alreadyStopped', { topic: result.survey.topic }), color: 'Good' }]);
      }
      if (!result.ok) return turn.t('error.cardOutdated');
      return surveyCard(turn, [{ text: turn.t('survey.stopped', { topic: result.survey.topic }), color: 'Good' }]);
    }),
  ],
  jobs: (deps) => [
    // Each active survey's round once it is due (07:00 office time, see domain/survey-schedule.ts), sent once.
    // Checked every 15 minutes so offices in other time zones are not a day late; a run before the time sends nothing.
    {
      name: 'feedback.surveys',
      cron: '*/15 * * * *',
      timeZone: officeTimeZone(deps),
      runAtStart: true,
      run: async (now) => {
        await createSurveyRounds(deps.records, deps.config, now);
        await deliverNewRequests(deps, 'survey', now);
      },
    },
  ],
};
