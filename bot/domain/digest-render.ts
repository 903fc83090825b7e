// The digest as a CSV download and as a standalone HTML page. Labels come
// from the caller (already translated); a missing label falls back to
// English. Optional "segment.<id>" labels name segments, otherwise the id is
// shown. The "locale" label is the BCP 47 tag used for lang and number formats.
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { comparisonChart, splitChart, trendChart } from './digest-charts.js';
import { DIGEST_METRICS, type Digest, type DigestMetric, type DigestProposal, type DigestRow, type OfficeDigest, type TrafficLight } from './digest.js';
import { Html, html } from './html.js';
import { PROPOSAL_STATUSES } from './types.js';

export const DIGEST_LABELS_EN = {
  locale: 'en',
  title: 'Stakeholder feedback digest',
  period: 'Period',
  generated: 'Generated',
  office: 'Office',
  segment: 'Segment',
  allSegments: 'All segments',
  keyFigures: 'Key figures',
  meetingsPlanned: 'Meetings planned',
  meetingsHeld: 'Meetings held',
  invitations: 'Invitations',
  accepted: 'Accepted',
  invitedToHeld: 'Invited to held meetings',
  attended: 'Attended',
  feedbackRequests: 'Feedback requests',
  requestsAnswered: 'Requests answered',
  targetGroupSize: 'Target group',
  respondents: 'Respondents',
  feedbackCount: 'Feedback answers',
  responseRate: 'Response rate',
  attendanceRate: 'Attendance rate',
  averageRating: 'Average rating',
  positiveShare: 'Positive (4–5)',
  criticalShare: 'Critical (1–2)',
  previous: 'Previous period',
  change: 'Change',
  status: 'Status',
  'light.green': 'Good',
  'light.yellow': 'Watch',
  'light.red': 'Needs attention',
  'light.none': 'No data',
  percentagePoints: 'pp',
  hidden: 'hidden',
  suppressed: 'Rating figures are hidden for anonymity: fewer than {minimum} answers in this group, or showing it would reveal a smaller group.',
  previousSuppressed: 'Previous period rating figures are hidden for anonymity.',
  note: 'Note',
  subThemes: 'Sub-themes discussed',
  none: 'None.',
  nationalProposals: 'Proposals needing a national decision',
  localProposals: 'Local proposals',
  proposal: 'Proposal',
  justification: 'Justification',
  author: 'Proposed by',
  anonymous: 'Anonymous',
  receivedOn: 'Received on',
  'status.received': 'Received',
  'status.under-review': 'Under review',
  'status.planned': 'Planned',
  'status.done': 'Done',
  'status.declined': 'Declined',
  officeFeedback: 'Office feedback to partners',
  count: 'Count',
  neutral: 'Neutral (3)',
  answerSplit: 'Answers this period',
  trend: 'Response rate and positive share, last {count} periods',
  officesSideBySide: 'Offices side by side',
  openNationalProposals: 'Open national proposals',
  responseRateRegister: 'Response rate over the whole register',
  responseRateNote:
    'The office response rate counts the partners who gave feedback against every partner in the office register, also segments not asked this period. The rates by segment and by meeting or survey count only those segments and the partners asked.',
  askedRounds: 'Answered by those asked',
  meeting: 'Meeting',
  survey: 'Survey',
  answeredOfAsked: 'answered / asked',
  askedOn: 'Asked on',
  chartTable: 'The figures of the chart',
} as const;

export type DigestLabelKey = keyof typeof DIGEST_LABELS_EN;
export const DIGEST_LABEL_KEYS = Object.keys(DIGEST_LABELS_EN) as DigestLabelKey[];

type Labels = Readonly<Record<string, string>>;
type Translate = (key: DigestLabelKey, params?: Record<string, string | number>) => string;

