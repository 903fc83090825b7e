// The digest as its readers get it: labels in their language, the Teams card
// (of the `digest` command and the scheduled delivery), the e-mail to the
// national addresses, and the HTML and CSV files behind the digest links.
//
// The card: per office the key figures with trends and lights, a line chart
// of the last periods and the split of this period's answers; all offices side
// by side; national proposals awaiting a decision. Teams draws the Chart.*
// elements (card version 1.5); a client without them shows each chart's
// fallback text, which carries the same figures.
import { DateTime } from 'luxon';
import { renderCard, type Card } from '../cards.js';
import type { AppConfig } from '../config.js';
import type { Digest, DigestMetric, DigestProposal, DigestRow, OfficeDigest, TrafficLight } from '../domain/digest.js';
import { DIGEST_LABEL_KEYS, digestToCsv, digestToHtml } from '../domain/digest-render.js';
import { clipText } from '../domain/format.js';
import { officeName, officeOrFirst, officeSender } from '../domain/office-name.js';
import type { Locale } from '../domain/types.js';
import { translator, type Translate } from '../i18n.js';
import type { DigestLinks } from './digest.js';
import type { FileDownload } from './downloads.js';

const defaultOffice = (config: AppConfig) => officeOrFirst(config.offices, config.defaultOffice);

/** The language of digests that have no reader's language: e-mails and links without ?lang=. */
export function defaultDigestLocale(config: AppConfig): Locale {
  return defaultOffice(config).locale;
}

/** Translated labels for digestToHtml / digestToCsv, office and segment names included. */
export function digestLabels(config: AppConfig, locale: Locale): Record<string, string> {
  const t = translator(locale);
  const labels: Record<string, string> = { locale };
  for (const key of DIGEST_LABEL_KEYS) if (key !== 'locale') labels[key] = t(`digest.label.${key}`);
  for (const office of config.offices) labels[`office.${office.id}`] = officeName(office, locale);
  for (const segment of config.segments) labels[`segment.${segment.id}`] = segment.name[locale];
  return labels;
}

const CARD_METRICS = ['responseRate', 'averageRating', 'positiveShare', 'criticalShare'] as const satisfies readonly DigestMetric[];
const COMPARED_METRICS = ['responseRate', 'positiveShare', 'criticalShare', 'averageRating'] as const satisfies readonly DigestMetric[];
const RATING_METRICS = new Set<DigestMetric>(['averageRating', 'positiveShare', 'criticalShare']);
const EMOJI: Record<TrafficLight, string> = { green: '🟢', yellow: '🟡', red: '🔴', none: '⚪' };
const DATE: Record<Locale, string> = { fi: 'd.M.yyyy', sv: 'd.M.yyyy', en: 'd LLL yyyy' };
const TIME: Record<Locale, string> = { fi: "d.M.yyyy 'klo' HH.mm", sv: "d.M.yyyy 'kl.' HH.mm", en: 'd LLL yyyy HH:mm' };
/** Proposals shown on the card; the rest are in the full digest. */
const CARD_PROPOSALS = 5;
/** Meetings and survey rounds with their own rate on the card, the latest ones; the full digest has all. */
const CARD_ROUNDS = 5;
/**
 * Offices shown one by one with their figures and charts. With more, the card
 * keeps to the side-by-side table and chart so it stays within what Teams takes;
 * `digest <period> <office>` opens one office.
 */
export const CARD_OFFICE_SECTIONS = 4;
/** Chart values are whole percentages: Teams prints them as they are. */
const percentPoints = (share: number) => Math.round(share * 100);

function formats(locale: Locale, t: Translate) {
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const rating = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  const points = new Intl.NumberFormat(locale, { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
  const ratingChange = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, signDisplay: 'exceptZero' });
  const value = (m: DigestMetric, v: number) => (m === 'averageRating' ? rating.format(v) : percent.format(v));
  return {
    value,
    /** A value, or "–" when there is none. */
    orDash: (m: DigestMetric, v: number | null) => (v === null ? '–' : value(m, v)),
    change: (m: DigestMetric, v: number) => {
      const arrow = v > 0 ? '▲' : v < 0 ? '▼' : '±';
      return m === 'averageRating' ? `${arrow} ${ratingChange.format(v)}` : `${arrow} ${points.format(v * 100)} ${t('digest.label.percentagePoints')}`;
    },
  };
}
type Formats = ReturnType<typeof formats>;

/** "86 % (6/7) · ▲ +43 pp · 🟢 Good": the light is an emoji and a word, never colour alone. */
function metricText(row: DigestRow, m: DigestMetric, t: Translate, f: Formats): string {
  const value = row.metrics[m];
  if (value === null && RATING_METRICS.has(m) && row.suppressed) return t('digest.label.hidden');
  const parts = [f.orDash(m, value)];
  if (m === 'responseRate') parts[0] += ` (${row.respondents}/${row.targetGroupSize})`;
  const change = row.change[m];
  if (change !== null) parts.push(f.change(m, change));
  parts.push(`${EMOJI[row.lights[m]]} ${t(`digest.label.light.${row.lights[m]}`)}`);
  return parts.join(' · ');
}

