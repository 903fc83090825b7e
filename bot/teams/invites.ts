// Invitations in Teams: the coordinator's per-meeting card (invites.open),
// sending (invites.send, invites.retry) and the partner's RSVP buttons
// (invite.rsvp). Sending runs in the background: the click is answered at
// once with the card showing progress, and the card is kept up to date
// (teams/invite-progress.ts) until the sends are done.
import { z } from 'zod';
import { renderSelfUpdatingCard, type Card } from '../cards.js';
import { pageOf } from '../domain/paging.js';
import type { Locale, Meeting } from '../domain/types.js';
import { inviteCard, meetingTime, RSVP_ANSWERS } from '../services/invite-messages.js';
import { meetingInvitees, recordRsvp, type Invitee } from '../services/invite-answers.js';
import { syncAllPending, syncInvitations } from '../services/invite-sync.js';
import {
  claimNoEmailNotice,
  createInvitations,
  findMeeting,
  invitationContext,
  inviteCandidates,
  inviteChannels,
  isSending,
  staffMeeting,
  type Channel,
  type InviteErrorCode,
  type RsvpAnswer,
  type RsvpErrorCode,
} from '../services/invites.js';
import type { RecordReader, RecordStore } from '../store/records.js';
import { cardViewOf, type CardView } from './card-view.js';
import { cardAction, officeTimeZone, type Feature, type Turn } from './router.js';
import { OFFICE_STAFF } from './roles.js';
import { sendReminders } from '../services/invite-reminders.js';
import { cardData, cardId, page } from './card-data.js';
import { officeOrFirst } from '../domain/office-name.js';

const INVITE_ERRORS: Record<InviteErrorCode, string> = {
  'not-found': 'invites.error.notFound',
  'other-office': 'invites.error.otherOffice',
  cancelled: 'invites.error.cancelled',
  past: 'invites.error.past',
  'unknown-partner': 'invites.error.unknownPartner',
};

const RSVP_ERRORS: Record<RsvpErrorCode, string> = {
  'not-found': 'invite.error.notFound',
  'not-invitee': 'invite.error.notInvitee',
  cancelled: 'invite.error.cancelled',
  past: 'invite.error.past',
};

const TOGGLE_PREFIX = 'invite_';
/** Partners and invitees listed per page: with 1,000+ partners the card must stay under Teams' 28 KB. */
const INVITE_PAGE_SIZE = 20;
/** Failed deliveries named on the card; the rest are counted. */
const FAILED_LISTED = 20;

/** The card a coordinator clicked Send on, kept up to date until its sends are done (in jobState, so it survives a restart). */
export interface ProgressCard {
  conversationId: string;
  /** The id of the message holding the card (the invoke's replyToId). */
  activityId: string;
  locale: Locale;
  userId: string;
}

const progressCardKey = (meetingId: string) => `invites.progressCard.${meetingId}`;

/** An empty value: no card is tracked (job state entries are set, never removed). */
const NO_CARD = '';

export async function progressCardOf(reader: RecordReader, meetingId: string): Promise<ProgressCard | undefined> {
  const value = await reader.jobState(progressCardKey(meetingId));
  return value ? (JSON.parse(value) as ProgressCard) : undefined;
}

export async function forgetProgressCard(records: RecordStore, meetingId: string, card: ProgressCard): Promise<void> {
  await records.transaction(async (tx) => {
    // A newer click may have taken over the tracking meanwhile.
    if ((await tx.jobState(progressCardKey(meetingId))) === JSON.stringify(card)) await tx.setJobState(progressCardKey(meetingId), NO_CARD);
  });
}

async function rememberProgressCard(records: RecordStore, meetingId: string, turn: Turn): Promise<void> {
  const activityId = turn.clickedActivityId;
  if (!activityId) return;
  const card: ProgressCard = { conversationId: turn.conversation.id, activityId, locale: turn.user.locale, userId: turn.teamsUserId };
  const value = JSON.stringify(card);
  await records.transaction(async (tx) => {
    if ((await tx.jobState(progressCardKey(meetingId))) !== value) await tx.setJobState(progressCardKey(meetingId), value);
  });
}

