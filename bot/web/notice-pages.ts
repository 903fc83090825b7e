// The read-only pages a partner reaches from an e-mail: the office's feedback
// to their organisation, a proposal of theirs with its decisions, and what
// Sidos stores about them. Each returns null when the link's record is not
// the partner's own (the caller shows the error page).
import type { AppConfig } from '../config.js';
import { formatMeetingTime } from '../domain/format.js';
import { officeName, officeOrFirst } from '../domain/office-name.js';
import type { Locale, Partner } from '../domain/types.js';
import { renderPage, type PageFrame } from '../html-templates.js';
import type { Translate } from '../i18n.js';
import { findMeeting } from '../services/feedback-requests.js';
import { meetingLabel } from '../services/office-feedback-messages.js';
import { personalData } from '../services/privacy-export.js';
import { findProposal } from '../services/proposals.js';
import type { RecordStore } from '../store/records.js';
import type { DownloadLink } from '../store/store.js';

export interface ReadDeps {
  records: RecordStore;
  config: AppConfig;
}

/** The partner and link a page is for, in the page's language. */
export interface ReadOnlyPage {
  t: Translate;
  locale: Locale;
  partner: Partner;
  link: DownloadLink;
  frame: (title: string) => PageFrame;
}

export async function officeFeedbackPage({ records, config }: ReadDeps, page: ReadOnlyPage): Promise<string | null> {
  const { t, locale } = page;
  const found = await records.get('officeFeedback', page.link.ref);
  const meeting = found?.meetingId ? await findMeeting(records, found.meetingId) : undefined;
  // The office's feedback is to the partner's own organisation (matched as the register does, ignoring case).
  const sameOrganisation = found && found.organisation.trim().toLowerCase() === page.partner.organisation.trim().toLowerCase();
  if (!found || !meeting || !sameOrganisation) return null;
  const office = officeOrFirst(config.offices, found.officeId);
  const title = t('officeFeedback.notice.title', { office: officeName(office, locale) });
  return renderPage('notice', page.frame(title), {
    intro: t('officeFeedback.notice.intro', { organisation: found.organisation }),
    facts: [
      { label: t('web.notice.meeting'), value: meetingLabel(config, meeting, locale) },
      { label: t('officeFeedback.form.field.rating'), value: t('officeFeedback.notice.rating', { rating: found.rating }) },
    ],
    sections: [
      { heading: t('officeFeedback.form.field.works'), text: found.works },
      { heading: t('officeFeedback.form.field.couldDoDifferently'), text: found.couldDoDifferently },
    ].filter((s) => s.text),
  });
}

export async function proposalPage({ records, config }: ReadDeps, page: ReadOnlyPage): Promise<string | null> {
  const { t, locale } = page;
  const found = await findProposal(records, page.link.ref);
  if (!found || found.proposal.authorPartnerId !== page.partner.id) return null;
  const { proposal } = found;
  const office = officeOrFirst(config.offices, proposal.officeId);
  const status = t(`proposals.status.${proposal.status}`);
  return renderPage('notice', page.frame(t('proposals.notice.title', { status })), {
    intro: t('web.proposal.intro'),
    facts: [
      { label: t('proposals.notice.youSaid'), value: proposal.text },
      { label: t('web.proposal.level'), value: t(`feedback.level.${proposal.level}`) },
    ],
    sections: proposal.history.map((change) => ({
      heading: `${formatMeetingTime(change.at, office.timeZone, locale)}: ${t(`proposals.status.${change.status}`)}`,
      text: [t(change.status === 'received' ? 'web.proposal.received' : `proposals.notice.decided.${change.status}`), change.reason ?? '']
        .filter(Boolean)
        .join(' '),
    })),
  });
}

export async function myDataPage({ records, config }: ReadDeps, page: ReadOnlyPage): Promise<string | null> {
  const { t, locale, partner } = page;
  if (page.link.ref !== partner.id) return null;
  const data = await personalData(records, config, { partnerId: partner.id });
  const office = officeOrFirst(config.offices, partner.officeId);
  const when = (instant: string) => formatMeetingTime(instant, office.timeZone, locale);
  const meetingText = (m: { subTheme: string; startsAt: string } | null) =>
    m ? `${m.subTheme}, ${when(m.startsAt)}` : t('feedback.subject.general');
  return renderPage('my-data', page.frame(t('web.myData.title')), {
    intro: t('web.myData.intro'),
    empty: t('web.myData.empty'),
    sections: [
      {
        heading: t('web.myData.register'),
        items: [{ lines: [partner.name, partner.organisation, partner.email, t(`web.languageName.${partner.locale}`)] }],
      },
      {
        heading: t('web.myData.invitations'),
        items: data.invitations.map((i) => ({ lines: [meetingText(i.meeting), t('invite.answer', { answer: t(`invite.answer.${i.rsvp}`) })] })),
      },
      {
        heading: t('web.myData.feedback'),
        items: data.feedback.map((f) => ({
          lines: [
            meetingText(f.meeting),
            t('feedback.staff.rating', { rating: f.rating }),
            ...(f.anonymous ? [t('feedback.staff.anonymous')] : []),
            ...(f.works ? [t('feedback.staff.works', { text: f.works })] : []),
            ...(f.change ? [t('feedback.staff.change', { text: f.change })] : []),
            ...(f.justification ? [t('feedback.staff.justification', { text: f.justification })] : []),
          ],
        })),
      },
      {
        heading: t('web.myData.proposals'),
        items: data.proposals.map((p) => ({
          lines: [
            t('feedback.staff.proposal', { level: t(`feedback.levelShort.${p.level}`), status: t(`feedback.status.${p.status}`), text: p.text }),
          ],
        })),
      },
    ],
  });
}
