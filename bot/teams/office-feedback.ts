// Office-to-partner feedback in Teams: the prompt card the job sends
// (office-feedback.prompt re-shows it), the form (office-feedback.open) and
// saving and delivering it (office-feedback.submit).
import { renderCard, type Card } from '../cards.js';
import { LOW_RATING, parseOfficeFeedbackInput } from '../domain/office-feedback-input.js';
import {
  attendee,
  deliverOfficeFeedback,
  findOfficeFeedback,
  giveOfficeFeedback,
  givenFeedback,
  reviewFor,
  sendFeedbackPrompts,
  type AttendingOrganisation,
  type MeetingReview,
  type OfficeFeedbackErrorCode,
} from '../services/office-feedback.js';
import { meetingLabel, promptCard } from '../services/office-feedback-messages.js';
import { errorLines } from '../field-error-lines.js';
import { cardAction, officeTimeZone, type Feature, type Turn } from './router.js';
import { OFFICE_STAFF } from './roles.js';
import { cardData, cardId, formText } from './card-data.js';
import { z } from 'zod';
import { deciderOf } from './plan-access.js';


/** The prompt card with the feedback given so far, in the user's language; `notice` on top, if given. */
async function prompt(turn: Turn, review: MeetingReview, notice = ''): Promise<Card> {
  const { records, config } = turn.deps;
  return promptCard(config, review, await givenFeedback(records, review), turn.user.locale, notice);
}

/** The prompt card's buttons: the meeting. */
const meetingData = cardData({ meetingId: cardId });
/** The "give feedback" button: the meeting and an organisation that attended it. */
const organisationData = meetingData.extend({ organisation: z.string() });
type OrganisationData = z.infer<typeof organisationData>;
/** The form: parseOfficeFeedbackInput checks its inputs and answers field by field. */
const feedbackForm = organisationData.extend({ rating: formText, works: formText, couldDoDifferently: formText });

interface FormValues {
  rating: string;
  works: string;
  couldDoDifferently: string;
}

const refusal = (turn: Turn, code: OfficeFeedbackErrorCode, organisation = '') =>
  turn.t(`officeFeedback.error.${code}`, { organisation: organisation.slice(0, 160) });

/** The meeting this user may give feedback on now, or why not (the service's rules). */
async function reviewable(turn: Turn, meetingId: string): Promise<MeetingReview | string> {
  const found = await reviewFor(turn.deps.records, turn.user, meetingId, turn.deps.clock());
  return found.ok ? found.review : refusal(turn, found.code);
}

/** The meeting and the attending organisation the card names, or why not. */
async function reviewTarget(turn: Turn, data: OrganisationData): Promise<{ review: MeetingReview; target: AttendingOrganisation } | string> {
  const review = await reviewable(turn, data.meetingId);
  if (typeof review === 'string') return review;
  const target = attendee(review.organisations, data.organisation);
  return target ? { review, target } : refusal(turn, 'office-feedback-not-attended', data.organisation);
}

function formCard(turn: Turn, review: MeetingReview, target: AttendingOrganisation, values: FormValues, errors: string[]): Card {
  const { t, user, deps } = turn;
  return renderCard('office-feedback-form', {
    title: t('officeFeedback.form.title', { organisation: target.organisation }),
    meeting: meetingLabel(deps.config, review.meeting, user.locale),
    intro: t('officeFeedback.form.intro', { organisation: target.organisation, low: LOW_RATING }),
    errors,
    ratingLabel: t('officeFeedback.form.field.rating'),
    ratingChoices: [1, 2, 3, 4, 5].map((n) => ({ title: t(`officeFeedback.rating.${n}`), value: String(n) })),
    worksLabel: t('officeFeedback.form.field.works'),
    worksPlaceholder: t('officeFeedback.form.worksPlaceholder'),
    couldLabel: t('officeFeedback.form.field.couldDoDifferently'),
    couldPlaceholder: t('officeFeedback.form.couldPlaceholder'),
    ...values,
    sendButton: t('officeFeedback.form.send'),
    backButton: t('officeFeedback.form.back'),
    meetingId: review.meeting.id,
    organisation: target.organisation,
  });
}

export const officeFeedbackFeature: Feature = {
  cardActions: [
    cardAction('office-feedback.prompt', OFFICE_STAFF, meetingData, async (turn, data) => {
      const review = await reviewable(turn, data.meetingId);
      if (typeof review === 'string') return review;
      return prompt(turn, review);
    }),
    cardAction('office-feedback.open', OFFICE_STAFF, organisationData, async (turn, data) => {
      const found = await reviewTarget(turn, data);
      if (typeof found === 'string') return found;
      const given = await findOfficeFeedback(turn.deps.records, found.review.meeting.id, found.target.organisation);
      const values = given
        ? { rating: String(given.rating), works: given.works, couldDoDifferently: given.couldDoDifferently }
        : { rating: '', works: '', couldDoDifferently: '' };
      return formCard(turn, found.review, found.target, values, []);
    }),
    cardAction('office-feedback.submit', OFFICE_STAFF, feedbackForm, async (turn, data) => {
      const found = await reviewTarget(turn, data);
      if (typeof found === 'string') return found;
      const { review, target } = found;
      const parsed = parseOfficeFeedbackInput({ ...data, meetingId: review.meeting.id, organisation: target.organisation });
      if (!parsed.ok) {
        const values = { rating: data.rating, works: data.works, couldDoDifferently: data.couldDoDifferently };
        return formCard(turn, review, target, values, errorLines(turn.t, 'officeFeedback.form', parsed.errors));
      }
      const { deps, t } = turn;
      const now = deps.clock();
      const by = deciderOf(turn);
      const result = await giveOfficeFeedback(deps.records, parsed.value, by, now);
      if (!result.ok) return refusal(turn, result.code, target.organisation);
      // Always delivered: an unchanged resubmission has the same keys, so only earlier failures go out again.
      const counts = await deliverOfficeFeedback(deps, result.feedback, result.recipients, review.meeting, now);
      const lines = [
        t('officeFeedback.saved', { organisation: result.feedback.organisation }),
        t('officeFeedback.delivered', { teams: counts.teams, email: counts.email }),
        ...(counts.none + counts.failed > 0 ? [t('officeFeedback.undelivered', { count: counts.none + counts.failed })] : []),
      ];
      return prompt(turn, review, lines.join(' '));
    }),
  ],
  jobs: (deps) => [
    // Asks coordinators, once per meeting, for feedback to the organisations that attended.
    {
      name: 'office-feedback.requests',
      cron: '*/15 * * * *',
      timeZone: officeTimeZone(deps),
      runAtStart: true,
      run: async (now) => void (await sendFeedbackPrompts(deps, now)),
    },
  ],
};
