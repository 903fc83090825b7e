// The digest's charts as inline SVG, drawn on the server by Vega-Lite and
// Vega's SVG renderer (no browser, no script in the output). Each SVG is an
// image with a <title> and a <desc> that say what it shows; the page puts the
// chart's figures in a table beside it. Texts reach the SVG as chart data,
// which Vega escapes; the title and description are escaped here.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { html, Html } from './html.js';

export interface ChartText {
  /** Unique on the page: ids inside the SVG are prefixed with it. */
  id: string;
  title: string;
  description: string;
  /** The BCP 47 tag of the page: number formats follow it. */
  locale: string;
}

/** Vega number formats by page language; English is Vega's default. */
const NUMBER_LOCALES: Record<string, vega.NumberLocale> = {
  fi: { decimal: ',', thousands: '\u00a0', grouping: [3], currency: ['', '\u00a0€'], percent: '\u00a0%' },
  sv: { decimal: ',', thousands: '\u00a0', grouping: [3], currency: ['', '\u00a0€'], percent: '\u00a0%' },
};

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
// No ARIA of Vega's own on marks, axes and legends: the whole SVG is one image described by its title and desc.
const CONFIG = { font: FONT, view: { stroke: null }, aria: false, mark: { aria: false }, axis: { aria: false }, legend: { aria: false } } as const;

async function renderSvg(spec: TopLevelSpec, text: ChartText): Promise<Html> {
  const locale = NUMBER_LOCALES[text.locale];
  const view = new vega.View(vega.parse(compile({ ...spec, config: CONFIG } as TopLevelSpec).spec), {
    renderer: 'none',
    // Vega takes locale definitions here (vega-view); its typings wrongly ask for built formatters.
    ...(locale ? { locale: { number: locale } as unknown as vega.LocaleFormatters } : {}),
  });
  try {
    const svg = (await view.toSVG())
      // Several SVGs share the page: keep Vega's clip-path ids apart.
      .replace(/(id="|url\(#)(clip\d+)/g, `$1${text.id}-$2`);
    const label = html`<title id="${text.id}-title">${text.title}</title><desc id="${text.id}-desc">${text.description}</desc>`;
    const root = html` role="img" aria-labelledby="${text.id}-title ${text.id}-desc"`;
    return new Html(svg.replace(/^<svg([^>]*)>/, (_whole, attributes: string) => `<svg${attributes}${root.text}>${label.text}`));
  } finally {
    view.finalize();
  }
}

const percentAxis = { format: '.0%', title: null, grid: true, tickCount: 5 } as const;

export interface TrendRow {
  period: string;
  series: string;
  value: number | null;
}

/** Lines over the periods, one per series (in the order given, so colours match the comparison chart); a period without a figure breaks the line instead of dropping to 0. */
export function trendChart(rows: TrendRow[], periods: string[], series: string[], text: ChartText): Promise<Html> {
  return renderSvg(
    {
      width: 420,
      height: 180,
      data: { values: rows },
      mark: { type: 'line', point: true, invalid: 'break-paths-show-domains' },
      encoding: {
        x: { field: 'period', type: 'ordinal', sort: periods, title: null, axis: { labelAngle: -40 } },
        y: { field: 'value', type: 'quantitative', scale: { domain: [0, 1] }, axis: percentAxis },
        color: { field: 'series', type: 'nominal', sort: series, title: null, legend: { orient: 'bottom' } },
      },
    },
    text,
  );
}

export interface SplitRow {
  label: string;
  count: number;
}

/** One bar split into positive / neutral / critical answers, in that order and in green, grey and red. */
export function splitChart(rows: SplitRow[], text: ChartText): Promise<Html> {
  const labels = rows.map((r) => r.label);
  return renderSvg(
    {
      width: 420,
      height: 36,
      data: { values: rows.map((r, order) => ({ ...r, order })) },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'count', type: 'quantitative', stack: 'zero', title: null, axis: { tickMinStep: 1, format: 'd' } },
        color: { field: 'label', type: 'nominal', title: null, sort: labels, scale: { domain: labels, range: ['#1e7b34', '#8c959f', '#c62828'] }, legend: { orient: 'bottom' } },
        order: { field: 'order' },
      },
    },
    text,
  );
}

export interface ComparisonRow {
  office: string;
  metric: string;
  value: number;
}

/** Offices side by side: a group of bars per office, one bar per metric. */
export function comparisonChart(rows: ComparisonRow[], offices: string[], metrics: string[], text: ChartText): Promise<Html> {
  return renderSvg(
    {
      // Room for each office's name under its group of bars.
      width: Math.max(300, 180 * offices.length),
      height: 200,
      data: { values: rows },
      mark: { type: 'bar' },
      encoding: {
        x: { field: 'office', type: 'nominal', sort: offices, title: null, axis: { labelAngle: 0, labelLimit: 0 } },
        xOffset: { field: 'metric', type: 'nominal', sort: metrics },
        y: { field: 'value', type: 'quantitative', scale: { domain: [0, 1] }, axis: percentAxis },
        color: { field: 'metric', type: 'nominal', sort: metrics, title: null, legend: { orient: 'bottom' } },
      },
    },
    text,
  );
}
