// The digest as a CSV download and as a standalone HTML page. Labels come
// from the caller (already translated); a missing label falls back to
// English. Optional "segment.<id>" labels name segments, otherwise the id is
// shown. The "locale" label is the BCP 47 tag used for lang and number formats.
// The page's parts are in digest-render-*.ts beside this file.
import { stringify } from 'csv-stringify/sync';
import { DateTime } from 'luxon';
import { DIGEST_METRICS, ROW_COUNTS, type Digest, type DigestRow, type OfficeDigest } from './digest.js';
import { comparisonSection, splitFigure, trendFigure } from './digest-render-figures.js';
import { notes, officeName, segmentName, translator, type DigestLabelKey, type Labels, type Translate } from './digest-render-labels.js';
import { DIGEST_PAGE_STYLE } from './digest-render-style.js';
import { keyFigures, officeFeedbackTable, proposalList, roundsTable } from './digest-render-tables.js';
import { view, type View } from './digest-render-view.js';
import { Html, html } from './html.js';
import { PROPOSAL_STATUSES } from './types.js';

export { DIGEST_LABEL_KEYS, DIGEST_LABELS_EN, type DigestLabelKey } from './digest-render-labels.js';

// ---------------------------------------------------------------- CSV

const COUNT_COLUMNS = [
  ...ROW_COUNTS,
  'targetGroupSize',
  'respondents',
  'feedbackCount',
] as const satisfies readonly (keyof DigestRow & DigestLabelKey)[];

const round = (value: number | null) => (value === null ? '' : Math.round(value * 10_000) / 10_000);

// A cell starting with = + - @ is run as a formula by spreadsheet programs.
export const spreadsheetSafe = (cell: string | number) => (typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

function csvHeader(t: Translate): string[] {
  return [
    t('period'),
    t('office'),
    t('segment'),
    ...COUNT_COLUMNS.map((key) => t(key)),
    ...DIGEST_METRICS.flatMap((m) => [t(m), `${t(m)} – ${t('previous')}`, `${t(m)} – ${t('change')}`, `${t(m)} – ${t('status')}`]),
    t('subThemes'),
    t('note'),
  ];
}

function csvRow(digest: Digest, labels: Labels, t: Translate, officeId: string, row: DigestRow): (string | number)[] {
  return [
    digest.periodKey,
    officeName(labels, officeId),
    segmentName(labels, row.segment, t),
    ...COUNT_COLUMNS.map((key) => row[key]),
    ...DIGEST_METRICS.flatMap((m) => [round(row.metrics[m]), round(row.previous.metrics[m]), round(row.change[m]), t(`light.${row.lights[m]}`)]),
    row.subThemes.join('; '),
    notes(row, digest.anonymityMinimum, t).join(' '),
  ].map(spreadsheetSafe);
}

/** One row per office total and office × segment; rates are fractions 0–1. Starts with a BOM so spreadsheets read UTF-8. */
export function digestToCsv(digest: Digest, labels: Labels): string {
  const t = translator(labels);
  const rows = digest.offices.flatMap((office) => [office.total, ...office.segments].map((row) => csvRow(digest, labels, t, office.officeId, row)));
  return stringify([csvHeader(t), ...rows], { bom: true });
}

// ---------------------------------------------------------------- HTML

async function officeSection(v: View, office: OfficeDigest): Promise<Html> {
  const { t } = v;
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
    ${officeFeedbackTable(v, office)}
  </section>`;
}

/** The period with its first and last day, and when the digest was made. */
function periodLine(v: View): Html {
  const { t, digest } = v;
  const lastDay = DateTime.fromISO(digest.end, { zone: digest.timeZone }).minus({ days: 1 }).toISO() ?? digest.end;
  const generated = DateTime.fromISO(digest.generatedAt, { zone: digest.timeZone }).setLocale(t('locale')).toLocaleString(DateTime.DATETIME_MED);
  return html`<p>${t('period')}: ${digest.periodKey} (${v.date(digest.start)} – ${v.date(lastDay)}). ${t('generated')}: ${generated}.</p>`;
}

/** A standalone page: inline CSS and SVG charts, no scripts, every text escaped. */
export async function digestToHtml(digest: Digest, labels: Labels): Promise<string> {
  const v = view(digest, labels);
  const [comparison, offices] = await Promise.all([comparisonSection(v), Promise.all(digest.offices.map((office) => officeSection(v, office)))]);
  const { t } = v;
  const title = `${t('title')} ${digest.periodKey}`;
  return html`<!DOCTYPE html>
<html lang="${t('locale')}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${new Html(DIGEST_PAGE_STYLE)}</style>
</head>
<body>
<main>
<h1>${title}</h1>
${periodLine(v)}
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
