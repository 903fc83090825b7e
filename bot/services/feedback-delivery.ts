// How feedback requests reach partners: the first send of each new request (in
// their Teams chat, or an e-mail with a link to the form on the web), reminders
// to those who have not answered, and closing the requests whose window passed.
import type { AppConfig } from '../config.js';
import type { EmailDelivery } from '../delivery/email-delivery.js';
import type { SendResult, TeamsDelivery } from '../delivery/teams-delivery.js';
import type { FeedbackKind, FeedbackRequest, Instant, Partner } from '../domain/types.js';
import type { RecordReader, RecordStore } from '../store/records.js';
import { segmentContactsOf } from './contacts.js';
import { personalChatOf } from './conversations.js';
import { requestCard, requestEmail, type RequestContext } from './feedback-messages.js';
import { closesAt, closingTime, isEditable, subjectOf, yearOf, type FeedbackSettings } from './feedback-requests.js';
import { issuePartnerLinks } from './partner-links.js';

const DAY_MS = 86_400_000;

export interface FeedbackPorts {
  records: RecordStore;
  config: AppConfig;
  delivery: TeamsDelivery;
  /** null when SMTP_URL is not set. */
  email: EmailDelivery | null;
}

export type DeliveryResult = SendResult | 'unreachable';

export const requestKey = (requestId: string) => `feedback-request:${requestId}`;
export const reminderKey = (requestId: string, n: number) => `feedback-reminder:${requestId}:${n}`;

async function contextOf(records: RecordReader, request: FeedbackRequest, partner: Partner): Promise<RequestContext> {
  return { request, partner, subject: await subjectOf(records, request), contacts: await segmentContactsOf(records, request.officeId, partner.segment) };
}

/** Sends the request (reminder 0) or its n-th reminder: in Teams when the partner has a chat with the bot, else by e-mail. */
async function deliver(ports: FeedbackPorts, request: FeedbackRequest, partner: Partner, reminder: number, now: Date): Promise<DeliveryResult> {
  const { records, config } = ports;
  const key = reminder === 0 ? requestKey(request.id) : reminderKey(request.id, reminder);
  const what = reminder === 0 ? `feedback request ${request.id}` : `feedback reminder ${reminder} for ${request.id}`;
  const conversation = await personalChatOf(records, partner.aadObjectId);
  if (conversation) return ports.delivery.send(key, conversation.id, { card: requestCard(config, await contextOf(records, request, partner), reminder) }, what);
  if (ports.email) {
    // The form's link closes with the request; the my-data link lives links.partnerPageDays.
    const wanted = [
      { kind: 'feedback' as const, ref: request.id, expiresAt: closingTime(request, config.feedback), partnerId: partner.id },
      { kind: 'my-data' as const, ref: partner.id, partnerId: partner.id },
    ];
    const [form, myData] = await records.transaction((tx) => issuePartnerLinks(tx, config, wanted, now));
    const email = requestEmail(config, await contextOf(records, request, partner), reminder, { form, myData });
    return ports.email.send(key, partner.id, { to: partner.email, ...email }, what);
  }
  // Recorded once for the first send, so it is not tried again every run; reminders will try again.
  if (reminder === 0) {
    const lastError = 'unreachable: no Teams chat with the partner and no SMTP configured';
    await records.transaction(async (tx) => {
      if (await tx.get('sends', key)) return;
      await tx.put('sends', { id: key, channel: 'teams', target: partner.id, what, status: 'failed', attempts: 0, lastError, at: now.toISOString() });
    });
  }
  return 'unreachable';
}

/** Whether a request sent at `sentAt` is filed in a year that can still hold open requests at `now` (as the year files were read before). */
function inOpenYears(sentAt: Instant, settings: FeedbackSettings, now: Date): boolean {
  const window = Date.parse(closesAt(now.toISOString(), settings)) - now.getTime();
  return yearOf(sentAt) >= yearOf(new Date(now.getTime() - window - DAY_MS));
}

/** The open requests in the years that can still hold open ones (of `kind`, when given). */
async function openRequests(reader: RecordReader, settings: FeedbackSettings, now: Date, kind?: FeedbackKind): Promise<FeedbackRequest[]> {
  return (await reader.findBy('feedbackRequests', 'status', 'open')).filter((r) => (!kind || r.kind === kind) && inOpenYears(r.sentAt, settings, now));
}

/** Sends the card of every open request of `kind` that has not been sent yet (one attempt each). */
export async function deliverNewRequests(ports: FeedbackPorts, kind: FeedbackKind, now: Date): Promise<Record<DeliveryResult, number>> {
  const { records } = ports;
  const open = await openRequests(records, ports.config.feedback, now, kind);
  const unsent = await Promise.all(open.map(async (r) => ((await records.get('sends', requestKey(r.id))) ? undefined : r)));
  const counts: Record<DeliveryResult, number> = { sent: 0, 'already-sent': 0, failed: 0, unreachable: 0 };
  // All sends are handed to the paced send queue at once; it decides how many run together.
  await Promise.all(
    unsent.map(async (request) => {
      const partner = request && (await records.get('partners', request.partnerId));
      if (request && partner) counts[await deliver(ports, request, partner, 0, now)]++;
    }),
  );
  return counts;
}

/**
 * Closes unanswered requests whose window has passed, then reminds those who
 * have not answered `reminderAfterDays` after the last send, at most
 * `maxReminders` times. An answered request is never reminded.
 */
export async function remindAndClose(ports: FeedbackPorts, now: Date): Promise<{ closed: number; reminded: number }> {
  const { records } = ports;
  const settings = ports.config.feedback;
  const expired = (await openRequests(records, settings, now)).filter((r) => !isEditable(r, settings, now));
  const closed = expired.length === 0 ? 0 : await records.transaction(async (tx) => {
    let count = 0;
    for (const { id } of expired) {
      const request = await tx.get('feedbackRequests', id);
      const year = await tx.yearOf('feedbackRequests', id);
      if (!request || year === undefined || request.status !== 'open' || isEditable(request, settings, now)) continue;
      await tx.putInYear('feedbackRequests', year, { ...request, status: 'closed' });
      count++;
    }
    return count;
  });

  const interval = settings.reminderAfterDays * DAY_MS;
  const due = (await openRequests(records, settings, now))
    .filter((r) => r.remindersSent < settings.maxReminders)
    .filter((r) => now.getTime() - Date.parse(r.lastReminderAt ?? r.sentAt) >= interval);
  let reminded = 0;
  for (const request of due) {
    const partner = await records.get('partners', request.partnerId);
    if (!partner) continue;
    const n = request.remindersSent + 1;
    const result = await deliver(ports, request, partner, n, now);
    if (result !== 'sent' && result !== 'already-sent') continue;
    reminded += await records.transaction(async (tx) => {
      const stored = await tx.get('feedbackRequests', request.id);
      const year = await tx.yearOf('feedbackRequests', request.id);
      if (!stored || year === undefined || stored.remindersSent !== n - 1) return 0;
      await tx.putInYear('feedbackRequests', year, { ...stored, remindersSent: n, lastReminderAt: now.toISOString() });
      return 1;
    });
  }
  return { closed, reminded };
}