/** An Input.Toggle's value as Teams sends it: the card's valueOn or valueOff. */
const toggle = z.enum(['true', 'false']);
/** The manage card's buttons: the meeting and the page shown. */
const manageData = cardData({ meetingId: cardId, page });
type ManageData = z.infer<typeof manageData>;
/** Send also carries the card's toggles: `inviteAll`, and `invite_<partnerId>` per partner shown. */
const sendData = z.object({ meetingId: cardId, page, inviteAll: toggle.optional() }).catchall(toggle);

export const invitesFeature: Feature = {
  cardActions: [
    cardAction('invites.open', OFFICE_STAFF, manageData, async (turn, data) => {
      const meeting = await ownMeeting(turn, data.meetingId);
      return typeof meeting === 'string' ? meeting : manageCard(cardViewOf(turn), meeting, { page: data.page });
    }),
    cardAction('invites.send', OFFICE_STAFF, sendData, sendInvites),
    cardAction('invites.retry', OFFICE_STAFF, manageData, retryFailed),
    cardAction('invite.rsvp', ['partner'], cardData({ invitationId: cardId, response: z.enum(RSVP_ANSWERS) }), answerInvite),
  ],
  jobs: (deps) => [
    // Catches up meeting changes made while down and retries failed invitation sends.
    { name: 'invites.sync', cron: '*/5 * * * *', timeZone: officeTimeZone(deps), runAtStart: true, run: (now, signal) => syncAllPending(deps, now, signal) },
    { name: 'invites.reminders', cron: '*/15 * * * *', timeZone: officeTimeZone(deps), runAtStart: true, run: (now) => sendReminders(deps, now) },
  ],
};

/** The card's meeting if the clicker handles its office (the service's rule), else why not. */
async function ownMeeting(turn: Turn, meetingId: string): Promise<Meeting | string> {
  const found = await staffMeeting(turn.deps.records, meetingId, turn.user);
  return found.ok ? found.meeting : turn.t(INVITE_ERRORS[found.code]);
}

async function sendInvites(turn: Turn, data: z.infer<typeof sendData>): Promise<Card | string> {
  const meeting = await ownMeeting(turn, data.meetingId);
  if (typeof meeting === 'string') return meeting;
  const view = cardViewOf(turn);
  const { page } = data;
  const selection = Object.fromEntries(
    Object.entries(data)
      .filter(([key]) => key.startsWith(TOGGLE_PREFIX))
      .map(([key, value]) => [key.slice(TOGGLE_PREFIX.length), value === 'true']),
  );
  const now = turn.deps.clock();
  const everyone = data.inviteAll === 'true';
  const selected = everyone ? (await inviteCandidates(turn.deps.records, meeting)).map((p) => p.id) : Object.keys(selection).filter((id) => selection[id]);
  const created = await createInvitations(turn.deps, meeting.id, selected, meeting.officeId, now);
  if (!created.ok) return manageCard(view, meeting, { results: [turn.t(INVITE_ERRORS[created.code])], selection, page });
  const started = await startSending(turn, meeting, created.created.length > 0);
  const current = (await findMeeting(turn.deps.records, meeting.id))?.meeting ?? meeting;
  return manageCard(view, current, { results: started ? await reachLines(turn, current, now) : [turn.t('invites.result.nothing')], page });
}

/** Sends again what failed (and anything else not delivered); the Retry failed button. */
async function retryFailed(turn: Turn, data: ManageData): Promise<Card | string> {
  const meeting = await ownMeeting(turn, data.meetingId);
  if (typeof meeting === 'string') return meeting;
  const started = await startSending(turn, meeting, false);
  return manageCard(cardViewOf(turn), meeting, { results: started ? [] : [turn.t('invites.result.nothing')], page: data.page });
}

/**
 * Starts delivering the meeting's invitations in the background and keeps the
 * clicked card up to date. A click while a run is going joins it, unless it
 * invited someone new (then one more run follows, for them). False when there
 * is nothing to send.
 */
