// The digest in Teams: `digest [period]` on demand, `subscribe digest` and
// `unsubscribe digest` for the current conversation, and the digest card
// (also used by the scheduled delivery, see bot/scheduler/jobs.ts).
import { CardFactory } from 'botbuilder';
import { DateTime } from 'luxon';
import { renderCard, type Card } from '../cards.js';
import type { AppConfig } from '../config.js';
import { officeName as officeNameIn } from '../domain/office-name.js';
import type { Digest, DigestMetric, DigestProposal, DigestRow, TrafficLight } from '../domain/digest.js';
import { clipText } from '../domain/format.js';
import { lastCompletedPeriod, periodContaining, periodKey } from '../domain/periods.js';
import type { Locale } from '../domain/types.js';
import { translator, type Translate } from '../i18n.js';
import {
  buildDigestFor,
  digestLinks,
  subscribeDigest,
  undeliveredDigest,
  unsubscribeDigest,
  type DigestLinks,
  type DigestPorts,
} from '../services/digest.js';
import { audited } from './audit.js';
import type { Routes, Turn } from './router.js';

const CARD_METRICS = ['responseRate', 'averageRating', 'positiveShare', 'criticalShare'] as const satisfies readonly DigestMetric[];
const RATING_METRICS = new Set<DigestMetric>(['averageRating', 'positiveShare', 'criticalShare']);
const EMOJI: Record<TrafficLight, string> = { green: '🟢', yellow: '🟡', red: '🔴', none: '⚪' };
const DATE: Record<Locale, string> = { fi: 'd.M.yyyy', sv: 'd.M.yyyy', en: 'd LLL yyyy' };
const TIME: Record<Locale, string> = { fi: "d.M.yyyy 'klo' HH.mm", sv: "d.M.yyyy 'kl.' HH.mm", en: 'd LLL yyyy HH:mm' };
/** Proposals shown on the card; the rest are in the full digest. */
const CARD_PROPOSALS = 5;

function formats(locale: Locale, t: Translate) {
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  const rating = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 2 });
  const points = new Intl.NumberFormat(locale, { maximumFractionDigits: 0, signDisplay: 'exceptZero' });
  const ratingChange = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, signDisplay: 'exceptZero' });
  return {
    value: (m: DigestMetric, v: number) => (m === 'averageRating' ? rating.format(v) : percent.format(v)),
    change: (m: DigestMetric, v: number) => {
      const arrow = v > 0 ? '▲' : v < 0 ? '▼' : '±';
      return m === 'averageRating' ? `${arrow} ${ratingChange.format(v)}` : `${arrow} ${points.format(v * 100)} ${t('digest.label.percentagePoints')}`;
    },
  };
}

/** "86 % (6/7) · ▲ +43 pp · 🟢 Good": the light is an emoji and a word, never colour alone. */
function metricText(row: DigestRow, m: DigestMetric, t: Translate, f: ReturnType<typeof formats>): string {
  const value = row.metrics[m];
  if (value === null && RATING_METRICS.has(m) && row.suppressed) return t('digest.label.hidden');
  const parts = [value === null ? '–' : f.value(m, value)];
  if (m === 'responseRate') parts[0] += ` (${row.respondents}/${row.targetGroupSize})`;
  const change = row.change[m];
  if (change !== null) parts.push(f.change(m, change));
  parts.push(`${EMOJI[row.lights[m]]} ${t(`digest.label.light.${row.lights[m]}`)}`);
  return parts.join(' · ');
}

const NEEDS_DECISION = new Set<DigestProposal['status']>(['received', 'under-review']);

