// Card data for planning a year: the plan form, the date preview, the saved
// plan, the "plan exists" notice and the re-opened plan. Every text is
// translated here; the templates only lay it out.
import { Info } from 'luxon';
import { renderCard, type Card } from '../cards.js';
import { formatLocalTime, formatMeetingSpan, formatMeetingTime } from '../domain/format.js';
import { officeName } from '../domain/office-name.js';
import type { PlanInput } from '../domain/plan-input.js';
import { instantToLocal, localToInstant, validateMeetingDate } from '../domain/schedule.js';
import type { Meeting, Plan } from '../domain/types.js';
import { officeById } from './plan-access.js';
import type { Turn } from './router.js';

export const PLAN_FORM_FIELDS = [
  'officeId',
  'theme',
  'subThemes',
  'segments',
  'count',
  'weekday',
  'time',
  'durationMinutes',
  'place',
  'onlineUrl',
] as const;
export type PlanFormValues = Record<(typeof PLAN_FORM_FIELDS)[number], string>;

/** One meeting row of the preview or the re-opened plan: what the inputs hold. */
export interface DateRow {
  date: string;
  subTheme: string;
}

export function defaultPlanValues(officeId: string): PlanFormValues {
  return {
    officeId,
    theme: '',
    subThemes: '',
    segments: '',
    count: '4',
    weekday: '2',
    time: '13:00',
    durationMinutes: '120',
    place: '',
    onlineUrl: '',
  };
}

/** The submitted values, kept as typed so a form with errors shows them again. */
export function planValuesFrom(sent: PlanFormValues): PlanFormValues {
  return Object.fromEntries(PLAN_FORM_FIELDS.map((f) => [f, sent[f]])) as PlanFormValues;
}

/** The validated plan as it travels in the preview's Action.Execute data, re-validated at every step. */
/**
 * The plan as the preview's buttons carry it. The sub-themes are not in it:
 * the rows' inputs hold them (see planFromPreview in plan.ts), and a second and third
 * copy of 24 long sub-themes would take the card past Teams' size limit.
 */
export function planData(input: PlanInput): Record<string, string | number> {
  return {
    year: input.year,
    officeId: input.officeId,
    theme: input.theme,
    segments: input.segments.join(','),
    count: String(input.count),
    weekday: String(input.weekday),
    time: input.time,
    durationMinutes: String(input.durationMinutes),
    place: input.place ?? '',
    onlineUrl: input.onlineUrl ?? '',
  };
}

const numberOrNull = (text: string) => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : null);
// Date and time pickers only hold well-formed values; anything else shows empty.
const dateOrEmpty = (text: string) => (/^\d{4}-\d{2}-\d{2}$/.test(text) ? text : '');
const timeOrEmpty = (text: string) => (/^\d{2}:\d{2}$/.test(text) ? text : '');

function errorBox(turn: Turn, errors: string[]) {
  return { hasErrors: errors.length > 0, errorsTitle: turn.t('plan.errors.title'), errors };
}

function segmentChoices(turn: Turn) {
  return turn.deps.config.segments.map((s) => ({ title: s.name[turn.user.locale], value: s.id }));
}

function segmentNames(turn: Turn, ids: readonly string[]): string {
  return ids.map((id) => turn.deps.config.segments.find((s) => s.id === id)?.name[turn.user.locale] ?? id).join(', ');
}

function weekdayName(turn: Turn, weekday: number): string {
  return Info.weekdays('long', { locale: turn.user.locale })[weekday - 1];
}

export function planFormCard(turn: Turn, year: number, values: PlanFormValues, errors: string[] = []): Card {
  const { t, user, deps } = turn;
  const label = (field: string) => t(`plan.field.${field}`);
  return renderCard('plan-form', {
    title: t('plan.form.title', { year }),
    intro: t('plan.form.intro'),
    ...errorBox(turn, errors),
    chooseOffice: user.role === 'admin',
    officeChoices: deps.config.offices.map((o) => ({ title: officeName(o, user.locale), value: o.id })),
    officeLine: t('plan.form.office', { office: officeName(officeById(turn, user.officeId), user.locale) }),
    labels: Object.fromEntries(PLAN_FORM_FIELDS.map((f) => [f, label(f)])),
    hints: { subThemes: t('plan.hint.subThemes'), onlineUrl: t('plan.hint.onlineUrl'), dates: t('plan.hint.dates') },
    values: {
      ...values,
      officeId: values.officeId || user.officeId,
      count: numberOrNull(values.count),
      durationMinutes: numberOrNull(values.durationMinutes),
      time: timeOrEmpty(values.time),
    },
    segmentChoices: segmentChoices(turn),
    weekdayChoices: [1, 2, 3, 4, 5].map((d) => ({ title: weekdayName(turn, d), value: String(d) })),
    submit: t('plan.form.submit'),
    year,
  });
}

function meetingRows(turn: Turn, rows: DateRow[], when: (row: DateRow, n: number) => string) {
  return rows.map((row, n) => ({
    heading: turn.t('plan.row.heading', { n: n + 1 }),
    when: when(row, n),
    dateId: `date_${n}`,
    dateLabel: turn.t('plan.field.date', { n: n + 1 }),
    date: dateOrEmpty(row.date),
    subThemeId: `subTheme_${n}`,
    subThemeLabel: turn.t('plan.field.subTheme', { n: n + 1 }),
    subTheme: row.subTheme,
  }));
}

