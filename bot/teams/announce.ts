// Announcements in Teams (coordinators and admins): `announce` opens the form,
// Preview shows the text and whom it reaches, Send stores it and sends it in the
// background (the clicked card shows the counts and is updated when the sends
// end), `announcements` lists past ones, and a disruption is marked resolved
// from its card. Partners press Acknowledge on the card they got.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { renderCard, type Card } from '../cards.js';
import { parseAnnouncementInput, parseResolution, parseUpdateText, type AnnouncementInput } from '../domain/announcement-input.js';
import { paginate } from '../domain/paging.js';
import { ANNOUNCEMENT_KINDS, type Announcement } from '../domain/types.js';
import { announcementCard, announcementTime } from '../services/announcement-messages.js';
import { announcementCounts, deliverAnnouncement, deliverPendingAnnouncements, statusCardOf, updateStatusCard } from '../services/announcement-delivery.js';
import {
  acknowledge,
  createAnnouncement,
  findAnnouncement,
  officeAnnouncements,
  reachOf,
  rememberStatusCard,
  resolveDisruption,
  staffAnnouncement,
  updateDisruption,
  type AnnounceErrorCode,
  type Reach,
} from '../services/announcements.js';
import { segmentContactsOf } from '../services/contacts.js';
import { audited } from './audit.js';
import { errorLines } from '../field-error-lines.js';
import { officeName } from './partners-common.js';
import { withPager } from './pager.js';
import { cardViewOf } from './card-view.js';
import { cardAction, officeTimeZone, type Feature, type Turn } from './router.js';
import { OFFICE_STAFF } from './roles.js';
import { cardData, cardId, formText, page } from './card-data.js';
import { officeOrFirst } from '../domain/office-name.js';

const LIST_PAGE_SIZE = 10;

const ERRORS: Record<AnnounceErrorCode, string> = {
  'no-recipients': 'announce.error.noRecipients',
  'not-found': 'announce.error.notFound',
  'other-office': 'announce.error.otherOffice',
  'not-disruption': 'announce.error.notDisruption',
  'already-resolved': 'announce.error.alreadyResolved',
  'not-recipient': 'announce.error.notRecipient',
};

/** The form's inputs as typed: parseAnnouncementInput checks them field by field. */
const formFields = { kind: formText, title: formText, text: formText, segments: formText, link: formText };
type FormValues = { [Field in keyof typeof formFields]: string };
/** The id the preview card makes for its Send button. */
const draftId = z.string().regex(/^[0-9a-f-]{36}$/);
const clickedAnnouncementData = cardData({ announcementId: cardId });

/** The segments the office works with: those of the configuration. */
const officeSegments = (turn: Turn) => turn.deps.config.segments.map((s) => s.id);

function segmentNames(turn: Turn, ids: readonly string[]): string {
  return ids.map((id) => turn.deps.config.segments.find((s) => s.id === id)?.name[turn.user.locale] ?? id).join(', ');
}

const EMPTY_FORM: FormValues = { kind: '', title: '', text: '', segments: '', link: '' };

function formCard(turn: Turn, values: FormValues = EMPTY_FORM, errors: string[] = []): Card {
  const { t } = turn;
  return renderCard('announce-form', {
    title: t('announce.form.title'),
    intro: t('announce.form.intro', { language: t(`announce.language.${turn.user.locale}`) }),
    errors,
    labels: {
      kind: t('announce.field.kind'),
      title: t('announce.field.title'),
      text: t('announce.field.text'),
      segments: t('announce.field.segments'),
      link: t('announce.field.link'),
      required: t('validation.required'),
      preview: t('announce.button.preview'),
    },
    values: { kind: values.kind || 'change', title: values.title, text: values.text, segments: values.segments, link: values.link },
    kinds: ANNOUNCEMENT_KINDS.map((kind) => ({ title: t(`announce.kind.${kind}`), value: kind })),
    segments: turn.deps.config.segments.map((s) => ({ title: s.name[turn.user.locale], value: s.id })),
  });
}

function reachLine(turn: Turn, input: AnnouncementInput, reach: Reach): { facts: { title: string; value: string }[]; notes: string[] } {
  const notes = reach.unreachable > 0 ? [turn.t('announce.preview.unreachable', { count: reach.unreachable })] : [];
  return {
    facts: [
      { title: turn.t('announce.field.segments'), value: segmentNames(turn, input.segments) },
      { title: turn.t('announce.preview.recipients'), value: turn.t('announce.preview.reach', { teams: reach.teams, email: reach.email, channels: reach.channels }) },
    ],
    notes,
  };
}