function translator(labels: Labels): Translate {
  return (key, params = {}) =>
    (labels[key] ?? DIGEST_LABELS_EN[key]).replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Office names come with the labels, in the reader's language (see digestLabels). */
const officeName = (labels: Labels, officeId: string) => labels[`office.${officeId}`] ?? officeId;

const segmentName = (labels: Labels, segment: string | null, t: Translate) =>
  segment === null ? t('allSegments') : (labels[`segment.${segment}`] ?? segment);

function notes(row: DigestRow, minimum: number, t: Translate): string[] {
  return [row.suppressed ? t('suppressed', { minimum }) : '', row.previous.suppressed ? t('previousSuppressed') : ''].filter(Boolean);
}

// ---------------------------------------------------------------- CSV

const COUNT_COLUMNS = [
  'meetingsPlanned',
  'meetingsHeld',
  'invitations',
  'accepted',
  'invitedToHeld',
  'attended',
  'feedbackRequests',
  'requestsAnswered',
  'targetGroupSize',
  'respondents',
  'feedbackCount',
] as const satisfies readonly (keyof DigestRow & DigestLabelKey)[];

const round = (value: number | null) => (value === null ? '' : Math.round(value * 10_000) / 10_000);

// A cell starting with = + - @ is run as a formula by spreadsheet programs.
export const spreadsheetSafe = (cell: string | number) => (typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

/** One row per office total and office × segment; rates are fractions 0–1. Starts with a BOM so spreadsheets read UTF-8. */
export function digestToCsv(digest: Digest, labels: Labels): string {
  const t = translator(labels);
  const header = [
    t('period'),
    t('office'),
    t('segment'),
    ...COUNT_COLUMNS.map((key) => t(key)),
    ...DIGEST_METRICS.flatMap((m) => [t(m), `${t(m)} – ${t('previous')}`, `${t(m)} – ${t('change')}`, `${t(m)} – ${t('status')}`]),
    t('subThemes'),
    t('note'),
  ];
  const rows = digest.offices.flatMap((office) =>
    [office.total, ...office.segments].map((row) =>
      [
        digest.periodKey,
        officeName(labels, office.officeId),
        segmentName(labels, row.segment, t),
        ...COUNT_COLUMNS.map((key) => row[key]),
        ...DIGEST_METRICS.flatMap((m) => [round(row.metrics[m]), round(row.previous.metrics[m]), round(row.change[m]), t(`light.${row.lights[m]}`)]),
        row.subThemes.join('; '),
        notes(row, digest.anonymityMinimum, t).join(' '),
      ].map(spreadsheetSafe),
    ),
  );
  return stringify([header, ...rows], { bom: true });
}

// ---------------------------------------------------------------- HTML

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b; margin: 2rem auto; max-width: 78rem; padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.3rem; margin-top: 2.5rem; border-bottom: 2px solid #d0d7de; } h3 { font-size: 1.1rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.92rem; }
caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
th, td { border: 1px solid #d0d7de; padding: 0.4rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: #f3f5f7; }
tr.total th, tr.total td { font-weight: 600; background: #fafbfc; }
.value { font-size: 1.05rem; }
.detail { color: #4a5058; font-size: 0.85rem; }
.light { display: inline-block; border-radius: 0.8rem; padding: 0 0.5rem; font-size: 0.82rem; font-weight: 600; border: 1px solid; white-space: nowrap; }
.light-green { background: #dcf5e3; color: #0f5323; border-color: #1e7b34; }
.light-yellow { background: #fff3c4; color: #5c4300; border-color: #b08800; }
.light-red { background: #fde2e1; color: #8a1410; border-color: #c62828; }
.light-none { background: #eef0f2; color: #4a5058; border-color: #8c959f; }
.proposals { list-style: none; padding: 0; }
.proposals li { border: 1px solid #d0d7de; border-radius: 0.4rem; padding: 0.6rem 0.8rem; margin-bottom: 0.6rem; }
.proposals p { margin: 0 0 0.4rem; font-weight: 600; white-space: pre-wrap; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.8rem; margin: 0; font-size: 0.9rem; }
dt { color: #4a5058; } dd { margin: 0; white-space: pre-wrap; }
.note { font-size: 0.88rem; color: #4a5058; }
.chart { display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: flex-start; margin: 0.5rem 0 1.5rem; }
.chart svg { max-width: 100%; height: auto; flex: 0 1 auto; }
.chart table { width: auto; flex: 1 1 16rem; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; }
  h2 { break-before: auto; break-after: avoid; }
  h3, caption { break-after: avoid; }
  table, .chart, .proposals li { break-inside: avoid; }
  tr { break-inside: avoid; }
  thead th, tr.total th, tr.total td, .light { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
  .chart svg { max-height: 70mm; }
}
`;

const SHAPES: Record<TrafficLight, string> = { green: '●', yellow: '▲', red: '■', none: '○' };
const RATES = new Set<DigestMetric>(['responseRate', 'attendanceRate', 'positiveShare', 'criticalShare']);
const RATING_METRICS = new Set<DigestMetric>(['averageRating', 'positiveShare', 'criticalShare']);

interface View {
  digest: Digest;
  labels: Labels;
  t: Translate;
  metric: (m: DigestMetric, value: number) => string;
  change: (m: DigestMetric, value: number) => string;
  date: (iso: string) => string;
}

function view(digest: Digest, labels: Labels): View {
  const t = translator(labels);
  const locale = t('locale');
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const rating = new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  const points = new Intl.NumberFormat(locale, { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
  const ratingChange = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, signDisplay: 'exceptZero' });
  return {
    digest,
    labels,
    t,
    metric: (m, value) => (RATES.has(m) ? percent.format(value) : rating.format(value)),
    change: (m, value) => (RATES.has(m) ? `${points.format(value * 100)} ${t('percentagePoints')}` : ratingChange.format(value)),
    date: (iso) => DateTime.fromISO(iso, { zone: digest.timeZone }).setLocale(locale).toLocaleString(DateTime.DATE_MED),
  };
}

function badge(light: TrafficLight, t: Translate): Html {
  return html`<span class="light light-${light}"><span aria-hidden="true">${SHAPES[light]}</span> ${t(`light.${light}`)}</span>`;
}

function metricCell(v: View, row: DigestRow, m: DigestMetric, detail?: string): Html {
  const value = row.metrics[m];
  const before = row.previous.metrics[m];
  const change = row.change[m];
  const shown = value !== null ? v.metric(m, value) : RATING_METRICS.has(m) && row.suppressed ? v.t('hidden') : '–';
  return html`<td>
    <div class="value">${shown} ${badge(row.lights[m], v.t)}</div>
    ${detail && html`<div class="detail">${detail}</div>`}
    ${before !== null && html`<div class="detail">${v.t('previous')}: ${v.metric(m, before)}${change !== null && `, ${v.t('change')} ${v.change(m, change)}`}</div>`}
  </td>`;
}

function keyFigures(v: View, office: OfficeDigest): Html {
  const { t } = v;
  const rows = [office.total, ...office.segments];
  const rowHtml = (row: DigestRow) => html`<tr${row.segment === null && html` class="total"`}>
    <th scope="row">${segmentName(v.labels, row.segment, t)}</th>
    <td>${row.meetingsHeld} / ${row.meetingsPlanned}</td>
    <td>${row.accepted} / ${row.invitations}</td>
    ${metricCell(v, row, 'attendanceRate', `${row.attended} / ${row.invitedToHeld}`)}
    <td>${row.requestsAnswered} / ${row.feedbackRequests}</td>
    ${metricCell(v, row, 'responseRate', `${row.respondents} / ${row.targetGroupSize}`)}
    <td>${row.feedbackCount}</td>
    ${metricCell(v, row, 'averageRating')}
    ${metricCell(v, row, 'positiveShare')}
    ${metricCell(v, row, 'criticalShare')}
  </tr>`;
  const anyNotes = rows.flatMap((row) => notes(row, v.digest.anonymityMinimum, t));
  return html`<table>
    <caption>${t('keyFigures')}: ${officeName(v.labels, office.officeId)}</caption>
    <thead><tr>
      <th scope="col">${t('segment')}</th>
      <th scope="col">${t('meetingsHeld')} / ${t('meetingsPlanned')}</th>
      <th scope="col">${t('accepted')} / ${t('invitations')}</th>
      <th scope="col">${t('attendanceRate')} (${t('attended')} / ${t('invitedToHeld')})</th>
      <th scope="col">${t('requestsAnswered')} / ${t('feedbackRequests')}</th>
      <th scope="col">${t('responseRate')} (${t('respondents')} / ${t('targetGroupSize')})</th>
      <th scope="col">${t('feedbackCount')}</th>
      <th scope="col">${t('averageRating')}</th>
      <th scope="col">${t('positiveShare')}</th>
      <th scope="col">${t('criticalShare')}</th>
    </tr></thead>
    <tbody>${rows.map(rowHtml)}</tbody>
  </table>
  ${[...new Set(anyNotes)].map((note) => html`<p class="note">${note}</p>`)}`;
}

function proposalList(v: View, proposals: DigestProposal[], showOffice: boolean): Html {
  const { t } = v;
  if (proposals.length === 0) return html`<p>${t('none')}</p>`;
  const author = (p: DigestProposal) =>
    p.anonymous ? t('anonymous') : p.author ? `${p.author.name}, ${p.author.organisation}` : '–';
  return html`<ul class="proposals">${proposals.map(
    (p) => html`<li>
      <p>${p.text}</p>
      <dl>
        ${showOffice && html`<dt>${t('office')}</dt><dd>${officeName(v.labels, p.officeId)}</dd>`}
        ${p.segment !== null && html`<dt>${t('segment')}</dt><dd>${segmentName(v.labels, p.segment, t)}</dd>`}
        <dt>${t('status')}</dt><dd>${t(`status.${p.status}`)}</dd>
        ${p.justification !== null && html`<dt>${t('justification')}</dt><dd>${p.justification}</dd>`}
        <dt>${t('author')}</dt><dd>${author(p)}</dd>
        <dt>${t('receivedOn')}</dt><dd>${v.date(p.createdAt)}</dd>
      </dl>
    </li>`,
  )}</ul>`;
}

const orDash = (v: View, m: DigestMetric, value: number | null) => (value === null ? '–' : v.metric(m, value));
/** A chart with the table of its figures beside it (below it on narrow screens). */
const chartWithTable = (svg: Html, table: Html) => html`<div class="chart">${svg}${table}</div>`;
const TREND_METRICS = ['responseRate', 'positiveShare'] as const;
const COMPARED_METRICS = ['responseRate', 'positiveShare', 'criticalShare'] as const;

async function trendFigure(v: View, office: OfficeDigest): Promise<Html> {
  const { t } = v;
  const periods = office.history.map((p) => p.periodKey);
  const heading = t('trend', { count: periods.length });
  const svg = await trendChart(
    office.history.flatMap((p) => TREND_METRICS.map((m) => ({ period: p.periodKey, series: t(m), value: p[m] }))),
    periods,
    TREND_METRICS.map((m) => t(m)),
    {
      id: `trend-${office.officeId}`,
      title: `${heading}: ${officeName(v.labels, office.officeId)}`,
      description: TREND_METRICS.map((m) => `${t(m)}: ${office.history.map((p) => `${p.periodKey} ${orDash(v, m, p[m])}`).join(', ')}`).join('. '),
      locale: t('locale'),
    },
  );
  const table = html`<table>
    <caption>${t('chartTable')}</caption>
    <thead><tr><th scope="col">${t('period')}</th>${TREND_METRICS.map((m) => html`<th scope="col">${t(m)}</th>`)}</tr></thead>
    <tbody>${office.history.map((p) => html`<tr><th scope="row">${p.periodKey}</th>${TREND_METRICS.map((m) => html`<td>${orDash(v, m, p[m])}</td>`)}</tr>`)}</tbody>
  </table>`;
  return html`<h3>${heading}</h3>${chartWithTable(svg, table)}`;
}

/** This period's answers split positive / neutral / critical; nothing when they are hidden or there are none. */
async function splitFigure(v: View, office: OfficeDigest): Promise<Html | null> {
  const { t } = v;
  const split = office.total.split;
  if (split === null) return null;
  const rows = [
    { label: t('positiveShare'), count: split.positive },
    { label: t('neutral'), count: split.neutral },
    { label: t('criticalShare'), count: split.critical },
  ];
  const svg = await splitChart(rows, {
    id: `split-${office.officeId}`,
    title: `${t('answerSplit')}: ${officeName(v.labels, office.officeId)}`,
    description: rows.map((r) => `${r.label}: ${r.count}`).join(', '),
    locale: t('locale'),
  });
  const table = html`<table>
    <caption>${t('chartTable')}</caption>
    <tbody>${rows.map((r) => html`<tr><th scope="row">${r.label}</th><td>${r.count}</td></tr>`)}</tbody>
  </table>`;
  return html`<h3>${t('answerSplit')}</h3>${chartWithTable(svg, table)}`;
}

/** The response rate of each meeting and survey round over the partners it asked. */
function roundsTable(v: View, office: OfficeDigest): Html | null {
  const { t } = v;
  if (office.rounds.length === 0) return null;
  return html`<table>
    <caption>${t('askedRounds')}: ${officeName(v.labels, office.officeId)}</caption>
    <thead><tr>
      <th scope="col">${t('meeting')} / ${t('survey')}</th>
      <th scope="col">${t('segment')}</th>
      <th scope="col">${t('askedOn')}</th>
      <th scope="col">${t('answeredOfAsked')}</th>
      <th scope="col">${t('responseRate')}</th>
    </tr></thead>
    <tbody>${office.rounds.map(
      (round) => html`<tr>
        <th scope="row">${round.kind === 'meeting' ? `${t('meeting')}: ${round.subTheme ?? '–'}` : t('survey')}</th>
        <td>${round.segments.map((segment) => segmentName(v.labels, segment, t)).join(', ')}</td>
        <td>${v.date(round.firstSentAt)}</td>
        <td>${round.answered} / ${round.asked}</td>
        <td>${v.metric('responseRate', round.rate)}</td>
      </tr>`,
    )}</tbody>
  </table>`;
}

/** Every office's totals in one table and one grouped bar chart; nothing for a digest of one office. */
async function comparisonSection(v: View): Promise<Html | null> {
  const { t, digest } = v;
  if (digest.offices.length < 2) return null;
  const names = digest.offices.map((office) => officeName(v.labels, office.officeId));
  const metricNames = COMPARED_METRICS.map((m) => t(m));
  const svg = await comparisonChart(
    digest.offices.flatMap((office, i) =>
      COMPARED_METRICS.flatMap((m) => {
        const value = office.total.metrics[m];
        return value === null ? [] : [{ office: names[i], metric: t(m), value }];
      }),
    ),
    names,
    metricNames,
    {
      id: 'offices',
      title: `${t('officesSideBySide')} ${digest.periodKey}`,
      description: digest.offices
        .map((office, i) => `${names[i]}: ${COMPARED_METRICS.map((m) => `${t(m)} ${orDash(v, m, office.total.metrics[m])}`).join(', ')}`)
        .join('. '),
      locale: t('locale'),
    },
  );
  const table = html`<table>
    <caption>${t('officesSideBySide')}</caption>
    <thead><tr>
      <th scope="col">${t('office')}</th>
      <th scope="col">${t('responseRateRegister')} (${t('respondents')} / ${t('targetGroupSize')})</th>
      <th scope="col">${t('positiveShare')}</th>
      <th scope="col">${t('criticalShare')}</th>
      <th scope="col">${t('averageRating')}</th>
      <th scope="col">${t('openNationalProposals')}</th>
    </tr></thead>
    <tbody>${digest.offices.map(
      (office, i) => html`<tr>
        <th scope="row">${names[i]}</th>
        ${metricCell(v, office.total, 'responseRate', `${office.total.respondents} / ${office.total.targetGroupSize}`)}
        ${metricCell(v, office.total, 'positiveShare')}
        ${metricCell(v, office.total, 'criticalShare')}
        ${metricCell(v, office.total, 'averageRating')}
        <td>${office.openNationalProposals}</td>
      </tr>`,
    )}</tbody>
  </table>`;
  return html`<section aria-labelledby="offices">
<h2 id="offices">${t('officesSideBySide')}</h2>
${chartWithTable(svg, table)}
</section>`;
}

async function officeSection(v: View, office: OfficeDigest): Promise<Html> {
  const { t } = v;
  const rating = (value: number | null) => (value === null ? '–' : v.metric('averageRating', value));
  const headingId = `office-${office.officeId}`;
  const [trend, split] = await Promise.all([trendFigure(v, office), splitFigure(v, office)]);
  return html`<section aria-labelledby="${headingId}">
    <h2 id="${headingId}">${officeName(v.labels, office.officeId)}</h2>
    ${keyFigures(v, office)}
    <p class="note">${t('responseRateNote')}</p>
    ${roundsTable(v, office)}
    ${trend}
    ${split}
    <h3>${t('subThemes')}</h3>
    ${office.total.subThemes.length === 0 ? html`<p>${t('none')}</p>` : html`<ul>${office.total.subThemes.map((s) => html`<li>${s}</li>`)}</ul>`}
    <h3>${t('localProposals')}</h3>
    <ul>${PROPOSAL_STATUSES.map((s) => html`<li>${t(`status.${s}`)}: ${office.localProposals.counts[s]}</li>`)}</ul>
    ${proposalList(v, office.localProposals.items, false)}
    <h3>${t('officeFeedback')}</h3>
    <table>
      <caption>${t('officeFeedback')}: ${officeName(v.labels, office.officeId)}</caption>
      <thead><tr><th scope="col">${t('segment')}</th><th scope="col">${t('count')}</th><th scope="col">${t('averageRating')}</th></tr></thead>
      <tbody>
        <tr class="total"><th scope="row">${t('allSegments')}</th><td>${office.officeFeedback.count}</td><td>${rating(office.officeFeedback.averageRating)}</td></tr>
        ${office.officeFeedback.bySegment.map(
          (s) => html`<tr><th scope="row">${segmentName(v.labels, s.segment, t)}</th><td>${s.count}</td><td>${rating(s.averageRating)}</td></tr>`,
        )}
      </tbody>
    </table>
  </section>`;
}

/** A standalone page: inline CSS and SVG charts, no scripts, every text escaped. */
export async function digestToHtml(digest: Digest, labels: Labels): Promise<string> {
  const v = view(digest, labels);
  const [comparison, offices] = await Promise.all([comparisonSection(v), Promise.all(digest.offices.map((office) => officeSection(v, office)))]);
  const { t } = v;
  const lastDay = DateTime.fromISO(digest.end, { zone: digest.timeZone }).minus({ days: 1 }).toISO() ?? digest.end;
  const generated = DateTime.fromISO(digest.generatedAt, { zone: digest.timeZone }).setLocale(t('locale')).toLocaleString(DateTime.DATETIME_MED);
  const title = `${t('title')} ${digest.periodKey}`;
  return html`<!DOCTYPE html>
<html lang="${t('locale')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(STYLE)}</style>
</head>
<body>
<main>
<h1>${title}</h1>
<p>${t('period')}: ${digest.periodKey} (${v.date(digest.start)} – ${v.date(lastDay)}). ${t('generated')}: ${generated}.</p>
<section aria-labelledby="national">
<h2 id="national">${t('nationalProposals')}</h2>
${proposalList(v, digest.nationalProposals, true)}
</section>
${comparison}
${offices}
</main>
</body>
</html>
`.text;
}
