// `plan [year]`: the plan form → date preview → saved plan, and re-opening a
// saved plan. The plan travels in the cards' Action.Execute data (no draft is
// kept on the server) and is validated again at every step.
import type { Card } from '../cards.js';
import { parsePlanEdit } from '../domain/plan-edits.js';
import { parseDateEdits, parsePlanInput } from '../domain/plan-input.js';
import { sendMeetingUpdates } from './sync-invites.js';
import { confirmPlan, findPlanFor, getPlan, invitationsToUpdate, proposeSchedule, updatePlan } from '../services/plans.js';
import { errorLines } from '../field-error-lines.js';
import { currentYear, failureText, officeById, viewerOf, yearToPlan } from './plan-access.js';
import {
  defaultPlanValues,
  planEditCard,
  planEditValues,
  planEditValuesFrom,
  planExistsCard,
  planFormCard,
  planValuesFrom,
  previewCard,
  savedPlanCard,
  type PlanFormValues,
} from './plan-cards.js';
import { audited } from './audit.js';
import { cardAction, type Feature, type Reply, type Turn } from './router.js';
import { OFFICE_STAFF } from './roles.js';
import {
  planEditData,
  planFormData,
  planIdData,
  planPreviewData,
  type PlanEditData,
  type PlanFormData,
  type PlanIdData,
  type PlanPreviewData,
} from './plan-card-data.js';

const YEARS_AHEAD = 5;

/** The plan a preview button sent, with the sub-themes as the rows' inputs hold them (see planData). */
function planFromPreview(data: PlanPreviewData): PlanFormValues & { year: string } {
  return { ...data.plan, subThemes: data.rows.map((row) => row.subTheme).join('\n') };
}

/** The plan year: four digits, not in the past (in the user's office time zone), at most YEARS_AHEAD ahead. */
function checkYear(turn: Turn, typed: string): { ok: true; year: number } | { ok: false; message: string } {
  const text = typed.trim();
  const current = currentYear(turn);
  if (!/^\d{4}$/.test(text)) return { ok: false, message: turn.t('plan.error.year', { example: current + 1 }) };
  const year = Number(text);
  if (year < current) return { ok: false, message: turn.t('plan.error.pastYear', { year, current }) };
  if (year > current + YEARS_AHEAD) return { ok: false, message: turn.t('plan.error.farYear', { year, max: current + YEARS_AHEAD }) };
  return { ok: true, year };
}

/** A coordinator always plans for their own office; only an admin picks one. */
function parsePlan(turn: Turn, sent: PlanFormValues, year: number) {
  const { config } = turn.deps;
  const values = { ...planValuesFrom(sent), officeId: turn.user.role === 'admin' ? sent.officeId : turn.user.officeId };
  const result = parsePlanInput(values, {
    segments: config.segments.map((s) => s.id),
    offices: config.offices.map((o) => o.id),
    year,
  });
  return { values, result };
}

function createdBy(turn: Turn): string {
  const { identity } = turn.user;
  return identity.aadObjectId ?? identity.email ?? identity.name ?? '';
}


export const planFeature: Feature = {
  commands: [
    {
      name: 'plan',
      words: 'plan',
      roles: OFFICE_STAFF,
      menu: ['personal', 'team', 'groupChat'],
      handle: planCommand,
    },
  ],
  cardActions: [
    cardAction('plan.form', OFFICE_STAFF, planPreviewData, backToForm),
    cardAction('plan.preview', OFFICE_STAFF, planFormData, previewPlan),
    cardAction('plan.confirm', OFFICE_STAFF, planPreviewData, confirmPlanCard),
    cardAction('plan.edit', OFFICE_STAFF, planIdData, editPlan),
    cardAction('plan.update', OFFICE_STAFF, planEditData, updatePlanCard),
  ],
};

/** `plan [year]`: the form, or the office's plan when it already has one. */
async function planCommand(turn: Turn, args: string): Promise<Reply> {
  const checked = args === '' ? { ok: true as const, year: yearToPlan(turn) } : checkYear(turn, args);
  if (!checked.ok) return checked.message;
  const { officeId } = turn.user;
  const existing = turn.user.role === 'admin' ? undefined : await findPlanFor(turn.deps.records, officeId, checked.year);
  return existing ? planExistsCard(turn, existing) : planFormCard(turn, checked.year, defaultPlanValues(officeId));
}

/** "Back" on the preview: the form again, with the plan as it was sent and the sub-themes as edited. */
async function backToForm(turn: Turn, data: PlanPreviewData): Promise<Card | string> {
  const plan = planFromPreview(data);
  const checked = checkYear(turn, plan.year);
  if (!checked.ok) return checked.message;
  return planFormCard(turn, checked.year, parsePlan(turn, plan, checked.year).values);
}

