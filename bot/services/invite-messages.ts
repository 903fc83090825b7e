// What an invitee sees: the invite card (Teams), the e-mail and the texts of
// the .ics, in the invitee's language with times in the office's zone.
import { DateTime } from 'luxon';
import { renderCard, type Card } from '../cards.js';
import type { Invitation, Locale, Meeting, Office, Partner, Rsvp } from '../domain/types.js';
import { translator } from '../i18n.js';
import { languageOf } from './people.js';

/** Everything about one invitation that its messages show. */
export interface InviteContext {
  invitation: Invitation;
  meeting: Meeting;
  partner: Partner;
  office: Office;
  theme: string;
  icsUrl: string;
}

/** request: first delivery; update: a changed meeting; cancel; reminder: shortly before. */
export type InviteKind = 'request' | 'update' | 'cancel' | 'reminder';

export const RSVP_ANSWERS = ['accepted', 'tentative', 'declined'] as const satisfies readonly Rsvp[];

const FORMATS: Record<Locale, { date: string; time: string }> = {
  fi: { date: "ccc d.L.yyyy 'klo' H.mm", time: 'H.mm' },
  sv: { date: "ccc d.L.yyyy 'kl.' H.mm", time: 'H.mm' },
  en: { date: 'ccc d LLL yyyy HH:mm', time: 'HH:mm' },
};

/** "ti 2.3.2027 klo 13.00–14.30" in the office zone; the end date is shown when it differs. */
export function meetingTime(meeting: Pick<Meeting, 'startsAt' | 'endsAt'>, timeZone: string, locale: Locale): string {
  const start = DateTime.fromISO(meeting.startsAt, { zone: timeZone }).setLocale(locale);
  const end = DateTime.fromISO(meeting.endsAt, { zone: timeZone }).setLocale(locale);
  const format = FORMATS[locale];
  return `${start.toFormat(format.date)}–${end.toFormat(start.hasSame(end, 'day') ? format.time : format.date)}`;
}

/** RSVP is open until the meeting starts, unless it is cancelled. */
export function canAnswer(meeting: Meeting, now: Date): boolean {
  return meeting.status === 'scheduled' && Date.parse(meeting.startsAt) > now.getTime();
}

export function inviteCard(ctx: InviteContext, kind: InviteKind, locale: Locale, now: Date): Card {
  const t = translator(locale);
  const { meeting, office, invitation } = ctx;
  const facts = [
    { title: t('invite.fact.when'), value: meetingTime(meeting, office.timeZone, locale) },
    ...(meeting.place ? [{ title: t('invite.fact.place'), value: meeting.place }] : []),
    ...(meeting.onlineUrl ? [{ title: t('invite.fact.online'), value: meeting.onlineUrl }] : []),
    { title: t('invite.fact.theme'), value: ctx.theme },
    { title: t('invite.fact.subTheme'), value: meeting.subTheme },
    { title: t('invite.fact.organizer'), value: office.name },
  ];
  const open = kind !== 'cancel' && canAnswer(meeting, now);
  return renderCard('invite-card', {
    title: t(`invite.title.${kind}`, { subTheme: meeting.subTheme }),
    titleColor: kind === 'cancel' ? 'Attention' : 'Default',
    intro: t(`invite.intro.${kind}`, { office: office.name }),
    facts,
    answer: open && invitation.rsvp !== 'needs-action' ? t('invite.answer', { answer: t(`invite.answer.${invitation.rsvp}`) }) : '',
    invitationId: invitation.id,
    rsvp: open
      ? RSVP_ANSWERS.map((response) => ({
          title: t(`invite.rsvp.${response}`),
          response,
          style: response === 'accepted' ? 'positive' : response === 'declined' ? 'destructive' : 'default',
        }))
      : [],
    onlineLabel: t('invite.button.online'),
    onlineUrl: open && meeting.onlineUrl ? meeting.onlineUrl : '',
    icsLabel: t('invite.button.ics'),
    icsUrl: ctx.icsUrl,
  });
}

/** Subject and plain text of an invite, update, cancellation or reminder e-mail. */
export function inviteEmail(ctx: InviteContext, kind: InviteKind): { subject: string; text: string } {
  const locale = languageOf(ctx.partner);
  const t = translator(locale);
  const { meeting, office } = ctx;
  const when = meetingTime(meeting, office.timeZone, locale);
  const lines = [
    t('invite.email.greeting', { name: ctx.partner.name }),
    '',
    t(`invite.intro.${kind}`, { office: office.name }),
    '',
    `${t('invite.fact.when')}: ${when}`,
    ...(meeting.place ? [`${t('invite.fact.place')}: ${meeting.place}`] : []),
    ...(meeting.onlineUrl && kind !== 'cancel' ? [t('invite.onlineLink', { url: meeting.onlineUrl })] : []),
    `${t('invite.fact.theme')}: ${ctx.theme}`,
    `${t('invite.fact.subTheme')}: ${meeting.subTheme}`,
    ...(kind === 'request' || kind === 'update' ? ['', t('invite.email.calendarNote')] : []),
    '',
    t('invite.email.signature', { office: office.name }),
  ];
  return { subject: `${t(`invite.title.${kind}`, { subTheme: meeting.subTheme })} – ${when}`, text: lines.join('\n') };
}

/** SUMMARY prefix and DESCRIPTION lines of the .ics. */
export function icsTexts(ctx: InviteContext, method: 'REQUEST' | 'CANCEL'): { summaryPrefix?: string; descriptionLines: string[] } {
  const t = translator(languageOf(ctx.partner));
  return {
    ...(method === 'CANCEL' ? { summaryPrefix: t('invite.icsCancelledPrefix') } : {}),
    descriptionLines: [
      t(method === 'CANCEL' ? 'invite.intro.cancel' : 'invite.intro.request', { office: ctx.office.name }),
      `${t('invite.fact.theme')}: ${ctx.theme}`,
      `${t('invite.fact.subTheme')}: ${ctx.meeting.subTheme}`,
    ],
  };
}
