// The digest in Teams: `digest [period] [office]` on demand, `subscribe
// digest` and `unsubscribe digest` for the current conversation. The card is
// built in services/digest-messages.ts (also used by the scheduled delivery).
import type { AppConfig } from '../config.js';
import { officeName } from '../domain/office-name.js';
import { lastCompletedPeriod, parsePeriodKey, periodContaining, periodKey } from '../domain/periods.js';
import { LOCALES, type Locale } from '../domain/types.js';
import { buildDigestFor, deliverDigest, digestLinks, subscribeDigest, undeliveredDigest, unsubscribeDigest } from '../services/digest.js';
import { digestCard } from '../services/digest-messages.js';
import { audited } from './audit.js';
import type { Feature, Reply, Turn } from './router.js';

/** A line about digest sends that failed and wait for the next run, if any. */
async function undeliveredNotice(turn: Turn, now: Date): Promise<string[]> {
  const { periodKey: key, recipients } = await undeliveredDigest(turn.deps.records, turn.deps.config, now);
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

/** The office named by its id or its name in any language, ignoring case. */
function findOffice(config: AppConfig, text: string): string | undefined {
  const wanted = text.toLocaleLowerCase();
  return config.offices.find((o) => o.id.toLowerCase() === wanted || LOCALES.some((l: Locale) => officeName(o, l).toLocaleLowerCase() === wanted))?.id;
}

/** "", "2027-Q1", "2027-Q1 uusimaa" or "uusimaa": an office alone stands for the running period. */
function digestArgs(config: AppConfig, args: string): { key: string; periodText: string; officeText: string } {
  const text = args.trim();
  const [first = '', ...rest] = text.split(/\s+/);
  if (first === '') return { key: 'current', periodText: '', officeText: '' };
  if (parsePeriodKey(first.toUpperCase()) || rest.length > 0 || !findOffice(config, text)) {
    return { key: first.toUpperCase(), periodText: first, officeText: rest.join(' ') };
  }
  return { key: 'current', periodText: '', officeText: text };
}

async function showDigest(turn: Turn, args: string): Promise<Reply> {
  const { deps, t, user } = turn;
  const { config } = deps;
  const now = deps.clock();
  const { key, periodText, officeText } = digestArgs(config, args);
  const officeId = officeText === '' ? undefined : (findOffice(config, officeText) ?? officeText);
  const result = await buildDigestFor(deps.records, config, key, now, officeId);
  if (!result.ok) {
    const current = periodKey(periodContaining(now.toISOString(), config.digest.period, config.digest.timeZone));
    const message = {
      'bad-period': () => t('digest.error.badPeriod', { text: periodText.slice(0, 40), examples: keyExamples(config, now) }),
      'future-period': () => t('digest.error.futurePeriod', { period: key, current }),
      'unknown-office': () =>
        t('digest.card.officeNotFound', { text: officeText.slice(0, 60), offices: config.offices.map((o) => `${o.id} (${officeName(o, user.locale)})`).join(', ') }),
    }[result.code]();
    return message;
  }
  const links = await digestLinks(deps.records, config, result.digest.periodKey, user.locale, now, officeId);
  const card = digestCard(user.locale, config, result.digest, links, await undeliveredNotice(turn, now));
  return card;
}

export const digestFeature: Feature = {
  commands: [
    {
      name: 'digest',
      words: 'digest',
      roles: ['national', 'admin'],
      menu: ['personal', 'team', 'groupChat'],
      handle: showDigest,
    },
    {
      name: 'subscribe',
      words: 'subscribe digest',
      roles: ['national', 'admin'],
      menu: ['personal', 'team', 'groupChat'],
      handle: async (turn) => {
        const { deps, t, user, conversation } = turn;
        const by = user.identity.aadObjectId ?? user.identity.email ?? '';
        const result = await subscribeDigest(deps.records, { conversationRecordId: conversation.id, by, locale: user.locale }, deps.clock());
        if (result === 'subscribed') await audited(turn, 'subscription.add', { ref: conversation.id }, { topic: 'digest', where: conversation.kind });
        const where = t(`digest.where.${conversation.kind}`);
        return (
          result === 'subscribed'
            ? t('digest.subscribed', { where, cadence: t(`digest.cadence.${deps.config.digest.period}`) })
            : t('digest.alreadySubscribed', { where })
        );
      },
    },
    {
      name: 'unsubscribe',
      words: 'unsubscribe digest',
      roles: ['national', 'admin'],
      menu: ['team', 'groupChat'],
      handle: async (turn) => {
        const { deps, t, conversation } = turn;
        const removed = await unsubscribeDigest(deps.records, conversation.id);
        if (removed) await audited(turn, 'subscription.remove', { ref: conversation.id }, { topic: 'digest', where: conversation.kind });
        const where = t(`digest.where.${conversation.kind}`);
        return t(removed ? 'digest.unsubscribed' : 'digest.notSubscribed', { where });
      },
    },
  ],
  jobs: (deps) => {
    const { cron, timeZone } = deps.config.digest;
    return [
      // At start-up it delivers the last completed period if someone has not got it yet (missed while down, or failed).
      // Several instances started together: the scheduler's lease covers the whole run, deciding that the period is
      // due and sending it, rather than a job-state write in the deciding transaction. deliverDigest decides per
      // subscriber from the send records, which only exist once sends are claimed; under the lease one instance
      // decides and sends while the others skip, one coming after it finds the period sent, and the send claims
      // still keep each digest to one send should a lease lapse mid-run.
      { name: 'digest.deliver', cron, timeZone, runAtStart: true, run: async (now) => void (await deliverDigest(deps, now)) },
      // Retries failed digest sends soon instead of at the next scheduled delivery.
      { name: 'digest.retry', cron: '*/15 * * * *', timeZone, runAtStart: false, run: async (now) => void (await deliverDigest(deps, now, 'failed')) },
    ];
  },
};
