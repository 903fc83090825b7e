// Invitations in Teams: the coordinator's per-meeting card (invites.open),
// sending (invites.send) and the partner's RSVP buttons (invite.rsvp).
import { renderCard, type Card } from '../cards.js';
import type { Meeting } from '../domain/types.js';
import { inviteCard, meetingTime, RSVP_ANSWERS } from '../services/invite-messages.js';
import {
  claimNoEmailNotice,
  createInvitations,
  findMeeting,
  invitationContext,
  inviteCandidates,
  inviteChannels,
  meetingInvitees,
  recordRsvp,
  syncInvitations,
  type Channel,
  type Invitee,
  type InviteErrorCode,
  type RsvpErrorCode,
  type SyncSummary,
} from '../services/invites.js';
import type { Routes, Turn } from './router.js';

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

export function registerInvites(routes: Routes): void {
  routes.cardAction('invites.open', ['coordinator', 'admin'], async (turn, data) => {
    const meeting = ownMeeting(turn, data);
    return typeof meeting === 'string' ? meeting : manageCard(turn, meeting, []);
  });
  routes.cardAction('invites.send', ['coordinator', 'admin'], sendInvites);
  routes.cardAction('invite.rsvp', ['partner'], answerInvite);
}

/** The meeting of the card, if this coordinator may handle it (admins: any office). */
function ownMeeting(turn: Turn, data: Record<string, unknown>): Meeting | string {
  const found = typeof data.meetingId === 'string' ? findMeeting(turn.deps.store, data.meetingId) : undefined;
  if (!found) return turn.t(INVITE_ERRORS['not-found']);
  if (turn.user.role !== 'admin' && found.meeting.officeId !== turn.user.officeId) return turn.t(INVITE_ERRORS['other-office']);
  return found.meeting;
}

async function sendInvites(turn: Turn, data: Record<string, unknown>): Promise<Card | string> {
  const meeting = ownMeeting(turn, data);
  if (typeof meeting === 'string') return meeting;
  const selection = Object.fromEntries(
    Object.entries(data)
      .filter(([key]) => key.startsWith(TOGGLE_PREFIX))
      .map(([key, value]) => [key.slice(TOGGLE_PREFIX.length), value === 'true' || value === true]),
  );
  const selected = Object.keys(selection).filter((id) => selection[id]);
  const now = turn.deps.clock();
  const created = await createInvitations(turn.deps, meeting.id, selected, meeting.officeId, now);
  if (!created.ok) return manageCard(turn, meeting, [turn.t(INVITE_ERRORS[created.code])], selection);
  const summary = await syncInvitations(turn.deps, meeting.id, now);
  const results = await resultLines(turn, meeting, summary, now);
  return manageCard(turn, findMeeting(turn.deps.store, meeting.id)?.meeting ?? meeting, results);
}

async function resultLines(turn: Turn, meeting: Meeting, summary: SyncSummary, now: Date): Promise<string[]> {
  const { t } = turn;
  const lines: string[] = [];
  if (summary.sent.teams + summary.sent.email > 0) lines.push(t('invites.result.sent', summary.sent));
  for (const failure of summary.failed) lines.push(t('invites.result.failed', { name: failure.partner.name, reason: failure.reason }));
  if (summary.unreachable.length > 0) {
    lines.push(t('invites.result.unreachable', { names: summary.unreachable.map((p) => `${p.name} (${p.organisation})`).join(', ') }));
    if (!turn.deps.email && (await claimNoEmailNotice(turn.deps.store, meeting.officeId, now))) lines.push(t('invites.result.noSmtp'));
  }
  return lines.length > 0 ? lines : [t('invites.result.nothing')];
}

function channelList(turn: Turn, channels: Channel[]): string {
  return channels.map((c) => turn.t(`invites.reach.${c}`)).join(', ') || '–';
}