/** The digest as a compact card: per office the key shares with trends and lights, national proposals awaiting a decision, links to the full digest. */
export function digestCard(locale: Locale, config: AppConfig, digest: Digest, links: DigestLinks, notices: string[] = []): Card {
  const t = translator(locale);
  const f = formats(locale, t);
  const date = (iso: string, format = DATE[locale]) => DateTime.fromISO(iso, { zone: digest.timeZone }).setLocale(locale).toFormat(format);
  const lastDay = DateTime.fromISO(digest.end, { zone: digest.timeZone }).minus({ days: 1 }).toISO() ?? digest.end;
  const officeName = new Map(config.offices.map((o) => [o.id, officeNameIn(o, locale)]));
  const segmentName = new Map(config.segments.map((s) => [s.id, s.name[locale]]));
  const waiting = digest.nationalProposals.filter((p) => NEEDS_DECISION.has(p.status));
  return renderCard('digest-summary', {
    title: `${t('digest.label.title')} ${digest.periodKey}`,
    dates: `${t('digest.label.period')}: ${date(digest.start)} – ${date(lastDay)}`,
    soFar: Date.parse(digest.generatedAt) < Date.parse(digest.end) ? t('digest.card.soFar', { time: date(digest.generatedAt, TIME[locale]) }) : '',
    notices,
    offices: digest.offices.map((office) => ({
      name: officeName.get(office.officeId) ?? office.officeId,
      summary: t('digest.card.officeSummary', {
        answers: office.total.feedbackCount,
        held: office.total.meetingsHeld,
        planned: office.total.meetingsPlanned,
      }),
      facts: CARD_METRICS.map((m) => ({ title: t(`digest.label.${m}`), value: metricText(office.total, m, t, f) })),
      note: office.total.suppressed ? t('digest.label.suppressed', { minimum: digest.anonymityMinimum }) : '',
    })),
    proposalsTitle: `${t('digest.label.nationalProposals')} (${waiting.length})`,
    // Texts cut on the card; the full digest has them whole.
    proposals: waiting.slice(0, CARD_PROPOSALS).map((p) => ({
      text: clipText(p.text, 300),
      meta: [officeName.get(p.officeId) ?? p.officeId, p.segment && (segmentName.get(p.segment) ?? p.segment), t(`digest.label.status.${p.status}`), `${t('digest.label.receivedOn')} ${date(p.createdAt)}`]
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

/** The card of the scheduled delivery (see DigestPorts). */
export const digestCardPort =
  (config: AppConfig): DigestPorts['card'] =>
  (digest, locale, links) =>
    digestCard(locale, config, digest, links);

/** A line about digest sends that failed and wait for the next run, if any. */
function undeliveredNotice(turn: Turn, now: Date): string[] {
  const { periodKey: key, recipients } = undeliveredDigest(turn.deps.store, turn.deps.config, now);
  if (recipients.length === 0) return [];
  const where = recipients.map((r) => turn.t(`digest.recipient.${r.kind}`, { address: r.target })).join(', ');
  return [turn.t('digest.card.undelivered', { period: key, count: recipients.length, where })];
}

/** Examples of valid keys near now: the last completed quarter, month and week. */
function keyExamples(config: AppConfig, now: Date): string {
  const at = now.toISOString();
  return (['quarter', 'month', 'week'] as const)
    .map((kind) => `"digest ${periodKey(lastCompletedPeriod(at, kind, config.digest.timeZone))}"`)
    .join(', ');
}

async function showDigest(turn: Turn, args: string): Promise<void> {
  const { deps, t, user } = turn;
  const now = deps.clock();
  const text = args.trim();
  const result = buildDigestFor(deps.store, deps.config, text === '' ? 'current' : text.toUpperCase(), now);
  if (!result.ok) {
    const current = periodKey(periodContaining(now.toISOString(), deps.config.digest.period, deps.config.digest.timeZone));
    const message =
      result.code === 'bad-period'
        ? t('digest.error.badPeriod', { text: text.slice(0, 40), examples: keyExamples(deps.config, now) })
        : t('digest.error.futurePeriod', { period: text.toUpperCase(), current });
    await turn.context.sendActivity(message);
    return;
  }
  const links = await digestLinks(deps.store, deps.config, result.digest.periodKey, user.locale, now);
  const card = digestCard(user.locale, deps.config, result.digest, links, undeliveredNotice(turn, now));
  await turn.context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
}

export function registerDigest(routes: Routes): void {
  routes.command('digest', showDigest);

  routes.command('subscribe', async (turn) => {
    const { deps, t, user, conversation } = turn;
    const by = user.identity.aadObjectId ?? user.identity.email ?? '';
    const result = await subscribeDigest(deps.store, { conversationRecordId: conversation.id, by, locale: user.locale }, deps.clock());
    if (result === 'subscribed') await audited(turn, 'subscription.add', { ref: conversation.id }, { topic: 'digest', where: conversation.kind });
    const where = t(`digest.where.${conversation.kind}`);
    await turn.context.sendActivity(
      result === 'subscribed'
        ? t('digest.subscribed', { where, cadence: t(`digest.cadence.${deps.config.digest.period}`) })
        : t('digest.alreadySubscribed', { where }),
    );
  });

  routes.command('unsubscribe', async (turn) => {
    const { deps, t, conversation } = turn;
    const removed = await unsubscribeDigest(deps.store, conversation.id);
    if (removed) await audited(turn, 'subscription.remove', { ref: conversation.id }, { topic: 'digest', where: conversation.kind });
    const where = t(`digest.where.${conversation.kind}`);
    await turn.context.sendActivity(t(removed ? 'digest.unsubscribed' : 'digest.notSubscribed', { where }));
  });
}