function venueFacts(turn: Turn, venue: { place?: string; onlineUrl?: string }) {
  return [
    ...(venue.place ? [{ title: turn.t('plan.field.place'), value: venue.place }] : []),
    ...(venue.onlineUrl ? [{ title: turn.t('plan.field.onlineUrl'), value: venue.onlineUrl }] : []),
  ];
}

export function previewCard(turn: Turn, input: PlanInput, rows: DateRow[], opts: { note?: string; errors?: string[] } = {}): Card {
  const { t, user } = turn;
  const office = officeById(turn, input.officeId);
  const when = (row: DateRow) =>
    validateMeetingDate(row.date) === 'invalid'
      ? t('plan.row.pickDate')
      : formatMeetingTime(localToInstant(row.date, input.time, office.timeZone), office.timeZone, user.locale);
  return renderCard('plan-preview', {
    title: t('plan.preview.title', { year: input.year }),
    intro: t('plan.preview.intro'),
    summary: [
      { title: t('plan.field.officeId'), value: officeName(office, user.locale) },
      { title: t('plan.field.theme'), value: input.theme },
      { title: t('plan.field.segments'), value: segmentNames(turn, input.segments) },
      { title: t('plan.preview.when'), value: t('plan.preview.whenValue', { weekday: weekdayName(turn, input.weekday), time: formatLocalTime(input.time, user.locale) }) },
      { title: t('plan.field.durationMinutes'), value: t('plan.preview.minutes', { minutes: input.durationMinutes }) },
      ...venueFacts(turn, input),
    ],
    hasNote: !!opts.note,
    note: opts.note ?? '',
    ...errorBox(turn, opts.errors ?? []),
    rows: meetingRows(turn, rows, when),
    confirm: t('plan.preview.confirm'),
    back: t('plan.preview.back'),
    plan: planData(input),
  });
}

/** The plan as saved: its meetings with their local times. */
export function savedPlanCard(turn: Turn, title: string, lines: string[], meetings: readonly Meeting[]): Card {
  return renderCard('plan-confirmed', {
    title,
    lines,
    meetings: meetings.map((m) => {
      const zone = officeById(turn, m.officeId).timeZone;
      return { when: formatMeetingSpan(m.startsAt, m.endsAt, zone, turn.user.locale), subTheme: m.subTheme };
    }),
    meetingsButton: turn.t('plan.button.meetings'),
  });
}

export function planExistsCard(turn: Turn, plan: Plan): Card {
  const { t } = turn;
  return renderCard('plan-exists', {
    title: t('plan.exists.title', { year: plan.year, office: officeName(officeById(turn, plan.officeId), turn.user.locale) }),
    text: t('plan.exists.text', { theme: plan.theme }),
    open: t('plan.exists.open'),
    planId: plan.id,
    meetingsButton: t('plan.button.meetings'),
  });
}

export interface PlanEditValues {
  theme: string;
  segments: string;
  place: string;
  onlineUrl: string;
  rows: DateRow[];
}

export function planEditValues(plan: Plan, meetings: readonly Meeting[], timeZone: string): PlanEditValues {
  return {
    theme: plan.theme,
    segments: plan.segments.join(','),
    place: plan.place ?? '',
    onlineUrl: plan.onlineUrl ?? '',
    rows: meetings.map((m) => ({ date: instantToLocal(m.startsAt, timeZone).date, subTheme: m.subTheme })),
  };
}

/** The submitted values, kept as typed so a form with errors shows them again; `count` rows. */
export function planEditValuesFrom(sent: Omit<PlanEditValues, 'rows'>, rows: readonly DateRow[], count: number): PlanEditValues {
  return {
    theme: sent.theme,
    segments: sent.segments,
    place: sent.place,
    onlineUrl: sent.onlineUrl,
    rows: Array.from({ length: count }, (_, n) => rows[n] ?? { date: '', subTheme: '' }),
  };
}

/** The re-opened plan: theme, segments, place and link, and the date and sub-theme of each coming meeting. */
export function planEditCard(turn: Turn, plan: Plan, meetings: readonly Meeting[], values: PlanEditValues, errors: string[] = []): Card {
  const { t, user } = turn;
  const office = officeById(turn, plan.officeId);
  // Each row shows the meeting as saved now; its time of day stays when the date moves.
  const when = (_row: DateRow, n: number) => formatMeetingSpan(meetings[n].startsAt, meetings[n].endsAt, office.timeZone, user.locale);
  return renderCard('plan-edit', {
    title: t('plan.edit.title', { year: plan.year, office: officeName(office, user.locale) }),
    intro: t('plan.edit.intro'),
    ...errorBox(turn, errors),
    labels: {
      theme: t('plan.field.theme'),
      segments: t('plan.field.segments'),
      place: t('plan.field.place'),
      onlineUrl: t('plan.field.onlineUrl'),
    },
    values,
    segmentChoices: segmentChoices(turn),
    venueHint: t('plan.edit.venueHint'),
    hasRows: meetings.length > 0,
    noRows: t('plan.edit.noRows'),
    rows: meetingRows(turn, values.rows, when),
    save: t('plan.edit.save'),
    back: t('plan.button.back'),
    planId: plan.id,
    meetingIds: meetings.map((m) => m.id),
  });
}