function deliveryLabel(turn: Turn, invitee: Invitee): string {
  if (invitee.delivery === 'sent') return turn.t('invites.delivery.sent', { channels: channelList(turn, invitee.channels) });
  if (invitee.delivery === 'failed') return turn.t('invites.delivery.failed', { reason: invitee.error ?? '' });
  const channels = invitee.partner ? inviteChannels(turn.deps, invitee.partner).channels : [];
  return channels.length > 0
    ? turn.t('invites.delivery.pending', { channels: channelList(turn, channels) })
    : turn.t('invites.delivery.unreachable');
}

/**
 * The coordinator's card for one meeting: partners still to invite (toggles,
 * preselected unless `selection` says otherwise) with how they can be
 * reached, and the invitees with their answers and delivery state.
 */
function manageCard(turn: Turn, meeting: Meeting, results: string[], selection: Record<string, boolean> = {}): Card {
  const { t, deps } = turn;
  const now = deps.clock();
  const office = deps.config.offices.find((o) => o.id === meeting.officeId) ?? deps.config.offices[0];
  const invitees = meetingInvitees(deps.store, meeting.id);
  const invited = new Set(invitees.map((i) => i.invitation.partnerId));
  const open = meeting.status === 'scheduled' && Date.parse(meeting.startsAt) > now.getTime();
  const candidates = open
    ? inviteCandidates(deps.store, meeting)
        .filter((p) => !invited.has(p.id))
        .map((p) => {
          const { channels } = inviteChannels(deps, p);
          const reach = channels.length > 0 ? channelList(turn, channels) : t('invites.reach.none');
          return {
            id: p.id,
            line: t('invites.partnerLine', { name: p.name, organisation: p.organisation, reach }),
            value: String(selection[p.id] ?? true),
          };
        })
    : [];
  const count = (rsvp: string) => invitees.filter((i) => i.invitation.rsvp === rsvp).length;
  return renderCard('invite-manage', {
    title: t('invites.title', { subTheme: meeting.subTheme }),
    when: meetingTime(meeting, office.timeZone, turn.user.locale),
    results,
    status: meeting.status === 'cancelled' ? t('invites.meetingCancelled') : open ? '' : t('invites.meetingPast'),
    canSend: open,
    candidatesHeading: t('invites.candidates'),
    noCandidates: t('invites.candidates.none'),
    candidates,
    inviteesHeading: t('invites.invitees'),
    counts: t('invites.counts', {
      accepted: count('accepted'),
      tentative: count('tentative'),
      declined: count('declined'),
      needsAction: count('needs-action'),
    }),
    noInvitees: t('invites.invitees.none'),
    invitees: invitees.map((i) =>
      t('invites.inviteeLine', {
        name: i.partner?.name ?? t('invites.partnerRemoved'),
        organisation: i.partner?.organisation ?? '–',
        answer: t(`invites.rsvp.${i.invitation.rsvp}`),
        delivery: deliveryLabel(turn, i),
      }),
    ),
    meetingId: meeting.id,
    sendLabel: t('invites.button.send'),
    refreshLabel: t('invites.button.refresh'),
    meetingsLabel: t('invites.button.meetings'),
  });
}

/** A partner's RSVP button: saves the answer and shows the invite with it. */
async function answerInvite(turn: Turn, data: Record<string, unknown>): Promise<Card | string> {
  const invitationId = typeof data.invitationId === 'string' ? data.invitationId : '';
  const response = RSVP_ANSWERS.find((r) => r === data.response);
  if (!invitationId || !response) return turn.t('error.cardOutdated');
  const partnerId = turn.user.partner?.id;
  if (!partnerId) return turn.t(RSVP_ERRORS['not-invitee']);
  const now = turn.deps.clock();
  const result = await recordRsvp(turn.deps.store, invitationId, partnerId, response, now);
  if (!result.ok) return turn.t(RSVP_ERRORS[result.code]);
  const ctx = invitationContext(turn.deps, invitationId);
  return ctx ? inviteCard(ctx, 'request', turn.user.locale, now) : turn.t(RSVP_ERRORS['not-found']);
}
