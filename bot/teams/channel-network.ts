// The channel network in Teams: `subscribe meetings` / `subscribe news` (and
// unsubscribe) in a team channel by the office's coordinators, the job that
// posts each meeting to such channels, and RSVP from the meeting's channel card
// (built in services/channel-messages.ts). The channel card is the same
// for everyone; an answer from it is private: the one who clicked gets a
// message only they see, and their personal invitation (with the calendar file
// and their answer) in their chat with Sidos.
import { z } from 'zod';
import { postMeetingsToChannels, subscribeChannel, unsubscribeChannel, type ChannelTopic } from '../services/channel-network.js';
import { RSVP_ANSWERS } from '../services/invite-messages.js';
import { recordRsvp } from '../services/invite-answers.js';
import { syncInvitations } from '../services/invite-sync.js';
import { createInvitations, findMeeting, type InviteErrorCode, type RsvpAnswer } from '../services/invites.js';
import { audited } from './audit.js';
import { officeName } from './partners-common.js';
import { cardAction, officeTimeZone, type Feature, type Turn } from './router.js';
import { OFFICE_STAFF } from './roles.js';
import { cardData, cardId } from './card-data.js';
import { officeOrFirst } from '../domain/office-name.js';

/** Why a partner's answer from a channel card was not recorded, by the invitation service's code. */
const RSVP_REFUSALS: Record<InviteErrorCode, string> = {
  'not-found': 'error.cardOutdated',
  'other-office': 'channel.rsvp.otherSegment',
  'unknown-partner': 'channel.rsvp.otherSegment',
  cancelled: 'invite.error.cancelled',
  past: 'invite.error.past',
};

/** RSVP from a channel card: answered privately, counted as the partner's invitation answer. */
async function channelRsvp(turn: Turn, data: { meetingId: string; response: RsvpAnswer }): Promise<string> {
  const { t, user, deps } = turn;
  const { response } = data;
  const found = await findMeeting(deps.records, data.meetingId);
  if (!found) return t('error.cardOutdated');
  const { meeting } = found;
  // The channel's card is seen by staff too: they are told whom it is for rather than "not allowed".
  if (user.role !== 'partner') return t('channel.rsvp.staff');
  const partner = user.partner;
  const office = officeOrFirst(deps.config.offices, meeting.officeId);
  if (!partner) return t('channel.rsvp.notRegistered', { office: officeName(turn, office.id), email: office.email });
  const now = deps.clock();
  // The service invites only the meeting office's partners in its segments, and only while the meeting is ahead.
  const created = await createInvitations(deps, meeting.id, [partner.id], partner.officeId, now);
  if (!created.ok) return t(RSVP_REFUSALS[created.code]);
  const invitationId = (await deps.records.findBy('invitations', 'meetingId', meeting.id)).find((i) => i.partnerId === partner.id)?.id;
  if (!invitationId) return t('error.cardOutdated');
  const answered = await recordRsvp(deps.records, invitationId, partner.id, response, now);
  if (!answered.ok) return t('error.cardOutdated');
  // The personal invitation (calendar file, the answer shown) follows in the partner's own chat or e-mail.
  deps.background.start(`sending the invitations of meeting ${meeting.id}`, () => syncInvitations(deps, meeting.id, deps.clock()));
  return t('channel.rsvp.saved', { answer: t(`invite.answer.${response}`), subTheme: meeting.subTheme });
}


function subscription(topic: ChannelTopic, subscribe: boolean) {
  return async (turn: Turn) => {
    const { t, deps, user, conversation } = turn;
    if (conversation.kind !== 'channel') return t('channel.onlyInChannel');
    const office = officeName(turn, user.officeId);
    if (!subscribe) {
      const removed = await unsubscribeChannel(deps.records, topic, conversation.id);
      if (removed) await audited(turn, 'channel.unsubscribe', { ref: conversation.id }, { topic, office: user.officeId });
      return t(removed ? `channel.unsubscribed.${topic}` : `channel.notSubscribed.${topic}`, { office });
    }
    const by = user.identity.aadObjectId ?? user.identity.email ?? '';
    const result = await subscribeChannel(deps.records, topic, { conversationRecordId: conversation.id, officeId: user.officeId, by, locale: user.locale }, deps.clock());
    if (result === 'subscribed') await audited(turn, 'channel.subscribe', { ref: conversation.id }, { topic, office: user.officeId });
    return t(result === 'subscribed' ? `channel.subscribed.${topic}` : `channel.alreadySubscribed.${topic}`, { office });
  };
}

export const channelNetworkFeature: Feature = {
  commands: [
    {
      name: 'subscribeMeetings',
      words: 'subscribe meetings',
      roles: OFFICE_STAFF,
      menu: ['team', 'groupChat'],
      handle: subscription('meetings', true),
    },
    {
      name: 'subscribeNews',
      words: 'subscribe news',
      roles: OFFICE_STAFF,
      menu: ['team', 'groupChat'],
      handle: subscription('news', true),
    },
    {
      name: 'unsubscribeMeetings',
      words: 'unsubscribe meetings',
      roles: OFFICE_STAFF,
      handle: subscription('meetings', false),
    },
    {
      name: 'unsubscribeNews',
      words: 'unsubscribe news',
      roles: OFFICE_STAFF,
      handle: subscription('news', false),
    },
  ],
  cardActions: [
    cardAction('channel.rsvp', ['partner', ...OFFICE_STAFF, 'national'], cardData({ meetingId: cardId, response: z.enum(RSVP_ANSWERS) }), channelRsvp),
  ],
  jobs: (deps) => [
    // Posts new meetings, their changes and cancellations once to the office's channels subscribed to meetings.
    {
      name: 'channels.meetings',
      cron: '*/5 * * * *',
      timeZone: officeTimeZone(deps),
      runAtStart: true,
      run: (now, signal) => postMeetingsToChannels(deps, now, signal),
    },
  ],
};
