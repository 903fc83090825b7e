// Periodic surveys: an office asks a segment's partners the same short
// question every month, quarter or year. Rounds are due as
// domain/survey-schedule.ts says; each round is keyed by the period it falls
// in (e.g. "2027-Q1") and has one request per partner; answers are kept per
// round through the requests.
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { AppConfig } from '../config.js';
import type { SurveyInput } from '../domain/feedback-input.js';
import { handlesOffice } from '../domain/office-access.js';
import { periodContaining, periodKey } from '../domain/periods.js';
import type { Viewer } from '../domain/proposal-rules.js';
import { dueRoundAt } from '../domain/survey-schedule.js';
import type { FeedbackRequest, Survey, SurveyCadence, SurveyRound } from '../domain/types.js';
import type { RecordReader, RecordStore, RecordTransaction } from '../store/records.js';
import { isEditable, newRequest, yearOf, type FeedbackSettings } from './feedback-requests.js';

export async function createSurvey(records: RecordStore, officeId: string, input: SurveyInput, by: string, now: Date): Promise<Survey> {
  const survey: Survey = { id: randomUUID(), officeId, ...input, createdBy: by, createdAt: now.toISOString(), active: true };
  await records.transaction((tx) => tx.put('surveys', survey));
  return survey;
}

export type StopSurveyResult = { ok: true; survey: Survey } | { ok: false; code: 'not-found' | 'other-office' } | { ok: false; code: 'already-stopped'; survey: Survey };

/** Stops a survey: no further rounds. A coordinator stops only their own office's surveys; an admin any. */
export function stopSurvey(records: RecordStore, surveyId: string, viewer: Viewer): Promise<StopSurveyResult> {
  return records.transaction(async (tx): Promise<StopSurveyResult> => {
    const survey = await tx.get('surveys', surveyId);
    if (!survey) return { ok: false, code: 'not-found' };
    if (!handlesOffice(viewer, survey.officeId)) return { ok: false, code: 'other-office' };
    if (!survey.active) return { ok: false, code: 'already-stopped', survey };
    const stopped = { ...survey, active: false };
    await tx.put('surveys', stopped);
    return { ok: true, survey: stopped };
  });
}

export async function activeSurveys(reader: RecordReader, officeId: string): Promise<Survey[]> {
  return (await reader.findBy('surveys', 'officeId', officeId)).filter((s) => s.active).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
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

export async function roundsOf(reader: RecordReader, surveyId: string): Promise<SurveyRound[]> {
  return (await reader.findBy('surveyRounds', 'surveyId', surveyId)).sort((a, b) => a.sentAt.localeCompare(b.sentAt));
}

export interface RoundAnswers {
  round: SurveyRound;
  /** Partners the round asked, and how many of them answered. */
  surveyed: number;
  answered: number;
}

/** Each round of a survey, oldest first, with how many were asked and answered. */
export async function roundAnswers(reader: RecordReader, surveyId: string): Promise<RoundAnswers[]> {
  const rounds = await roundsOf(reader, surveyId);
  return Promise.all(
    rounds.map(async (round) => {
      const requests = await reader.findBy('feedbackRequests', 'surveyRoundId', round.id);
      return { round, surveyed: requests.length, answered: requests.filter((r) => r.status === 'answered').length };
    }),
  );
}

/** Partners who still have an unanswered request of an earlier round open: they are not asked twice at once. */
async function stillAsked(reader: RecordReader, rounds: readonly SurveyRound[], settings: FeedbackSettings, now: Date): Promise<Set<string>> {
  const asked = new Set<string>();
  for (const round of rounds) {
    for (const request of await reader.findBy('feedbackRequests', 'surveyRoundId', round.id)) {
      if (request.status === 'open' && isEditable(request, settings, now)) asked.add(request.partnerId);
    }
  }
  return asked;
}

/**
 * For every active survey whose round is due, creates that round once, with a
 * request to each partner registered in the survey's office and segment now
 * (except those still holding an open request of the survey). Returns the
 * requests created.
 */
export async function createSurveyRounds(records: RecordStore, config: Pick<AppConfig, 'offices' | 'feedback'>, now: Date): Promise<FeedbackRequest[]> {
  const created: FeedbackRequest[] = [];
  for (const office of config.offices) {
    for (const survey of await activeSurveys(records, office.id)) {
      const dueAt = dueRoundAt(survey.createdAt, survey.cadence, office.timeZone, now);
      if (!dueAt) continue;
      const key = surveyPeriodKey(survey.cadence, dueAt.toJSDate(), office.timeZone);
      created.push(...(await records.transaction((tx) => createRound(tx, survey.id, key, config.feedback, now))));
    }
  }
  return created;
}

/** The survey's round of period `key` with its requests, unless it exists; filed under the year of `now`. */
async function createRound(tx: RecordTransaction, surveyId: string, key: string, settings: FeedbackSettings, now: Date): Promise<FeedbackRequest[]> {
  // Locks the survey, so two instances creating its round take turns and the second finds the round.
  const survey = await tx.get('surveys', surveyId);
  if (!survey?.active) return [];
  const rounds = await roundsOf(tx, survey.id);
  if (rounds.some((r) => r.periodKey === key)) return [];
  const round: SurveyRound = { id: randomUUID(), surveyId: survey.id, periodKey: key, sentAt: now.toISOString() };
  const asked = await stillAsked(tx, rounds, settings, now);
  const requests = (await tx.findBy('partners', 'officeId', survey.officeId))
    .filter((p) => p.segment === survey.segment && !asked.has(p.id))
    .map((partner) => newRequest({ kind: 'survey', partner, officeId: survey.officeId, surveyRoundId: round.id }, settings, now));
  await tx.putInYear('surveyRounds', yearOf(now), round);
  for (const request of requests) await tx.putInYear('feedbackRequests', yearOf(now), request);
  return requests;
}
