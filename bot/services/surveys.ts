// Periodic surveys: an office asks a segment's partners the same short
// question every month, quarter or year. Rounds are due as
// domain/survey-schedule.ts says; each round is keyed by the period it falls
// in (e.g. "2027-Q1") and has one request per partner; answers are kept per
// round through the requests.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AppConfig } from '../config.js';
import type { SurveyInput } from '../domain/feedback-input.js';
import { periodContaining, periodKey } from '../domain/periods.js';
import { dueRoundAt } from '../domain/survey-schedule.js';
import type { FeedbackRequest, Role, Survey, SurveyCadence, SurveyRound } from '../domain/types.js';
import type { Store } from '../store/store.js';
import { isEditable, newRequest, yearOf, type FeedbackSettings } from './feedback-requests.js';

export async function createSurvey(store: Store, officeId: string, input: SurveyInput, by: string, now: Date): Promise<Survey> {
  const survey: Survey = { id: randomUUID(), officeId, ...input, createdBy: by, createdAt: now.toISOString(), active: true };
  await store.updateShared((d) => {
    d.surveys.push(survey);
  });
  return { ...survey };
}

export type StopSurveyResult = { ok: true; survey: Survey } | { ok: false; code: 'not-found' | 'other-office' } | { ok: false; code: 'already-stopped'; survey: Survey };

/** Stops a survey: no further rounds. A coordinator stops only their own office's surveys; an admin any. */
export function stopSurvey(store: Store, surveyId: string, viewer: { role: Role; officeId: string }): Promise<StopSurveyResult> {
  return store.updateShared((d): StopSurveyResult => {
    const survey = d.surveys.find((s) => s.id === surveyId);
    if (!survey) return { ok: false, code: 'not-found' };
    if (viewer.role !== 'admin' && survey.officeId !== viewer.officeId) return { ok: false, code: 'other-office' };
    if (!survey.active) return { ok: false, code: 'already-stopped', survey: { ...survey } };
    survey.active = false;
    return { ok: true, survey: { ...survey } };
  });
}

export function activeSurveys(store: Store, officeId: string): Survey[] {
  return store.readShared((d) => d.surveys.filter((s) => s.active && s.officeId === officeId).map((s) => ({ ...s })));
}

/**
 * The period a round due at `at` belongs to: "2027-03", "2027-Q1" or "2027",
 * in the office's zone. Rounds are one period length apart, so each falls in
 * its own period.
 */
export function surveyPeriodKey(cadence: SurveyCadence, at: Date, timeZone: string): string {
  if (cadence === 'yearly') return String(DateTime.fromJSDate(at, { zone: timeZone }).year);
  return periodKey(periodContaining(at.toISOString(), cadence === 'monthly' ? 'month' : 'quarter', timeZone));
}

export function roundsOf(store: Store, surveyId: string): SurveyRound[] {
  return store
    .years()
    .flatMap((y) => store.readYear(y, (d) => d.surveyRounds.filter((r) => r.surveyId === surveyId).map((r) => ({ ...r }))))
    .sort((a, b) => a.sentAt.localeCompare(b.sentAt));
}

export interface RoundAnswers {
  round: SurveyRound;
  /** Partners the round asked, and how many of them answered. */
  surveyed: number;
  answered: number;
}

/** Each round of a survey, oldest first, with how many were asked and answered. */
export function roundAnswers(store: Store, surveyId: string): RoundAnswers[] {
  return roundsOf(store, surveyId).map((round) =>
    store.readYear(yearOf(round.sentAt), (d) => {
      const requests = d.feedbackRequests.filter((r) => r.surveyRoundId === round.id);
      return { round, surveyed: requests.length, answered: requests.filter((r) => r.status === 'answered').length };
    }),
  );
}

/** Partners who still have an unanswered request of an earlier round of the survey open: they are not asked twice at once. */
function stillAsked(store: Store, surveyId: string, settings: FeedbackSettings, now: Date): Set<string> {
  const rounds = roundsOf(store, surveyId);
  const roundIds = new Set(rounds.map((r) => r.id));
  const asked = new Set<string>();
  for (const year of new Set(rounds.map((r) => yearOf(r.sentAt)))) {
    store.readYear(year, (d) => {
      for (const request of d.feedbackRequests) {
        const open = request.status === 'open' && isEditable(request, settings, now);
        if (open && request.surveyRoundId !== undefined && roundIds.has(request.surveyRoundId)) asked.add(request.partnerId);
      }
    });
  }
  return asked;
}

/**
 * For every active survey whose round is due, creates that round once, with a
 * request to each partner registered in the survey's office and segment now
 * (except those still holding an open request of the survey). Returns the
 * requests created.
 */
export async function createSurveyRounds(store: Store, config: Pick<AppConfig, 'offices' | 'feedback'>, now: Date): Promise<FeedbackRequest[]> {
  const surveys = store.readShared((d) => d.surveys.filter((s) => s.active).map((s) => ({ ...s })));
  const partners = store.readShared((d) => d.partners.map((p) => ({ ...p })));
  const due: { round: SurveyRound; requests: FeedbackRequest[] }[] = [];
  for (const survey of surveys) {
    const office = config.offices.find((o) => o.id === survey.officeId);
    if (!office) continue;
    const dueAt = dueRoundAt(survey.createdAt, survey.cadence, office.timeZone, now);
    if (!dueAt) continue;
    const key = surveyPeriodKey(survey.cadence, dueAt.toJSDate(), office.timeZone);
    if (roundsOf(store, survey.id).some((r) => r.periodKey === key)) continue;
    const round: SurveyRound = { id: randomUUID(), surveyId: survey.id, periodKey: key, sentAt: now.toISOString() };
    const asked = stillAsked(store, survey.id, config.feedback, now);
    const requests = partners
      .filter((p) => p.officeId === survey.officeId && p.segment === survey.segment && !asked.has(p.id))
      .map((partner) => newRequest({ kind: 'survey', partner, officeId: survey.officeId, surveyRoundId: round.id }, config.feedback, now));
    due.push({ round, requests });
  }
  if (due.length === 0) return [];
  return store.updateYear(yearOf(now), (data) => {
    const fresh = due.filter(({ round }) => !data.surveyRounds.some((r) => r.surveyId === round.surveyId && r.periodKey === round.periodKey));
    for (const { round, requests } of fresh) {
      data.surveyRounds.push(round);
      data.feedbackRequests.push(...requests);
    }
    return fresh.flatMap(({ requests }) => requests.map((r) => ({ ...r })));
  });
}
