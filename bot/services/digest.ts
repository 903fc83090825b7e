// The national digest as a use case: gathers a period's records from the
// store, serves the digest as HTML and CSV downloads, keeps the digest
// subscriptions, and delivers the last completed period to every subscribed
// conversation and configured e-mail address exactly once (idempotency keys
// `digest:<period>:<subscription id>` and `digest:<period>:email:<address>`).
import { randomBytes } from 'node:crypto';
import type { AppConfig } from '../config.js';
import type { EmailDelivery } from '../delivery/email-delivery.js';
import type { TeamsDelivery } from '../delivery/teams-delivery.js';
import { buildDigest, countedPeriods, type Digest, type DigestInput } from '../domain/digest.js';
import {
  lastCompletedPeriod,
  parsePeriodKey,
  periodBounds,
  periodContaining,
  periodKey,
  type Period,
} from '../domain/periods.js';
import type { Locale, Partner } from '../domain/types.js';
import { localeFrom } from '../i18n.js';
import type { RecordReader, RecordStore } from '../store/records.js';
import type { ConversationKind, DownloadLink, Subscription } from '../store/store.js';
import { isSent, sendOf } from '../delivery/send-log.js';
import { subscribe, unsubscribe, type SubscribeResult } from './subscriptions.js';
import { defaultDigestLocale, digestCard, digestEmail, digestFile } from './digest-messages.js';
import type { FileDownload } from './downloads.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Everything buildDigest needs for `period`, read by time range over the
 * counted periods (this one and the ones its history and trend compare, from
 * the oldest one's start to this one's end): the feedback submitted, the
 * meetings starting and the feedback requests sent in them, and the
 * invitations to those meetings; the office feedback given in the period
 * itself; the offices' proposals of every year, since an old one may still be
 * open; the offices' partner counts per segment (the target groups, one
 * aggregate query) and, of their partners, only those the records refer to.
 */
export async function digestInput(reader: RecordReader, config: AppConfig, period: Period, now: Date): Promise<DigestInput> {
  const zone = config.digest.timeZone;
  const earliest = countedPeriods(period).at(-1) ?? period;
  const from = periodBounds(earliest, zone).start;
  const { start, end: to } = periodBounds(period, zone);
  const meetings = await reader.meetingsStarting(from, to);
  // Ad-hoc feedback has no request to answer: counting it would inflate the response rate.
  const feedbackRequests = (await reader.requestsSent(from, to)).filter((r) => r.kind !== 'adhoc');
  const input: DigestInput = {
    period,
    timeZone: zone,
    now: now.toISOString(),
    offices: config.offices,
    segments: config.segments.map((s) => s.id),
    targetGroups: await reader.partnerCounts(config.offices.map((o) => o.id)),
    partners: [],
    meetings,
    invitations: await reader.findByAny('invitations', 'meetingId', meetings.map((m) => m.id)),
    feedbackRequests,
    feedback: await reader.feedbackSubmitted(from, to),
    proposals: [],
    officeFeedback: await reader.officeFeedbackGiven(start, to),
    thresholds: config.thresholds,
    anonymityMinimum: config.feedback.anonymityMinimum,
  };
  for (const office of config.offices) {
    for (const proposal of await reader.findBy('proposals', 'officeId', office.id)) input.proposals.push(proposal);
  }
  await addRequestedMeetings(reader, input);
  await addProposalFeedback(reader, input);
  input.partners = await referredPartners(reader, input);
  return input;
}

/**
 * The partners of the digest's offices that its invitations, feedback and
 * proposals name: whose segment an invitation counts in, who counts as a
 * respondent of their office and segment, and whom a proposal is by.
 */
async function referredPartners(reader: RecordReader, input: DigestInput): Promise<Partner[]> {
  const ids = new Set<string>();
  for (const invitation of input.invitations) ids.add(invitation.partnerId);
  for (const feedback of input.feedback) ids.add(feedback.partnerId);
  for (const proposal of input.proposals) ids.add(proposal.authorPartnerId);
  const offices = new Set(input.offices.map((o) => o.id));
  return (await reader.getMany('partners', [...ids])).filter((p) => offices.has(p.officeId));
}