/** The value and light of one office in the side-by-side table: "63 % 🟡". */
function comparedText(row: DigestRow, m: DigestMetric, t: Translate, f: Formats): string {
  const value = row.metrics[m];
  if (value === null && RATING_METRICS.has(m) && row.suppressed) return t('digest.label.hidden');
  return `${f.orDash(m, value)} ${EMOJI[row.lights[m]]}`;
}

const NEEDS_DECISION = new Set<DigestProposal['status']>(['received', 'under-review']);

interface Names {
  office: (id: string) => string;
  segment: (id: string) => string;
}

/** Response rate and positive share of the office total over the last periods, as Chart.Line series and as text. */
function trend(office: OfficeDigest, t: Translate, f: Formats) {
  const series = (['responseRate', 'positiveShare'] as const).map((m) => ({
    legend: t(`digest.label.${m}`),
    // A period without a figure has no point: Teams draws no 0 % for it.
    values: office.history.flatMap((p) => (p[m] === null ? [] : [{ x: p.periodKey, y: percentPoints(p[m]) }])),
    text: `${t(`digest.label.${m}`)}: ${office.history.map((p) => `${p.periodKey} ${f.orDash(m, p[m])}`).join(', ')}`,
  }));
  return {
    trendTitle: t('digest.label.trend', { count: office.history.length }),
    trendData: series.filter((s) => s.values.length > 0).map(({ legend, values }) => ({ legend, values })),
    trendText: series.map((s) => s.text).join('\n'),
  };
}

/** This period's answers split positive / neutral / critical, as Chart.Donut data and as text; none when hidden or empty. */
function split(row: DigestRow, t: Translate) {
  const counts = row.split;
  const labels = { positiveLabel: t('digest.label.positiveShare'), neutralLabel: t('digest.label.neutral'), criticalLabel: t('digest.label.criticalShare') };
  return {
    hasSplit: counts !== null,
    splitTitle: t('digest.label.answerSplit'),
    splitData: counts
      ? [
          { legend: labels.positiveLabel, value: counts.positive, color: 'good' },
          { legend: labels.neutralLabel, value: counts.neutral, color: 'neutral' },
          { legend: labels.criticalLabel, value: counts.critical, color: 'attention' },
        ]
      : [],
    splitText: counts ? t('digest.card.splitText', { ...labels, ...counts }) : '',
  };
}

/** The rates over the people actually asked: per segment that was asked, and per meeting or survey round. */
function askedRates(office: OfficeDigest, t: Translate, f: Formats, names: Names, date: (iso: string) => string) {
  const segments = office.segments
    .filter((row) => row.metrics.responseRate !== null)
    .map((row) => `${names.segment(row.segment as string)} ${f.orDash('responseRate', row.metrics.responseRate)} (${row.respondents}/${row.targetGroupSize})`);
  const rounds = office.rounds.slice(-CARD_ROUNDS).map((round) => {
    const what = round.kind === 'meeting' ? `${t('digest.label.meeting')} ${round.subTheme ?? ''}` : `${t('digest.label.survey')} ${round.segments.map(names.segment).join(', ')}`;
    return `${what.trim()} ${date(round.firstSentAt)} ${round.answered}/${round.asked} (${f.value('responseRate', round.rate)})`;
  });
  return {
    bySegment: segments.length > 0 ? t('digest.card.bySegment', { rates: segments.join(' · ') }) : '',
    rounds: rounds.length > 0 ? t('digest.card.rounds', { rounds: rounds.join(' · ') }) : '',
  };
}

/** All offices in one table and one grouped bar chart; none for a digest of one office. */
function comparison(digest: Digest, t: Translate, f: Formats, names: Names) {
  if (digest.offices.length < 2) return { compare: false, compareTitle: '', compareData: [], compareRows: [] };
  const header = [t('digest.label.office'), ...COMPARED_METRICS.map((m) => t(`digest.label.${m}`)), t('digest.label.openNationalProposals')];
  const rows = digest.offices.map((office) => [
    names.office(office.officeId),
    ...COMPARED_METRICS.map((m) => comparedText(office.total, m, t, f)),
    String(office.openNationalProposals),
  ]);
  const charted = ['responseRate', 'positiveShare', 'criticalShare'] as const;
  return {
    compare: true,
    compareTitle: t('digest.label.officesSideBySide'),
    // A series without figures (a quiet period) is left out: a chart with no values is invalid.
    compareData: charted
      .map((m) => ({
        legend: t(`digest.label.${m}`),
        values: digest.offices.flatMap((office) => {
          const value = office.total.metrics[m];
          return value === null ? [] : [{ x: names.office(office.officeId), y: percentPoints(value) }];
        }),
      }))
      .filter((series) => series.values.length > 0),
    compareRows: [header, ...rows].map((cells) => ({ cells })),
  };
}