async function startSending(turn: Turn, meeting: Meeting, invitedNew: boolean): Promise<boolean> {
  const { deps } = turn;
  const running = isSending(deps.records, meeting.id);
  const pending = (await meetingInvitees(deps.records, meeting.id)).some((i) => i.delivery !== 'sent');
  if (!running && !pending) return false;
  await rememberProgressCard(deps.records, meeting.id, turn);
  if (running && !invitedNew) return true;
  deps.background.start(`sending the invitations of meeting ${meeting.id}`, () => syncInvitations(deps, meeting.id, deps.clock()));
  return true;
}

/** Who cannot be reached at all, and (once per office) that e-mail is not set up. */
async function reachLines(turn: Turn, meeting: Meeting, now: Date): Promise<string[]> {
  const unreachable = [];
  for (const invitee of await meetingInvitees(turn.deps.records, meeting.id)) {
    if (invitee.delivery !== 'sent' && invitee.partner && (await inviteChannels(turn.deps, invitee.partner)).channels.length === 0) unreachable.push(invitee.partner);
  }
  if (unreachable.length === 0) return [];
  const lines = [turn.t('invites.result.unreachable', { names: unreachable.map((p) => `${p.name} (${p.organisation})`).join(', ') })];
  if (!turn.deps.email && (await claimNoEmailNotice(turn.deps.records, meeting.officeId, now))) lines.push(turn.t('invites.result.noSmtp'));
  return lines;
}

function channelList(view: CardView, channels: Channel[]): string {
  return channels.map((c) => view.t(`invites.reach.${c}`)).join(', ') || '–';
}

async function deliveryLabel(view: CardView, invitee: Invitee): Promise<string> {
  if (invitee.delivery === 'sent') return view.t('invites.delivery.sent', { channels: channelList(view, invitee.channels) });
  if (invitee.delivery === 'failed') return view.t('invites.delivery.failed', { reason: invitee.error ?? '' });
  const channels = invitee.partner ? (await inviteChannels(view.deps, invitee.partner)).channels : [];
  return channels.length > 0
    ? view.t('invites.delivery.pending', { channels: channelList(view, channels) })
    : view.t('invites.delivery.unreachable');
}

/** "120 / 200 invitations sent, 2 failed", with the plural form the language needs. */
function progressLine(view: CardView, invitees: Invitee[]): string {
  const total = invitees.length;
  const sent = invitees.filter((i) => i.delivery === 'sent').length;
  const failed = invitees.filter((i) => i.delivery === 'failed').length;
  return view.t('invites.progress', { sent, total, failed });
}

async function inviteeLine(view: CardView, invitee: Invitee): Promise<string> {
  return view.t('invites.inviteeLine', {
    name: invitee.partner?.name ?? view.t('invites.partnerRemoved'),
    organisation: invitee.partner?.organisation ?? '–',
    answer: view.t(`invites.rsvp.${invitee.invitation.rsvp}`),
    delivery: await deliveryLabel(view, invitee),
  });
}

async function inviteeLines(view: CardView, invitees: Invitee[]): Promise<string[]> {
  const lines: string[] = [];
  for (const invitee of invitees) lines.push(await inviteeLine(view, invitee));
  return lines;
}

/**
 * The coordinator's card for one meeting: the sending progress, the failed
 * deliveries, partners still to invite (toggles, preselected unless
 * `selection` says otherwise) and the invitees with their answers and
 * delivery state, both lists a page at a time.
 */