/**
 * An asked round is named by its meeting's sub-theme: a request sent in the
 * counted periods about a meeting that started before them gets its meeting
 * looked up by id (outside the periods it is not counted, only named).
 */
async function addRequestedMeetings(reader: RecordReader, input: DigestInput): Promise<void> {
  const known = new Set(input.meetings.map((m) => m.id));
  for (const request of input.feedbackRequests) {
    if (request.meetingId === undefined || known.has(request.meetingId)) continue;
    const meeting = await reader.get('meetings', request.meetingId);
    if (meeting) input.meetings.push(meeting);
    known.add(request.meetingId);
  }
}

/**
 * A proposal made from anonymous feedback stays anonymous in the digest: the
 * feedback of proposals from before the counted periods is looked up by id
 * (outside the periods it is not counted, only consulted for that).
 */
async function addProposalFeedback(reader: RecordReader, input: DigestInput): Promise<void> {
  const known = new Set(input.feedback.map((f) => f.id));
  for (const proposal of input.proposals) {
    if (proposal.anonymous || known.has(proposal.feedbackId)) continue;
    const feedback = await reader.get('feedback', proposal.feedbackId);
    if (feedback) input.feedback.push(feedback);
    known.add(proposal.feedbackId);
  }
}

export type DigestResult = { ok: true; digest: Digest } | { ok: false; code: 'bad-period' | 'future-period' | 'unknown-office' };

/**
 * The digest of a period key ("2027-Q1", "2027-03", "2027-W05") or of the
 * running period so far ('current'); with `officeId`, of that office alone
 * (its figures and its national proposals).
 */
export async function buildDigestFor(reader: RecordReader, config: AppConfig, key: string, now: Date, officeId?: string): Promise<DigestResult> {
  const period = key === 'current' ? periodContaining(now.toISOString(), config.digest.period, config.digest.timeZone) : parsePeriodKey(key);
  if (!period) return { ok: false, code: 'bad-period' };
  if (Date.parse(periodBounds(period, config.digest.timeZone).start) > now.getTime()) return { ok: false, code: 'future-period' };
  if (officeId !== undefined && !config.offices.some((o) => o.id === officeId)) return { ok: false, code: 'unknown-office' };
  const input = await digestInput(reader, config, period, now);
  if (officeId !== undefined) input.offices = input.offices.filter((o) => o.id === officeId);
  return { ok: true, digest: buildDigest(input) };
}

/** What a digest link refers to: a period key, and an office id when the digest is of one office. */
const digestRef = (key: string, officeId?: string) => (officeId === undefined ? key : `${key}/${officeId}`);
function parseDigestRef(ref: string): { key: string; officeId?: string } {
  const [key, officeId] = ref.split('/', 2);
  return officeId === undefined ? { key } : { key, officeId };
}

/** What a digest link serves (built when fetched, in the ?lang= language); null when unknown or expired. */
export async function resolveDigestDownload(reader: RecordReader, config: AppConfig, token: string, now: Date, lang?: string): Promise<FileDownload | null> {
  const link = await reader.get('links', token);
  if (!link || !link.kind.startsWith('digest-') || Date.parse(link.expiresAt) <= now.getTime()) return null;
  const { key, officeId } = parseDigestRef(link.ref);
  const result = await buildDigestFor(reader, config, key, now, officeId);
  if (!result.ok) return null;
  return digestFile(config, result.digest, link.kind === 'digest-html' ? 'html' : 'csv', localeFrom(lang) ?? defaultDigestLocale(config), officeId);
}

export interface DigestLinks {
  html: string;
  csv: string;
}

const LINK_KINDS = { html: 'digest-html', csv: 'digest-csv' } as const;

