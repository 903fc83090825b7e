// What a partner (or a subscribed channel) sees of an announcement: the Teams
// card and the e-mail, in the reader's language around the coordinator's text,
// with the segment's named contacts; and the coordinator's status card.
import { DateTime } from 'luxon';
import { renderCard, renderSelfUpdatingCard, type Card } from '../cards.js';
import type { AppConfig } from '../config.js';
import type { EmailMessage } from '../delivery/email.js';
import { officeName, officeOrFirst, officeSender } from '../domain/office-name.js';
import type { Announcement, Contact, Locale, Office } from '../domain/types.js';
import { renderHtml } from '../html-templates.js';
import { translator } from '../i18n.js';
import type { AnnouncementCounts } from './announcement-delivery.js';
import { contactsLine, teamsChatLink } from './contacts.js';

const TIME: Record<Locale, string> = { fi: "d.L.yyyy 'klo' H.mm", sv: "d.L.yyyy 'kl.' H.mm", en: 'd LLL yyyy HH:mm' };

/** "1.3.2027 klo 12.00" in the office's zone: when an announcement was sent, updated or resolved. */
export const announcementTime = (iso: string, timeZone: string, locale: Locale) =>
  DateTime.fromISO(iso, { zone: timeZone }).setLocale(locale).toFormat(TIME[locale]);

export interface AnnouncementView {
  announcement: Announcement;
  office: Office;
  locale: Locale;
  /** The reader's segment's contacts; none for a channel. */
  contacts: Contact[];
}

function texts(view: AnnouncementView) {
  const { announcement: a, office, locale } = view;
  const t = translator(locale);
  const resolved = a.resolvedAt
    ? t('announce.resolvedAt', { time: announcementTime(a.resolvedAt, office.timeZone, locale) })
    : '';
  const updated =
    a.updatedAt && !a.resolvedAt
      ? t('announce.updatedAt', { time: announcementTime(a.updatedAt, office.timeZone, locale) })
      : '';
  return {
    t,
    updated,
    heading: `${t(`announce.kind.${a.kind}`)}: ${a.title}`,
    from: t('announce.from', { office: officeName(office, locale) }),
    // The coordinator writes once; a reader in another language is told which one it is.
    languageNote: a.locale === locale ? '' : t('announce.writtenIn', { language: t(`announce.language.${a.locale}`) }),
    resolved,
    contacts: view.contacts.length > 0 ? t('announce.contacts', { contacts: contactsLine(view.contacts) }) : '',
  };
}

/** The card; `acknowledged` replaces the Acknowledge button with a line, `inChannel` keeps the card free of anyone's answer. */
export function announcementCard(view: AnnouncementView, options: { acknowledged: boolean; inChannel: boolean }): Card {
  const { announcement: a } = view;
  const x = texts(view);
  return renderCard('announcement-card', {
    title: x.heading,
    titleColor: a.kind === 'disruption' && !a.resolvedAt ? 'Attention' : 'Default',
    resolved: x.resolved,
    resolution: a.resolvedAt ? (a.resolution ?? '') : '',
    updated: x.updated,
    from: x.from,
    languageNote: x.languageNote,
    text: a.text,
    contacts: x.contacts,
    acknowledged: options.acknowledged && !options.inChannel ? x.t('announce.acknowledged') : '',
    canAcknowledge: !options.acknowledged || options.inChannel,
    ackLabel: x.t('announce.button.acknowledge'),
    announcementId: a.id,
    linkLabel: x.t('announce.button.link'),
    link: a.link ?? '',
    chatLabel: x.t('announce.button.chat'),
    chatUrl: view.contacts[0] ? teamsChatLink(view.contacts[0].email) : '',
  });
}

