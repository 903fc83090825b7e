// "my data" (everyone) and "privacy <e-mail>" (admin): what Sidos stores about
// a person, in the reader's language, with a JSON download; the admin can also
// erase it, after a confirmation. Both only in a personal chat, since the
// answer shows personal data.
import { renderCard, type Card } from '../cards.js';
import { clipText, formatMeetingTime } from '../domain/format.js';
import { erasePerson } from '../services/privacy-erasure.js';
import { EXPORT_LINK_HOURS, exportLink, nothingStored, personalData, type PersonalData } from '../services/privacy-export.js';
import type { Who } from '../services/privacy-person.js';
import { audited } from './audit.js';
import { officeName, segmentName } from './partners-common.js';
import { cardAction, officeTimeZone, type Feature, type Turn } from './router.js';
import { applyRetention } from '../services/privacy-retention.js';
import { ADMINS, EVERYONE } from './roles.js';
import { z } from 'zod';
import { cardData } from './card-data.js';
import { officeOrFirst } from '../domain/office-name.js';

/** Lines shown per section; the download has all of them. */
const MAX_LINES = 10;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

interface Section {
  title: string;
  lines: string[];
}

const clip = (text: string) => clipText(text, 120);

function sections(turn: Turn, data: PersonalData): Section[] {
  const { t, deps, user } = turn;
  const zone = (officeOrFirst(deps.config.offices, user.officeId)).timeZone;
  const when = (at: string) => formatMeetingTime(at, zone, user.locale);
  const meetingLine = (meeting: PersonalData['invitations'][number]['meeting']) =>
    meeting ? `${meeting.subTheme}, ${when(meeting.startsAt)}` : t('privacy.unknownMeeting');
  const result: Section[] = [];
  const add = (titleKey: string, lines: string[]) => {
    if (lines.length === 0) return;
    const shown = lines.slice(0, MAX_LINES).map(clip);
    if (lines.length > MAX_LINES) shown.push(t('privacy.more', { count: lines.length - MAX_LINES }));
    result.push({ title: t(titleKey), lines: shown });
  };

  const registered = data.partner;
  if (registered) {
    add('privacy.section.partner', [
      `${t('partner.field.name')}: ${registered.name}`,
      `${t('partner.field.organisation')}: ${registered.organisation}`,
      `${t('partner.field.email')}: ${registered.email}`,
      `${t('partner.field.segment')}: ${segmentName(turn, registered.segment)}`,
      `${t('partner.field.officeId')}: ${officeName(turn, registered.officeId)}`,
      `${t('partner.field.locale')}: ${t(`partner.language.${registered.locale}`)}`,
      t(registered.aadObjectId ? 'privacy.line.teamsLinked' : 'privacy.line.teamsNotLinked'),
      t('privacy.line.registered', { created: when(registered.createdAt), updated: when(registered.updatedAt) }),
    ]);
  }
  add(
    'privacy.section.roles',
    data.roles.map((r) =>
      t(`privacy.line.role.${r.source}`, { role: [t(`role.${r.role}`), r.office ? officeName(turn, r.office) : ''].filter(Boolean).join(', ') }),
    ),
  );
  add(
    'privacy.section.conversations',
    data.conversations.map((c) => t(c.kind === 'personal' ? 'privacy.line.chat.personal' : 'privacy.line.chat.shared', { date: when(c.updatedAt) })),
  );
  add(
    'privacy.section.invitations',
    data.invitations.map((i) => t('privacy.line.invitation', { meeting: meetingLine(i.meeting), answer: t(`invites.rsvp.${i.rsvp}`) })),
  );
  add('privacy.section.feedback', [
    ...(data.feedbackRequests.length > 0
      ? [t('privacy.line.requests', { count: data.feedbackRequests.length, answered: data.feedbackRequests.filter((r) => r.status === 'answered').length })]
      : []),
    ...data.feedback.map((f) => {
      const subject = f.meeting ? meetingLine(f.meeting) : f.surveyRoundId ? t('privacy.subject.survey') : t('privacy.subject.general');
      const line = t('privacy.line.feedback', { date: when(f.submittedAt), rating: f.rating, subject });
      return f.anonymous ? `${line} ${t('privacy.line.anonymous')}` : line;
    }),
  ]);
  add(
    'privacy.section.proposals',
    data.proposals.map((p) => t('privacy.line.proposal', { text: p.text, status: t(`proposals.status.${p.status}`) })),
  );
  add(
    'privacy.section.organisation',
    data.organisationFeedback.map((f) => t('privacy.line.organisationFeedback', { organisation: f.organisation, date: when(f.givenAt), rating: f.rating })),
  );
  const staff = data.staffRecords;
  add(
    'privacy.section.staff',
    (
      [
        ['privacy.line.staff.plans', staff.plans.length],
        ['privacy.line.staff.surveys', staff.surveys.length],
        ['privacy.line.staff.officeFeedback', staff.officeFeedbackGiven.length],
        ['privacy.line.staff.decisions', staff.proposalDecisions.length],
        ['privacy.line.staff.subscriptions', staff.subscriptions.length],
      ] as const
    )
      .filter(([, count]) => count > 0)
      .map(([key, count]) => t(key, { count })),
  );
  const latestSend = data.sends.map((s) => s.at).sort().at(-1);
  const jobState = Object.keys(data.jobState).length;
  add('privacy.section.other', [
    ...(latestSend ? [t('privacy.line.sends', { count: data.sends.length, date: when(latestSend) })] : []),
    ...(jobState > 0 ? [t('privacy.line.jobState', { count: jobState })] : []),
  ]);
  add(
    'privacy.section.audit',
    [...data.audit].reverse().map((e) => t('privacy.line.audit', { date: when(e.at), action: t(`audit.action.${e.action}`) })),
  );
  return result;
}

