// What a channel subscribed to the office's meetings sees: the card of a
// meeting version (new, changed or cancelled), the same for everyone, in the
// channel's language with times in the office's zone.
import { renderCard, type Card } from '../cards.js';
import type { AppConfig } from '../config.js';
import { officeName, officeOrFirst } from '../domain/office-name.js';
import type { Locale, Meeting } from '../domain/types.js';
import { translator } from '../i18n.js';
import { meetingTime, RSVP_ANSWERS } from './invite-messages.js';

/** The card a meeting version gets in a subscribed channel. */
export function channelMeetingCard(config: AppConfig, meeting: Meeting, theme: string, locale: Locale): Card {
  const t = translator(locale);
  const office = officeOrFirst(config.offices, meeting.officeId);
  const cancelled = meeting.status === 'cancelled';
  const kind = cancelled ? 'cancel' : meeting.sequence > 0 ? 'update' : 'new';
  const segments = meeting.segments.map((id) => config.segments.find((s) => s.id === id)?.name[locale] ?? id).join(', ');
  return renderCard('channel-meeting', {
    title: t(`channel.meeting.title.${kind}`, { subTheme: meeting.subTheme }),
    titleColor: cancelled ? 'Attention' : 'Default',
    intro: t(`channel.meeting.intro.${kind}`, { office: officeName(office, locale) }),
    facts: [
      { title: t('invite.fact.when'), value: meetingTime(meeting, office.timeZone, locale) },
      ...(meeting.place ? [{ title: t('invite.fact.place'), value: meeting.place }] : []),
      { title: t('invite.fact.theme'), value: theme },
      { title: t('invite.fact.subTheme'), value: meeting.subTheme },
      { title: t('channel.meeting.segments'), value: segments },
    ],
    privacyNote: cancelled ? '' : t('channel.meeting.privacy'),
    meetingId: meeting.id,
    sequence: String(meeting.sequence),
    rsvp: cancelled
      ? []
      : RSVP_ANSWERS.map((response) => ({
          title: t(`invite.rsvp.${response}`),
          response,
          style: response === 'accepted' ? 'positive' : response === 'declined' ? 'destructive' : 'default',
        })),
    onlineLabel: t('invite.button.online'),
    onlineUrl: !cancelled && meeting.onlineUrl ? meeting.onlineUrl : '',
  });
}
