// Periodic surveys: an office asks a segment's partners the same short
// question every month, quarter or year. Each period gets one round (keyed by
// the period, e.g. "2027-Q1") and one request per partner; answers are kept
// per round through the requests.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AppConfig } from '../config.js';
import type { SurveyInput } from '../domain/feedback-input.js';
import { periodContaining, periodKey } from '../domain/periods.js';
import type { FeedbackRequest, Role, Survey, SurveyCadence, SurveyRound } from '../domain/types.js';
import type { Store } from '../store/store.js';
import { newRequest, yearOf } from './feedback-requests.js';

export async function createSurvey(store: Store, officeId: string, input: SurveyInput, by: string, now: Date): Promise<Survey> {
  const survey: Survey = { id: randomUUID(), officeId, ...input, createdBy: by, createdAt: now.toISOString(), active: true };
  await store.updateShared((d) => {
    d.surveys.push(survey);
  });
  return { ...survey };
}

export type StopSurveyResult = { ok: true; survey: Survey } | { ok: false; code: 'not-found' | 'other-office' };

/** Stops a survey: no further rounds. A coordinator stops only their own office's surveys; an admin any. */
export function stopSurvey(store: Store, surveyId: string, viewer: { role: Role; officeId: string }): Promise<StopSurveyResult> {
  return store.updateShared((d): StopSurveyResult => {
    const survey = d.surveys.find((s) => s.id === surveyId && s.active);
    if (!survey) return { ok: false, code: 'not-found' };
    if (viewer.role !== 'admin' && survey.officeId !== viewer.officeId) return { ok: false, code: 'other-office' };
    survey.active = false;
    return { ok: true, survey: { ...survey } };
  });
}

export function activeSurveys(store: Store, officeId: string): Survey[] {
  return store.readShared((d) => d.surveys.filter((s) => s.active && s.officeId === officeId).map((s) => ({ ...s })));
}

/** The period a round belongs to: "2027-03", "2027-Q1" or "2027", in the office's zone. */
export function surveyPeriodKey(cadence: SurveyCadence, now: Date, timeZone: string): string {
  if (cadence === 'yearly') return String(DateTime.fromJSDate(now, { zone: timeZone }).year);
  return periodKey(periodContaining(now.toISOString(), cadence === 'monthly' ? 'month' : 'quarter', timeZone));
}

export function roundsOf(store: Store, surveyId: string): SurveyRound[] {
  return store
    .years()
    .flatMap((y) => store.readYear(y, (d) => d.surveyRounds.filter((r) => r.surveyId === surveyId).map((r) => ({ ...r }))))
    .sort((a, b) => a.sentAt.localeCompare(b.sentAt));
}

/**
 * For every active survey, creates the round of the current period once, with
 * a request to each partner registered in the survey's office and segment now.
 * Returns the requests created.
 */
export async function createSurveyRounds(store: Store, config: Pick<AppConfig, 'offices' | 'feedback'>, now: Date): Promise<FeedbackRequest[]> {
  const surveys = store.readShared((d) => d.surveys.filter((s) => s.active).map((s) => ({ ...s })));
  const partners = store.readShared((d) => d.partners.map((p) => ({ ...p })));
  const due: { round: SurveyRound; requests: FeedbackRequest[] }[] = [];
  for (const survey of surveys) {
    const office = config.offices.find((o) => o.id === survey.officeId);
    if (!office) continue;
    const key = surveyPeriodKey(survey.cadence, now, office.timeZone);
    if (roundsOf(store, survey.id).some((r) => r.periodKey === key)) continue;
    const round: SurveyRound = { id: randomUUID(), surveyId: survey.id, periodKey: key, sentAt: now.toISOString() };
    const requests = partners
      .filter((p) => p.officeId === survey.officeId && p.segment === survey.segment)
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