async function previewPlan(turn: Turn, data: PlanFormData): Promise<Card | string> {
  const { t, deps } = turn;
  const checked = checkYear(turn, data.year);
  if (!checked.ok) return checked.message;
  const { values, result } = parsePlan(turn, data, checked.year);
  if (!result.ok) return planFormCard(turn, checked.year, values, errorLines(t, 'plan', result.errors));
  const input = result.value;
  const existing = await findPlanFor(deps.records, input.officeId, input.year);
  if (existing) return planExistsCard(turn, existing);

  const proposal = proposeSchedule(officeById(turn, input.officeId), input, deps.clock());
  const rows = input.subThemes.map((subTheme, n) => ({ date: proposal.slots[n]?.localDate ?? '', subTheme }));
  const note = proposal.ok
    ? undefined
    : t('plan.preview.short', { year: input.year, available: proposal.available, requested: proposal.requested });
  return previewCard(turn, input, rows, { note });
}

async function confirmPlanCard(turn: Turn, data: PlanPreviewData): Promise<Card | string> {
  const { t, deps } = turn;
  const plan = planFromPreview(data);
  const checked = checkYear(turn, plan.year);
  if (!checked.ok) return checked.message;
  const { values, result } = parsePlan(turn, plan, checked.year);
  if (!result.ok) return planFormCard(turn, checked.year, values, errorLines(t, 'plan', result.errors));
  const input = result.value;
  const now = deps.clock();
  const edits = parseDateEdits(data, {
    year: input.year,
    count: input.count,
    time: input.time,
    durationMinutes: input.durationMinutes,
    timeZone: officeById(turn, input.officeId).timeZone,
    notBefore: now.toISOString(),
  });
  if (!edits.ok) {
    const rows = input.subThemes.map((_, n) => data.rows[n] ?? { date: '', subTheme: '' });
    return previewCard(turn, input, rows, { errors: errorLines(t, 'plan', edits.errors) });
  }
  const saved = await confirmPlan(deps.records, input, edits.value, createdBy(turn), now);
  if (!saved.ok) return saved.plan ? planExistsCard(turn, saved.plan) : failureText(turn, saved.code);
  await audited(turn, 'plan.confirm', { ref: saved.plan.id }, { office: input.officeId, year: input.year, meetings: saved.meetings.length });
  return savedPlanCard(
    turn,
    t('plan.saved.title', { year: input.year }),
    [t('plan.saved.text', { count: saved.meetings.length, theme: input.theme }), t('plan.saved.next')],
    saved.meetings,
  );
}

async function editPlan(turn: Turn, data: PlanIdData): Promise<Card | string> {
  const found = await getPlan(turn.deps.records, data.planId, viewerOf(turn), turn.deps.clock());
  if (!found.ok) return failureText(turn, found.code);
  const zone = officeById(turn, found.plan.officeId).timeZone;
  return planEditCard(turn, found.plan, found.meetings, planEditValues(found.plan, found.meetings, zone));
}

async function updatePlanCard(turn: Turn, data: PlanEditData): Promise<Card | string> {
  const { t, deps } = turn;
  const now = deps.clock();
  const found = await getPlan(deps.records, data.planId, viewerOf(turn), now);
  if (!found.ok) return failureText(turn, found.code);
  const { plan, meetings } = found;
  // The rows of the card must still be the plan's coming meetings, in the same order.
  if (data.meetingIds.join('\n') !== meetings.map((m) => m.id).join('\n')) return failureText(turn, 'stale');

  const parsed = parsePlanEdit(data, {
    plan,
    meetings,
    segments: deps.config.segments.map((s) => s.id),
    timeZone: officeById(turn, plan.officeId).timeZone,
    notBefore: now.toISOString(),
  });
  if (!parsed.ok) {
    return planEditCard(turn, plan, meetings, planEditValuesFrom(data, data.rows, meetings.length), errorLines(t, 'plan', parsed.errors));
  }
  const saved = await updatePlan(deps.records, plan.id, parsed.value, viewerOf(turn), now);
  if (!saved.ok) return failureText(turn, saved.code);
  sendMeetingUpdates(turn, saved.changed);
  const count = saved.changed.length;
  const invitations = await invitationsToUpdate(deps.records, saved.changed);
  const line =
    count === 0
      ? t('plan.updated.unchanged')
      : t(invitations > 0 ? 'plan.updated.changed' : 'plan.updated.changedNoInvitees', { count, invitations });
  return savedPlanCard(turn, t('plan.updated.title', { year: plan.year }), [line], saved.meetings);
}