/**
 * The download URLs of a period's digest (of one office with `officeId`), in
 * `locale` (?lang=). Each period has one link per format, reused while
 * unexpired; expired digest links are dropped when a new one is made.
 */
export async function digestLinks(records: RecordStore, config: AppConfig, period: string, locale: Locale, now: Date, officeId?: string): Promise<DigestLinks> {
  const ref = digestRef(period, officeId);
  const live = (l: DownloadLink) => Date.parse(l.expiresAt) > now.getTime();
  const valid = (links: readonly DownloadLink[], kind: DownloadLink['kind']) => links.find((l) => l.kind === kind && live(l));
  const existing = await records.findBy('links', 'ref', ref);
  const html = valid(existing, LINK_KINDS.html)?.id;
  const csv = valid(existing, LINK_KINDS.csv)?.id;
  const tokens =
    html && csv
      ? { html, csv }
      : await records.transaction(async (tx): Promise<DigestLinks> => {
          for (const kind of Object.values(LINK_KINDS)) {
            for (const link of await tx.findBy('links', 'kind', kind)) if (!live(link)) await tx.remove('links', link.id);
          }
          const current = await tx.findBy('links', 'ref', ref);
          const tokenFor = async (kind: DownloadLink['kind']) => {
            const found = valid(current, kind);
            if (found) return found.id;
            const expiresAt = new Date(now.getTime() + config.links.expireAfterDays * DAY_MS).toISOString();
            const link: DownloadLink = { id: randomBytes(24).toString('base64url'), kind, ref, expiresAt };
            await tx.put('links', link);
            return link.id;
          };
          return { html: await tokenFor(LINK_KINDS.html), csv: await tokenFor(LINK_KINDS.csv) };
        });
  const url = (token: string) => `${config.publicBaseUrl}/files/${token}?lang=${locale}`;
  return { html: url(tokens.html), csv: url(tokens.csv) };
}

// ---------------------------------------------------------------- subscriptions

export function subscribeDigest(
  records: RecordStore,
  subscriber: { conversationRecordId: string; by: string; locale: Locale },
  now: Date,
): Promise<SubscribeResult> {
  return subscribe(records, { topic: 'digest', ...subscriber, at: now.toISOString() });
}

/** Ends the digest subscription of a conversation; false when it had none. */
export function unsubscribeDigest(records: RecordStore, conversationRecordId: string): Promise<boolean> {
  return unsubscribe(records, 'digest', conversationRecordId);
}

// ---------------------------------------------------------------- delivery

export interface DigestPorts {
  config: AppConfig;
  records: RecordStore;
  delivery: Pick<TeamsDelivery, 'send'>;
  /** null when SMTP is not set: then no e-mails. */
  email: EmailDelivery | null;
  log: (line: string) => void;
}

export interface DigestDeliveryReport {
  periodKey: string;
  sent: number;
  failed: number;
}

const teamsKey = (key: string, subscription: Subscription) => `digest:${key}:${subscription.id}`;
const emailKey = (key: string, address: string) => `digest:${key}:email:${address}`;

const digestSubscriptions = (reader: RecordReader) => reader.findBy('subscriptions', 'topic', 'digest');
const digestEmails = (config: AppConfig) => [...new Set(config.digest.emails)];
const LAST_DELIVERED = 'digest.lastDelivered';

/** The items for which `keep` holds, in order (asked one after another). */
async function filterAsync<T>(items: readonly T[], keep: (item: T) => Promise<boolean>): Promise<T[]> {
  const kept: T[] = [];
  for (const item of items) if (await keep(item)) kept.push(item);
  return kept;
}

/**
 * Delivers the last completed period to every subscription and e-mail
 * address that has not got it yet ('failed': only to those whose send
 * failed, so a retry never surprises a new subscriber mid-period). A failed
 * send stays unsent, so a later run tries it again; when everyone has it,
 * jobState['digest.lastDelivered'] records the period.
 */