async function dataCard(turn: Turn, who: Who, data: PersonalData, admin: boolean): Promise<Card> {
  const { t, deps } = turn;
  const email = admin ? (who.email ?? '') : '';
  return renderCard('privacy-data', {
    title: admin ? t('privacy.admin.title', { email }) : t('privacy.mine.title'),
    intro: admin ? t('privacy.admin.intro') : t('privacy.mine.intro'),
    sections: sections(turn, data),
    note: t('privacy.linkNote', { hours: EXPORT_LINK_HOURS }),
    downloadUrl: await exportLink(deps.records, deps.config, who, deps.clock()),
    email,
    labels: { download: t(admin ? 'privacy.button.export' : 'privacy.button.download'), erase: t('privacy.button.erase') },
  });
}

/** The admin's card about the person with this e-mail, or a text when nothing is stored. */
async function adminCard(turn: Turn, email: string): Promise<Card | string> {
  const who = { email };
  const data = await personalData(turn.deps.records, turn.deps.config, who);
  // Recorded after gathering: the look-up itself is not what the admin found stored.
  await audited(turn, 'privacy.lookup', who);
  return nothingStored(data) ? turn.t('privacy.notFound', { email }) : dataCard(turn, who, data, true);
}

function confirmCard(turn: Turn, email: string): Card {
  const { t } = turn;
  return renderCard('privacy-confirm', {
    title: t('privacy.confirm.title', { email }),
    text: t('privacy.confirm.text'),
    details: t('privacy.confirm.details'),
    email,
    labels: { confirm: t('privacy.button.confirmErase'), cancel: t('privacy.button.cancel') },
  });
}

async function erase(turn: Turn, email: string): Promise<Card> {
  const { t, deps } = turn;
  const summary = await erasePerson(deps.records, deps.config, { email });
  // Whom is not kept: after an erasure the trail must not name the person.
  await audited(turn, 'privacy.erase', { erased: true }, { found: summary.found ? 'yes' : 'no' });
  if (!summary.found) return renderCard('message', { title: t('privacy.erased.nothing', { email }), color: 'Default', lines: [] });
  // No names or addresses in the log: only that it happened.
  deps.log(`privacy: an admin erased a person's data (${summary.partner} register entry, ${summary.invitations + summary.feedback + summary.proposals} records anonymised)`);
  const lines = [
    ...(summary.partner > 0 ? [t('privacy.erased.partner')] : []),
    t('privacy.erased.deleted', { conversations: summary.conversations, sends: summary.sends, other: summary.roleAssignments + summary.links + summary.jobState }),
    t('privacy.erased.anonymised', {
      invitations: summary.invitations,
      requests: summary.feedbackRequests,
      feedback: summary.feedback,
      texts: summary.feedbackTexts,
      proposals: summary.proposals,
    }),
    ...(summary.staffReferences + summary.surveys + summary.subscriptions > 0
      ? [t('privacy.erased.staff', { count: summary.staffReferences + summary.surveys + summary.subscriptions })]
      : []),
    ...(deps.config.people.some((p) => p.email?.toLowerCase() === email.toLowerCase()) ? [t('privacy.erased.configured')] : []),
  ];
  return renderCard('message', { title: t('privacy.erased.title', { email }), color: 'Good', lines });
}

const aboutEmail = cardData({ email: z.string().regex(EMAIL) });

export const privacyFeature: Feature = {
  commands: [
    {
      name: 'mydata',
      words: 'my data',
      roles: EVERYONE,
      menu: ['personal'],
      handle: async (turn) => {
        if (turn.conversation.kind !== 'personal') return turn.t('error.personalChatOnly');
        const { identity, partner } = turn.user;
        const who: Who = { partnerId: partner?.id, aadObjectId: identity.aadObjectId, email: identity.email };
        await audited(turn, 'privacy.export', { partnerId: partner?.id, aadObjectId: identity.aadObjectId, email: identity.email ?? partner?.email, name: identity.name });
        return dataCard(turn, who, await personalData(turn.deps.records, turn.deps.config, who), false);
      },
    },
    {
      name: 'privacy',
      words: 'privacy',
      roles: ADMINS,
      menu: ['personal'],
      handle: async (turn, args) => {
        if (turn.conversation.kind !== 'personal') return turn.t('error.personalChatOnly');
        if (!EMAIL.test(args)) return turn.t('privacy.usage');
        return adminCard(turn, args);
      },
    },
  ],
  cardActions: [
    // The e-mail a button is about.
    cardAction('privacy.show', ADMINS, aboutEmail, async (turn, data) => adminCard(turn, data.email)),
    cardAction('privacy.erase', ADMINS, aboutEmail, async (turn, data) => confirmCard(turn, data.email)),
    cardAction('privacy.erase.confirm', ADMINS, aboutEmail, async (turn, data) => erase(turn, data.email)),
  ],
  jobs: (deps) => [
    // Anonymises or deletes personal data older than retention.personalDataDays.
    {
      name: 'privacy.retention',
      cron: '0 3 * * *',
      timeZone: officeTimeZone(deps),
      runAtStart: true,
      run: async (now) => {
        const summary = await applyRetention(deps.records, deps.config, now);
        const changed = Object.entries(summary).filter(([, n]) => n > 0);
        if (changed.length > 0) deps.log(`privacy.retention: ${changed.map(([what, n]) => `${what} ${n}`).join(', ')}`);
      },
    },
  ],
};