/** The digest as a card, in `locale`. */
export function digestCard(locale: Locale, config: AppConfig, digest: Digest, links: DigestLinks, notices: string[] = []): Card {
  const t = translator(locale);
  const f = formats(locale, t);
  const date = (iso: string, format = DATE[locale]) => DateTime.fromISO(iso, { zone: digest.timeZone }).setLocale(locale).toFormat(format);
  const lastDay = DateTime.fromISO(digest.end, { zone: digest.timeZone }).minus({ days: 1 }).toISO() ?? digest.end;
  const officeNames = new Map(config.offices.map((o) => [o.id, officeName(o, locale)]));
  const segmentNames = new Map(config.segments.map((s) => [s.id, s.name[locale]]));
  const names: Names = { office: (id) => officeNames.get(id) ?? id, segment: (id) => segmentNames.get(id) ?? id };
  const waiting = digest.nationalProposals.filter((p) => NEEDS_DECISION.has(p.status));
  return renderCard('digest-summary', {
    title: `${t('digest.label.title')} ${digest.periodKey}`,
    dates: `${t('digest.label.period')}: ${date(digest.start)} – ${date(lastDay)}`,
    soFar: Date.parse(digest.generatedAt) < Date.parse(digest.end) ? t('digest.card.soFar', { time: date(digest.generatedAt, TIME[locale]) }) : '',
    notices,
    ...comparison(digest, t, f, names),
    officesOmitted:
      digest.offices.length > CARD_OFFICE_SECTIONS ? t('digest.card.officesOmitted', { example: `digest ${digest.periodKey} ${digest.offices[0].officeId}` }) : '',
    offices: (digest.offices.length > CARD_OFFICE_SECTIONS ? [] : digest.offices).map((office) => ({
      name: names.office(office.officeId),
      summary: t('digest.card.officeSummary', {
        answers: office.total.feedbackCount,
        held: office.total.meetingsHeld,
        planned: office.total.meetingsPlanned,
      }),
      facts: CARD_METRICS.map((m) => ({
        title: t(m === 'responseRate' ? 'digest.label.responseRateRegister' : `digest.label.${m}`),
        value: metricText(office.total, m, t, f),
      })),
      ...askedRates(office, t, f, names, date),
      ...trend(office, t, f),
      ...split(office.total, t),
      note: office.total.suppressed ? t('digest.label.suppressed', { minimum: digest.anonymityMinimum }) : '',
    })),
    proposalsTitle: `${t('digest.label.nationalProposals')} (${waiting.length})`,
    // Texts cut on the card; the full digest has them whole.
    proposals: waiting.slice(0, CARD_PROPOSALS).map((p) => ({
      text: clipText(p.text, 300),
      meta: [names.office(p.officeId), p.segment && names.segment(p.segment), t(`digest.label.status.${p.status}`), `${t('digest.label.receivedOn')} ${date(p.createdAt)}`]
        .filter(Boolean)
        .join(' · '),
      justification: p.justification ? `${t('digest.label.justification')}: ${clipText(p.justification, 200)}` : '',
    })),
    proposalsNone: waiting.length === 0 ? t('digest.label.none') : '',
    proposalsMore: waiting.length > CARD_PROPOSALS ? t('digest.card.moreProposals', { shown: CARD_PROPOSALS, count: waiting.length }) : '',
    htmlTitle: t('digest.card.openHtml'),
    htmlUrl: links.html,
    csvTitle: t('digest.card.downloadCsv'),
    csvUrl: links.csv,
  });
}

/** The e-mail to the national addresses, in the default office's language, with the CSV attached. */
export async function digestEmail(config: AppConfig, digest: Digest) {
  const locale = defaultDigestLocale(config);
  const t = translator(locale);
  const labels = digestLabels(config, locale);
  return {
    // The digest covers every office; it comes from the default one.
    sender: officeSender(defaultOffice(config), locale),
    subject: t('digest.email.subject', { period: digest.periodKey }),
    text: t('digest.email.text', { period: digest.periodKey }),
    html: await digestToHtml(digest, labels),
    attachments: [{ filename: `sidos-digest-${digest.periodKey}.csv`, content: digestToCsv(digest, labels), contentType: 'text/csv; charset=utf-8' }],
  };
}

/** The digest as a file: HTML (shown in the browser) or CSV, named after its period (and office). */
export async function digestFile(config: AppConfig, digest: Digest, format: 'html' | 'csv', locale: Locale, officeId?: string): Promise<FileDownload> {
  const labels = digestLabels(config, locale);
  const fileName = ['sidos-digest', digest.periodKey, officeId].filter(Boolean).join('-');
  return format === 'html'
    ? { contentType: 'text/html; charset=utf-8', fileName: `${fileName}.html`, body: await digestToHtml(digest, labels), inline: true }
    : { contentType: 'text/csv; charset=utf-8', fileName: `${fileName}.csv`, body: digestToCsv(digest, labels) };
}
