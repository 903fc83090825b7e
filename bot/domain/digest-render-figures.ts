// The digest page's charts, each with the table of its figures: an office's
// trend and answer split, and the offices side by side.
import { comparisonChart, splitChart, trendChart } from './digest-charts.js';
import type { OfficeDigest } from './digest.js';
import { officeName } from './digest-render-labels.js';
import { metricCell, orDash, type View } from './digest-render-view.js';
import { html, type Html } from './html.js';

/** A chart with the table of its figures beside it (below it on narrow screens). */
const chartWithTable = (svg: Html, table: Html) => html`<div class="chart">${svg}${table}</div>`;
const TREND_METRICS = ['responseRate', 'positiveShare'] as const;
const COMPARED_METRICS = ['responseRate', 'positiveShare', 'criticalShare'] as const;

function trendTable(v: View, office: OfficeDigest): Html {
  const { t } = v;
  return html`<table>
    <caption>${t('chartTable')}</caption>
    <thead><tr><th scope="col">${t('period')}</th>${TREND_METRICS.map((m) => html`<th scope="col">${t(m)}</th>`)}</tr></thead>
    <tbody>${office.history.map((p) => html`<tr><th scope="row">${p.periodKey}</th>${TREND_METRICS.map((m) => html`<td>${orDash(v, m, p[m])}</td>`)}</tr>`)}</tbody>
  </table>`;
}

/** The office's response rate and positive share over the periods of its history. */
export async function trendFigure(v: View, office: OfficeDigest): Promise<Html> {
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
  return html`<h3>${heading}</h3>${chartWithTable(svg, trendTable(v, office))}`;
}

/** This period's answers split positive / neutral / critical; nothing when they are hidden or there are none. */
export async function splitFigure(v: View, office: OfficeDigest): Promise<Html | null> {
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


/** One grouped bar per office; `names` are the offices' names in digest order. */
function officesChart(v: View, names: string[]): Promise<Html> {
  const { t, digest } = v;
  return comparisonChart(
    digest.offices.flatMap((office, i) =>
      COMPARED_METRICS.flatMap((m) => {
        const value = office.total.metrics[m];
        return value === null ? [] : [{ office: names[i], metric: t(m), value }];
      }),
    ),
    names,
    COMPARED_METRICS.map((m) => t(m)),
    {
      id: 'offices',
      title: `${t('officesSideBySide')} ${digest.periodKey}`,
      description: digest.offices
        .map((office, i) => `${names[i]}: ${COMPARED_METRICS.map((m) => `${t(m)} ${orDash(v, m, office.total.metrics[m])}`).join(', ')}`)
        .join('. '),
      locale: t('locale'),
    },
  );
}

function officesTable(v: View, names: string[]): Html {
  const { t, digest } = v;
  return html`<table>
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
}

/** Every office's totals in one table and one grouped bar chart; nothing for a digest of one office. */
export async function comparisonSection(v: View): Promise<Html | null> {
  if (v.digest.offices.length < 2) return null;
  const names = v.digest.offices.map((office) => officeName(v.labels, office.officeId));
  const svg = await officesChart(v, names);
  return html`<section aria-labelledby="offices">
<h2 id="offices">${v.t('officesSideBySide')}</h2>
${chartWithTable(svg, officesTable(v, names))}
</section>`;
}