async function preview(turn: Turn, data: FormValues & { draftId?: string }): Promise<Card | string> {
  const parsed = parseAnnouncementInput(data, officeSegments(turn));
  if (!parsed.ok) return formCard(turn, data, [turn.t('announce.fixErrors'), ...errorLines(turn.t, 'announce', parsed.errors)]);
  const input = parsed.value;
  const reach = await reachOf(turn.deps, turn.user.officeId, input.segments);
  if (reach.teams + reach.email + reach.unreachable === 0) return formCard(turn, data, [turn.t(ERRORS['no-recipients'])]);
  const { facts, notes } = reachLine(turn, input, reach);
  return renderCard('announce-preview', {
    heading: turn.t('announce.preview.title', { kind: turn.t(`announce.kind.${input.kind}`) }),
    intro: turn.t('announce.preview.intro'),
    title: input.title,
    text: input.text,
    link: input.link ?? '',
    facts,
    notes,
    labels: { send: turn.t('announce.button.send'), edit: turn.t('announce.button.edit') },
    // The id is made here: every click on this card's Send is about the same announcement.
    draft: { draftId: data.draftId ?? randomUUID(), kind: input.kind, title: input.title, text: input.text, segments: input.segments.join(','), link: input.link ?? '' },
  });
}

async function send(turn: Turn, data: FormValues & { draftId: string }): Promise<Card | string> {
  const parsed = parseAnnouncementInput(data, officeSegments(turn));
  if (!parsed.ok) return formCard(turn, data, [turn.t('announce.fixErrors'), ...errorLines(turn.t, 'announce', parsed.errors)]);
  const { deps, user } = turn;
  const now = deps.clock();
  const by = user.identity.aadObjectId ?? user.identity.email ?? '';
  const result = await createAnnouncement(deps.records, data.draftId, user.officeId, parsed.value, { locale: user.locale, by }, now);
  if (!result.ok) return result.code === 'no-recipients' ? formCard(turn, data, [turn.t(ERRORS[result.code])]) : turn.t(ERRORS[result.code]);
  const { announcement } = result;
  if (result.created) {
    await audited(turn, 'announcement.send', { ref: announcement.id }, { kind: announcement.kind, segments: announcement.segments.join(','), recipients: announcement.recipients.length });
  }
  await startDelivery(turn, announcement);
  return statusCard(turn, (await findAnnouncement(deps.records, announcement.id)) ?? announcement);
}

/** Sends in the background; the clicked card is remembered so the final counts replace it. */
async function startDelivery(turn: Turn, announcement: Announcement): Promise<void> {
  const { deps } = turn;
  const activityId = turn.clickedActivityId;
  if (activityId) {
    await rememberStatusCard(deps.records, announcement.id, {
      conversationId: turn.conversation.id,
      activityId,
      locale: turn.user.locale,
      userId: turn.teamsUserId,
    });
  }
  deps.background.start(`sending announcement ${announcement.id}`, async () => {
    await deliverAnnouncement(deps, announcement.id);
    await updateStatusCard(deps, announcement.id);
  });
}

function when(turn: Turn, announcement: Announcement, iso: string): string {
  const zone = (officeOrFirst(turn.deps.config.offices, announcement.officeId)).timeZone;
  return announcementTime(iso, zone, turn.user.locale);
}

/** The coordinator's status card, for the clicker. */
const statusCard = (turn: Turn, a: Announcement, results: string[] = []) => statusCardOf(turn.deps, cardViewOf(turn), a, results);

/** The card's announcement if the clicker handles its office (the service's rule), else why not. */
async function ownAnnouncement(turn: Turn, announcementId: string): Promise<Announcement | string> {
  const found = await staffAnnouncement(turn.deps.records, announcementId, turn.user);
  return found.ok ? found.announcement : turn.t(ERRORS[found.code]);
}

async function resolve(turn: Turn, data: { announcementId: string; resolution: string }): Promise<Card | string> {
  const own = await ownAnnouncement(turn, data.announcementId);
  if (typeof own === 'string') return own;
  const note = parseResolution(data.resolution);
  if (!note.ok) return statusCard(turn, own, errorLines(turn.t, 'announce', note.errors));
  const result = await resolveDisruption(turn.deps.records, own.id, turn.user, note.value, turn.deps.clock());
  if (!result.ok) return statusCard(turn, own, [turn.t(ERRORS[result.code])]);
  await audited(turn, 'announcement.resolve', { ref: own.id }, { recipients: own.recipients.length });
  await startDelivery(turn, result.announcement);
  return statusCard(turn, result.announcement);
}