export async function manageCard(
  view: CardView,
  meeting: Meeting,
  /** `page`: the page the card asked for, as sent (clamped to one that exists). */
  options: { results?: string[]; selection?: Record<string, boolean>; page?: unknown } = {},
): Promise<Card> {
  const { t, deps } = view;
  const now = deps.clock();
  const selection = options.selection ?? {};
  const office = officeOrFirst(deps.config.offices, meeting.officeId);
  const invitees = await meetingInvitees(deps.records, meeting.id);
  const invited = new Set(invitees.map((i) => i.invitation.partnerId));
  const open = meeting.status === 'scheduled' && Date.parse(meeting.startsAt) > now.getTime();
  const allCandidates = open ? (await inviteCandidates(deps.records, meeting)).filter((p) => !invited.has(p.id)) : [];
  // Both lists page together: the page count is the longer list's.
  const page = pageOf(Math.max(allCandidates.length, invitees.length), options.page, INVITE_PAGE_SIZE);
  const onPage = <T>(items: T[]) => items.slice(page.start, page.end);
  const candidates = [];
  for (const p of onPage(allCandidates)) {
    const { channels } = await inviteChannels(deps, p);
    const reach = channels.length > 0 ? channelList(view, channels) : t('invites.reach.none');
    candidates.push({ id: p.id, line: t('invites.partnerLine', { name: p.name, organisation: p.organisation, reach }), value: String(selection[p.id] ?? true) });
  }
  const sending = isSending(deps.records, meeting.id);
  const failed = invitees.filter((i) => i.delivery === 'failed');
  const count = (rsvp: string) => invitees.filter((i) => i.invitation.rsvp === rsvp).length;
  const channelCount = (channel: Channel) => invitees.filter((i) => i.delivery === 'sent' && i.channels.includes(channel)).length;
  return renderSelfUpdatingCard(view, 'invite-manage', sending, {
    title: t('invites.title', { subTheme: meeting.subTheme }),
    when: meetingTime(meeting, office.timeZone, view.locale),
    progress: invitees.length > 0 ? progressLine(view, invitees) : '',
    progressState: sending
      ? t('invites.progress.running')
      : t('invites.result.sent', { teams: channelCount('teams'), email: channelCount('email') }),
    results: options.results ?? [],
    status: meeting.status === 'cancelled' ? t('invites.meetingCancelled') : open ? '' : t('invites.meetingPast'),
    failedHeading: t('invites.failed.heading', { count: failed.length }),
    failed: [
      ...(await inviteeLines(view, failed.slice(0, FAILED_LISTED))),
      ...(failed.length > FAILED_LISTED ? [t('invites.failed.more', { count: failed.length - FAILED_LISTED })] : []),
    ],
    canSend: open,
    canRetry: open && !sending && failed.length > 0,
    candidatesHeading: t('invites.candidates'),
    noCandidates: t('invites.candidates.none'),
    selectAll: allCandidates.length > INVITE_PAGE_SIZE ? t('invites.selectAll', { count: allCandidates.length }) : '',
    candidates,
    inviteesHeading: t('invites.invitees'),
    counts: t('invites.counts', {
      accepted: count('accepted'),
      tentative: count('tentative'),
      declined: count('declined'),
      needsAction: count('needs-action'),
    }),
    noInvitees: t('invites.invitees.none'),
    invitees: await inviteeLines(view, onPage(invitees)),
    pageLine: page.count > 1 ? t('invites.page', { page: page.index + 1, pages: page.count }) : '',
    meetingId: meeting.id,
    page: String(page.index),
    hasPrevious: page.index > 0,
    previousPage: String(page.index - 1),
    hasNext: page.index + 1 < page.count,
    nextPage: String(page.index + 1),
    sendLabel: t('invites.button.send'),
    retryLabel: t('invites.button.retryFailed'),
    previousLabel: t('invites.button.previous'),
    nextLabel: t('invites.button.next'),
    refreshLabel: t('invites.button.refresh'),
    meetingsLabel: t('invites.button.meetings'),
  });
}

/** A partner's RSVP button: saves the answer and shows the invite with it. */
async function answerInvite(turn: Turn, data: { invitationId: string; response: RsvpAnswer }): Promise<Card | string> {
  const { invitationId, response } = data;
  const partnerId = turn.user.partner?.id;
  if (!partnerId) return turn.t(RSVP_ERRORS['not-invitee']);
  const now = turn.deps.clock();
  const result = await recordRsvp(turn.deps.records, invitationId, partnerId, response, now);
  if (!result.ok) return turn.t(RSVP_ERRORS[result.code]);
  const ctx = await invitationContext(turn.deps, invitationId);
  return ctx ? inviteCard(ctx, 'request', turn.user.locale, now) : turn.t(RSVP_ERRORS['not-found']);
}
