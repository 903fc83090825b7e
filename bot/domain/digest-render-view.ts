// What every part of the digest page shares: the digest, its labels and the
// number and date formats of the labels' locale; and the figure cell with its
// traffic light, previous value and change.
import { DateTime } from 'luxon';
import type { Digest, DigestMetric, DigestRow, TrafficLight } from './digest.js';
import { translator, type Labels, type Translate } from './digest-render-labels.js';
import { html, type Html } from './html.js';

const SHAPES: Record<TrafficLight, string> = { green: '●', yellow: '▲', red: '■', none: '○' };
const RATES = new Set<DigestMetric>(['responseRate', 'attendanceRate', 'positiveShare', 'criticalShare']);
const RATING_METRICS = new Set<DigestMetric>(['averageRating', 'positiveShare', 'criticalShare']);

export interface View {
  digest: Digest;
  labels: Labels;
  t: Translate;
  metric: (m: DigestMetric, value: number) => string;
  change: (m: DigestMetric, value: number) => string;
  date: (iso: string) => string;
}

export function view(digest: Digest, labels: Labels): View {
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

export function metricCell(v: View, row: DigestRow, m: DigestMetric, detail?: string): Html {
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

/** A figure, or a dash where there is none. */
export const orDash = (v: View, m: DigestMetric, value: number | null) => (value === null ? '–' : v.metric(m, value));