/** The e-mail: the announcement, or (followUp) the one message telling that the disruption is resolved. */
export function announcementEmail(view: AnnouncementView, name: string, followUp: boolean): Pick<EmailMessage, 'subject' | 'text' | 'html' | 'sender'> {
  const { announcement: a, office, locale } = view;
  const x = texts(view);
  const subject = followUp ? x.t('announce.email.resolvedSubject', { title: a.title }) : x.heading;
  const greeting = x.t('announce.email.greeting', { name });
  const signature = x.t('announce.email.signature', { office: officeName(office, locale) });
  // A follow-up says only that it is resolved; an announcement sent after that says so above its text.
  const sections = [x.resolved, a.resolvedAt ? (a.resolution ?? '') : '', followUp ? '' : a.text].filter(Boolean);
  const lines = [
    greeting,
    '',
    x.from,
    ...(x.languageNote ? [x.languageNote] : []),
    ...sections.flatMap((section) => ['', section]),
    ...(a.link ? ['', x.t('announce.email.link', { url: a.link })] : []),
    ...(x.contacts ? ['', x.contacts] : []),
    '',
    signature,
  ];
  const html = renderHtml('announcement', { lang: locale, title: subject }, {
    greeting,
    from: x.from,
    languageNote: x.languageNote,
    sections,
    link: a.link ? { url: a.link, label: x.t('announce.button.link') } : null,
    contacts: view.contacts.map((c) => ({ name: c.name, email: c.email, chatUrl: teamsChatLink(c.email) })),
    contactsLabel: x.t('announce.contactsLabel'),
    chatLabel: x.t('announce.button.chat'),
    signature,
  });
  return { subject, text: lines.join('\n'), html, sender: officeSender(office, locale) };
}

/** Whom a status card is for: the coordinator who sent (the clicker, or the one a stored card was shown to). */
export interface StatusCardViewer {
  locale: Locale;
  /** Teams user ids whose client refreshes the card by itself while its sends go on. */
  refreshUserIds: readonly string[];
}

/** The coordinator's card: delivered / failed per channel, acknowledgements, and Mark resolved for a disruption; `results` on top. */
export function announcementStatusCard(
  config: AppConfig,
  viewer: StatusCardViewer,
  a: Announcement,
  progress: { counts: AnnouncementCounts; sending: boolean },
  results: string[] = [],
): Card {
  const { locale } = viewer;
  const { counts, sending } = progress;
  const t = translator(locale);
  const zone = (officeOrFirst(config.offices, a.officeId)).timeZone;
  const segments = a.segments.map((id) => config.segments.find((s) => s.id === id)?.name[locale] ?? id).join(', ');
  const line = (c: { sent: number; failed: number }) => t('announce.status.line', { sent: c.sent, failed: c.failed });
  return renderSelfUpdatingCard(viewer, 'announce-status', sending, {
    announcementId: a.id,
    title: `${t(`announce.kind.${a.kind}`)}: ${a.title}`,
    meta: t('announce.status.meta', { segments, time: announcementTime(a.createdAt, zone, locale), recipients: counts.recipients }),
    results,
    state: sending ? t('announce.status.sending') : t('announce.status.done'),
    counts: [
      { title: t('announce.status.teams'), value: line(counts.teams) },
      { title: t('announce.status.email'), value: line(counts.email) },
      { title: t('announce.status.channels'), value: line(counts.channels) },
      { title: t('announce.status.acknowledged'), value: t('announce.status.ackLine', { count: counts.acknowledged, teams: counts.teams.sent }) },
      ...(counts.unreachable > 0 ? [{ title: t('announce.status.unreachable'), value: String(counts.unreachable) }] : []),
      ...(a.resolvedAt ? [{ title: t('announce.status.followUps'), value: String(counts.followUps) }] : []),
    ],
    resolved: a.resolvedAt ? t('announce.resolvedAt', { time: announcementTime(a.resolvedAt, zone, locale) }) : '',
    canResolve: a.kind === 'disruption' && !a.resolvedAt,
    text: a.text,
    labels: {
      text: t('announce.field.updateText'),
      update: t('announce.button.update'),
      resolution: t('announce.field.resolution'),
      resolve: t('announce.button.resolve'),
      refresh: t('announce.button.refresh'),
      list: t('announce.button.list'),
    },
  });
}