/** New text for an open disruption: the Teams cards are replaced in place. */
async function update(turn: Turn, data: { announcementId: string; text: string }): Promise<Card | string> {
  const own = await ownAnnouncement(turn, data.announcementId);
  if (typeof own === 'string') return own;
  const text = parseUpdateText(data.text);
  if (!text.ok) return statusCard(turn, own, errorLines(turn.t, 'announce', text.errors));
  if (text.value === own.text) return statusCard(turn, own, [turn.t('announce.unchanged')]);
  const result = await updateDisruption(turn.deps.records, own.id, turn.user, text.value, turn.deps.clock());
  if (!result.ok) return statusCard(turn, own, [turn.t(ERRORS[result.code])]);
  await audited(turn, 'announcement.update', { ref: own.id }, { version: result.announcement.version ?? 0 });
  await startDelivery(turn, result.announcement);
  return statusCard(turn, result.announcement);
}

async function listCard(turn: Turn, requestedPage: unknown): Promise<Card> {
  const { t, deps, user } = turn;
  const all = await officeAnnouncements(deps.records, user.officeId);
  const { page: shownPage, shown } = paginate(all, requestedPage, LIST_PAGE_SIZE);
  const counts = await Promise.all(shown.map((a) => announcementCounts(deps, a)));
  const card = renderCard('announcement-list', {
    title: t('announce.list.title', { office: officeName(turn, user.officeId) }),
    empty: all.length === 0 ? t('announce.list.empty') : '',
    openLabel: t('announce.button.open'),
    items: shown.map((a, i) => {
      const c = counts[i];
      return {
        id: a.id,
        title: `${t(`announce.kind.${a.kind}`)}: ${a.title}`,
        line: t('announce.list.line', {
          time: when(turn, a, a.createdAt),
          teams: c.teams.sent,
          email: c.email.sent,
          failed: c.teams.failed + c.email.failed,
          acknowledged: c.acknowledged,
          resolved: a.resolvedAt ? 'yes' : 'no',
        }),
      };
    }),
  });
  return withPager(card, { t, locale: user.locale }, shownPage, { verb: 'announcements.list' });
}

/** A recipient's Acknowledge. In a channel the answer is private (a text only they see) and the card stays as it is for everyone. */
async function acknowledgeAction(turn: Turn, data: { announcementId: string }): Promise<Card | string> {
  const partner = turn.user.partner;
  if (!partner) return turn.t('announce.error.notRecipient');
  const result = await acknowledge(turn.deps.records, data.announcementId, partner.id, turn.deps.clock());
  if (!result.ok) return turn.t(ERRORS[result.code]);
  if (turn.conversation.kind !== 'personal') return turn.t('announce.acknowledged');
  const office = officeOrFirst(turn.deps.config.offices, result.announcement.officeId);
  const view = { announcement: result.announcement, office, locale: turn.user.locale, contacts: await segmentContactsOf(turn.deps.records, office.id, partner.segment) };
  return announcementCard(view, { acknowledged: true, inChannel: false });
}

export const announceFeature: Feature = {
  commands: [
    {
      name: 'announce',
      words: 'announce',
      roles: OFFICE_STAFF,
      menu: ['team', 'groupChat'],
      handle: async (turn) => formCard(turn),
    },
    {
      name: 'announcements',
      words: 'announcements',
      roles: OFFICE_STAFF,
      handle: async (turn) => listCard(turn, 0),
    },
  ],
  cardActions: [
    cardAction('announce.preview', OFFICE_STAFF, cardData({ ...formFields, draftId: draftId.optional() }), preview),
    cardAction('announce.edit', OFFICE_STAFF, cardData(formFields), async (turn, data) => formCard(turn, data)),
    cardAction('announce.send', OFFICE_STAFF, cardData({ ...formFields, draftId }), send),
    cardAction('announce.open', OFFICE_STAFF, clickedAnnouncementData, async (turn, data) => {
      const own = await ownAnnouncement(turn, data.announcementId);
      return typeof own === 'string' ? own : statusCard(turn, own);
    }),
    cardAction('announce.update', OFFICE_STAFF, cardData({ announcementId: cardId, text: formText }), update),
    cardAction('announce.resolve', OFFICE_STAFF, cardData({ announcementId: cardId, resolution: formText }), resolve),
    cardAction('announcements.list', OFFICE_STAFF, cardData({ page }), async (turn, data) => listCard(turn, data.page)),
    cardAction('announcement.ack', ['partner'], clickedAnnouncementData, acknowledgeAction),
  ],
  jobs: (deps) => [
    // Finishes announcements cut short by a restart and retries failed sends.
    {
      name: 'announcements.sync',
      cron: '*/5 * * * *',
      timeZone: officeTimeZone(deps),
      runAtStart: true,
      run: (now, signal) => deliverPendingAnnouncements(deps, now, signal),
    },
  ],
};