export async function deliverDigest(ports: DigestPorts, now: Date, only: 'unsent' | 'failed' = 'unsent'): Promise<DigestDeliveryReport> {
  const { config, records, delivery, email, log } = ports;
  const key = periodKey(lastCompletedPeriod(now.toISOString(), config.digest.period, config.digest.timeZone));
  const pending = async (id: string) => (only === 'failed' ? (await sendOf(records, id))?.status === 'failed' : !(await isSent(records, id)));
  const subscriptions = await filterAsync(await digestSubscriptions(records), (s) => pending(teamsKey(key, s)));
  const addresses = email ? await filterAsync(digestEmails(config), (a) => pending(emailKey(key, a))) : [];
  const report: DigestDeliveryReport = { periodKey: key, sent: 0, failed: 0 };
  const count = (ok: boolean) => (ok ? report.sent++ : report.failed++);

  if (subscriptions.length > 0 || addresses.length > 0) {
    const result = await buildDigestFor(records, config, key, now);
    if (!result.ok) throw new Error(`The last completed period ${key} has no digest (${result.code})`);
    // All sends are handed to the paced send queue at once; it decides how many run together.
    const sends: Promise<void>[] = [];
    for (const subscription of subscriptions) {
      const locale = subscription.locale ?? defaultDigestLocale(config);
      const links = await digestLinks(records, config, key, locale, now);
      const card = digestCard(locale, config, result.digest, links);
      sends.push(delivery.send(teamsKey(key, subscription), subscription.conversationRecordId, { card }, `digest ${key}`).then((r) => void count(r !== 'failed')));
    }
    if (email && addresses.length > 0) {
      const message = await digestEmail(config, result.digest);
      for (const address of addresses) {
        sends.push(email.send(emailKey(key, address), address, { ...message, to: address }, message.subject).then((r) => void count(r !== 'failed')));
      }
    }
    await Promise.all(sends);
  }

  if (report.failed > 0) log(`digest ${key}: ${report.failed} send(s) failed and will be retried on the next run`);
  const unsent = (id: string) => isSent(records, id).then((sent) => !sent);
  const everyone =
    (await filterAsync(await digestSubscriptions(records), (s) => unsent(teamsKey(key, s)))).length === 0 &&
    (await filterAsync(email ? digestEmails(config) : [], (a) => unsent(emailKey(key, a)))).length === 0;
  if (everyone && (await records.jobState(LAST_DELIVERED)) !== key) {
    await records.transaction((tx) => tx.setJobState(LAST_DELIVERED, key));
  }
  return report;
}

export interface UndeliveredDigest {
  periodKey: string;
  /** Where it has not arrived: a conversation kind ('unknown' when the conversation is gone), or 'email' with the address. */
  recipients: { kind: ConversationKind | 'email' | 'unknown'; target: string; lastError?: string }[];
}

/** Sends of the last completed period that failed and still wait for the next run. */
export async function undeliveredDigest(reader: RecordReader, config: AppConfig, now: Date): Promise<UndeliveredDigest> {
  const key = periodKey(lastCompletedPeriod(now.toISOString(), config.digest.period, config.digest.timeZone));
  const failed = async (id: string) => {
    const send = await sendOf(reader, id);
    return send?.status === 'failed' ? send : undefined;
  };
  const recipients: UndeliveredDigest['recipients'] = [];
  for (const subscription of await digestSubscriptions(reader)) {
    const send = await failed(teamsKey(key, subscription));
    if (!send) continue;
    const kind = (await reader.get('conversations', subscription.conversationRecordId))?.kind ?? 'unknown';
    recipients.push({ kind, target: subscription.conversationRecordId, lastError: send.lastError });
  }
  for (const address of digestEmails(config)) {
    const send = await failed(emailKey(key, address));
    if (send) recipients.push({ kind: 'email', target: address, lastError: send.lastError });
  }
  return { periodKey: key, recipients };
}
