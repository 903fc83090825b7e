// What an invitee sees: the invite card (Teams), the e-mail and the texts of
// the .ics, in the invitee's language with times in the office's zone.
import { DateTime } from 'luxon';
import { renderCard, type Card } from '../cards.js';
import type { EmailMessage } from '../delivery/email.js';
import { officeName, officeSender } from '../domain/office-name.js';
import type { Contact, Invitation, Locale, Meeting, Office, Partner, Rsvp } from '../domain/types.js';
import { renderHtml } from '../html-templates.js';
import { translator } from '../i18n.js';
import { contactsLine } from './contacts.js';
import { languageOf } from './people.js';

/** Everything about one invitation that its messages show. */
export interface InviteContext {
  invitation: Invitation;
  meeting: Meeting;
  partner: Partner;
  office: Office;
  theme: string;
  icsUrl: string;
  /** The partner's personal pages, set for e-mails: answer this invitation, see their data. */
  web?: InviteWebLinks;
  /** The office's named contacts for the partner's segment. */
  contacts: Contact[];
}

export interface InviteWebLinks {
  rsvp: string;
  myData: string;
}

/** The RSVP page with one answer chosen: the page asks to confirm it (a mail scanner opening the link answers nothing). */
export const rsvpAnswerUrl = (rsvpUrl: string, answer: Rsvp) => `${rsvpUrl}?answer=${answer}`;

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
    { title: t('invite.fact.organizer'), value: officeName(office, locale) },
    ...(ctx.contacts.length > 0 ? [{ title: t('invite.fact.contacts'), value: contactsLine(ctx.contacts) }] : []),
  ];
  const open = kind !== 'cancel' && canAnswer(meeting, now);
  return renderCard('invite-card', {
    title: t(`invite.title.${kind}`, { subTheme: meeting.subTheme }),
    titleColor: kind === 'cancel' ? 'Attention' : 'Default',
    intro: t(`invite.intro.${kind}`, { office: officeName(office, locale) }),
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

/** Subject, plain text, HTML and sender (the office) of an invite, update, cancellation or reminder e-mail. */
export function inviteEmail(ctx: InviteContext, kind: InviteKind): Pick<EmailMessage, 'subject' | 'text' | 'html' | 'sender'> {
  const locale = languageOf(ctx.partner);
  const t = translator(locale);
  const { meeting, office } = ctx;
  const when = meetingTime(meeting, office.timeZone, locale);
  const greeting = t('invite.email.greeting', { name: ctx.partner.name });
  const intro = t(`invite.intro.${kind}`, { office: officeName(office, locale) });
  const online = meeting.onlineUrl && kind !== 'cancel' ? meeting.onlineUrl : '';
  const calendarNote = kind === 'request' || kind === 'update' ? t('invite.email.calendarNote') : '';
  const signature = t('invite.email.signature', { office: officeName(office, locale) });
  const lines = [
    greeting,
    '',
    intro,
    '',
    `${t('invite.fact.when')}: ${when}`,
    ...(meeting.place ? [`${t('invite.fact.place')}: ${meeting.place}`] : []),
    ...(online ? [t('invite.onlineLink', { url: online })] : []),
    `${t('invite.fact.theme')}: ${ctx.theme}`,
    `${t('invite.fact.subTheme')}: ${meeting.subTheme}`,
    ...(ctx.contacts.length > 0 ? [`${t('invite.fact.contacts')}: ${contactsLine(ctx.contacts)}`] : []),
    ...(calendarNote ? ['', calendarNote] : []),
    '',
    signature,
  ];
  const answerable = ctx.web && (kind === 'request' || kind === 'update' || kind === 'reminder') ? ctx.web.rsvp : '';
  const rsvpLinks = answerable
    ? RSVP_ANSWERS.map((answer) => ({ url: rsvpAnswerUrl(answerable, answer), label: t(`invite.rsvp.${answer}`), button: true }))
    : [];
  const links = [...rsvpLinks, ...(ctx.web ? [{ url: ctx.web.myData, label: t('web.link.myData') }] : [])];
  // Plain links for a text-only mail client, before the signature.
  const linkLines = links.map((l) => t('web.link.line', { label: l.label, url: l.url }));
  if (linkLines.length > 0) lines.splice(lines.length - 2, 0, '', ...linkLines);
  const subject = `${t(`invite.title.${kind}`, { subTheme: meeting.subTheme })} – ${when}`;
  const html = renderHtml('invite', { lang: locale, title: t(`invite.title.${kind}`, { subTheme: meeting.subTheme }), links }, {
    greeting,
    intro,
    facts: [
      { label: t('invite.fact.when'), value: when },
      ...(meeting.place ? [{ label: t('invite.fact.place'), value: meeting.place }] : []),
      { label: t('invite.fact.theme'), value: ctx.theme },
      { label: t('invite.fact.subTheme'), value: meeting.subTheme },
      { label: t('invite.fact.organizer'), value: officeName(office, locale) },
      ...(ctx.contacts.length > 0 ? [{ label: t('invite.fact.contacts'), value: contactsLine(ctx.contacts) }] : []),
    ],
    online: online ? { url: online, label: t('invite.button.online') } : null,
    calendarNote,
    signature,
  });
  return { subject, text: lines.join('\n'), html, sender: officeSender(office, locale) };
}

/** SUMMARY prefix and DESCRIPTION lines of the .ics. */
export function icsTexts(ctx: InviteContext, method: 'REQUEST' | 'CANCEL'): { summaryPrefix?: string; descriptionLines: string[] } {
  const t = translator(languageOf(ctx.partner));
  return {
    ...(method === 'CANCEL' ? { summaryPrefix: t('invite.icsCancelledPrefix') } : {}),
    descriptionLines: [
      t(method === 'CANCEL' ? 'invite.intro.cancel' : 'invite.intro.request', { office: officeName(ctx.office, languageOf(ctx.partner)) }),
      `${t('invite.fact.theme')}: ${ctx.theme}`,
      `${t('invite.fact.subTheme')}: ${ctx.meeting.subTheme}`,
      ...(ctx.web && method === 'REQUEST' ? [t('web.link.rsvp', { url: ctx.web.rsvp })] : []),
    ],
  };
}
