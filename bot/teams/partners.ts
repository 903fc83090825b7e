// The partner register in Teams: list by segment, add, edit, remove with undo.
// A coordinator keeps their own office's partners, an admin every office's.
import { renderCard, type Card } from '../cards.js';
import { parsePartnerInput, type PartnerFieldError } from '../domain/partner-input.js';
import { LOCALES, type Partner } from '../domain/types.js';
import { removePartnerWithUndo, undoRemoval } from '../services/partner-undo.js';
import { personalChatOf } from '../services/conversations.js';
import { addPartner, listPartners, partnerToChange, updatePartner, type PartnerErrorCode } from '../services/partners.js';
import { clipText } from '../domain/format.js';
import { paginate } from '../domain/paging.js';
import { audited } from './audit.js';
import { withPager } from './pager.js';
import { editableOffices, officeName, partnerErrorLines, segmentName } from './partners-common.js';
import { cardAction, type Feature, type Turn } from './router.js';
import { OFFICE_STAFF } from './roles.js';
import { z } from 'zod';
import { cardData, cardId, formText, page } from './card-data.js';

/**
 * More partners than this: the list shows counts per segment, and one segment
 * is shown in pages. 30 long entries keep a card under the 28 KB Teams takes.
 */
export const LIST_LIMIT = 30;

interface ListView {
  segment?: string;
  /** From a Previous / Next button: clamped to the pages there are. */
  page?: unknown;
  notice?: string;
  warning?: string;
  /** A partner just removed, offered for undo. */
  undoPartnerId?: string;
}

/** The partners shown whom the bot has a personal chat with: they can be reached in Teams. */
async function reachableIds(turn: Turn, partners: Partner[]): Promise<Set<string>> {
  const reachable = await Promise.all(partners.map(async (p) => ((await personalChatOf(turn.deps.records, p.aadObjectId)) ? [p.aadObjectId!] : [])));
  return new Set(reachable.flat());
}

/** Configured segments first, in their order, then any a partner still has. */
function segmentOrder(turn: Turn, partners: Partner[]): string[] {
  const ids = turn.deps.config.segments.map((s) => s.id);
  return [...ids, ...new Set(partners.map((p) => p.segment).filter((s) => !ids.includes(s)))];
}

/** Very long names are cut on the list (the form shows them whole), so a page stays within the card size. */
const clip = (text: string) => clipText(text, 100);

function partnerLine(turn: Turn, partner: Partner, reachable: Set<string>) {
  const { t } = turn;
  const details = [
    partner.email,
    t(`partner.language.${partner.locale}`),
    partner.aadObjectId && reachable.has(partner.aadObjectId) ? t('partner.list.teams') : t('partner.list.noTeams'),
    ...(turn.user.role === 'admin' ? [officeName(turn, partner.officeId)] : []),
  ];
  return { id: partner.id, title: clip(`${partner.organisation} – ${partner.name}`), details: clip(details.join(' · ')) };
}

export async function listCard(turn: Turn, view: ListView = {}): Promise<Card> {
  const { t, user } = turn;
  const segment = view.segment ?? '';
  const partners = await listPartners(turn.deps.records, { officeIds: editableOffices(turn), segment: segment || undefined });
  const order = segmentOrder(turn, partners);
  const inSegment = (id: string) => partners.filter((p) => p.segment === id);
  const summarise = !segment && partners.length > LIST_LIMIT;

  const { page, shown } = paginate(summarise ? [] : partners, view.page, LIST_LIMIT);
  const reachable = await reachableIds(turn, shown);
  const groups = order
    .map((id) => ({ id, partners: shown.filter((p) => p.segment === id) }))
    .filter((g) => g.partners.length > 0)
    .map((g) => ({
      title: t('partner.list.group', { segment: segmentName(turn, g.id), count: inSegment(g.id).length }),
      partners: g.partners.map((p) => partnerLine(turn, p, reachable)),
    }));
  const summary = summarise
    ? order
        .filter((id) => inSegment(id).length > 0)
        .map((id) => ({ segment: id, title: t('partner.list.group', { segment: segmentName(turn, id), count: inSegment(id).length }) }))
    : [];

  const empty = t(segment ? 'partner.list.emptySegment' : 'partner.list.empty', { segment: segmentName(turn, segment) });
  const intro = partners.length === 0 ? empty : summarise ? t('partner.list.summary', { count: partners.length, limit: LIST_LIMIT }) : '';
  const card = renderCard('partner-list', {
    title: user.role === 'admin' ? t('partner.list.titleAll') : t('partner.list.title', { office: officeName(turn, user.officeId) }),
    notice: view.notice ?? '',
    warning: view.warning ?? '',
    undo: { partnerId: view.undoPartnerId ?? '', title: t('partner.button.undo') },
    intro,
    groups,
    summary,
    showAll: !!segment,
    labels: {
      edit: t('partner.button.edit'),
      remove: t('partner.button.remove'),
      show: t('partner.button.show'),
      add: t('partner.button.add'),
      import: t('partner.button.import'),
      all: t('partner.button.all'),
    },
  });
  return withPager(card, { t, locale: user.locale }, page, { verb: 'partner.list', keep: { segment } });
}

type FormValues = Record<'name' | 'organisation' | 'email' | 'segment' | 'locale' | 'officeId' | 'aadObjectId', string>;

/** A button about one partner. */
const aboutPartner = cardData({ partnerId: cardId });

/**
 * The partner form: the inputs stay text, checked field by field by parsePartnerInput.
 * A coordinator's form has no office input (undefined); a crafted one is refused by the parser.
 */
const partnerForm = cardData({
  partnerId: z.string().default(''), // '' or none: a new partner (the Add form)
  name: formText,
  organisation: formText,
  email: formText,
  segment: formText,
  locale: formText,
  officeId: formText.optional(),
  aadObjectId: formText,
});

function formCard(turn: Turn, partnerId: string, values: FormValues, errors: string[] = []): Card {
  const { t, user, deps } = turn;
  const offices = editableOffices(turn);
  return renderCard('partner-form', {
    title: t(partnerId ? 'partner.form.editTitle' : 'partner.form.addTitle'),
    errorsTitle: t('partner.form.errorsTitle'),
    errors,
    partnerId,
    values,
    segments: deps.config.segments.map((s) => ({ value: s.id, title: s.name[user.locale] })),
    locales: LOCALES.map((l) => ({ value: l, title: t(`partner.language.${l}`) })),
    // A coordinator's partners are in their own office: no choice to offer.
    offices: user.role === 'admin' ? offices.map((id) => ({ value: id, title: officeName(turn, id) })) : [],
    officeLine: user.role === 'admin' ? '' : `${t('partner.field.officeId')}: ${officeName(turn, user.officeId)}`,
    aadHelp: t('partner.form.aadHelp'),
    labels: {
      name: t('partner.field.name'),
      organisation: t('partner.field.organisation'),
      email: t('partner.field.email'),
      segment: t('partner.field.segment'),
      locale: t('partner.field.locale'),
      officeId: t('partner.field.officeId'),
      aadObjectId: t('partner.form.optional', { label: t('partner.field.aadObjectId') }),
      choose: t('partner.form.choose'),
      save: t('partner.button.save'),
      cancel: t('partner.button.cancel'),
    },
  });
}

function valuesOf(partner: Partner): FormValues {
  const { name, organisation, email, segment, locale, officeId } = partner;
  return { name, organisation, email, segment, locale, officeId, aadObjectId: partner.aadObjectId ?? '' };
}

function emptyValues(turn: Turn): FormValues {
  const office = turn.deps.config.offices.find((o) => o.id === turn.user.officeId);
  const blank = { name: '', organisation: '', email: '', segment: '', aadObjectId: '' };
  return { ...blank, locale: office?.locale ?? 'fi', officeId: turn.user.officeId };
}

/** What the user is told when the service refuses to change a partner: it is gone, or another office's. */
const refusal = (turn: Turn, code: PartnerErrorCode) => turn.t(code === 'other-office' ? 'partner.otherOffice' : 'partner.notFound');

/** The partner a button is about, or the refusal to show instead. */
async function partnerToTouch(turn: Turn, partnerId: string): Promise<Partner | string> {
  const found = await partnerToChange(turn.deps.records, turn.user, partnerId);
  return found.ok ? found.partner : refusal(turn, found.code);
}

const who = (p: Partner) => ({ name: p.name, organisation: p.organisation });
const auditTarget = (p: Partner) => ({ partnerId: p.id, name: p.name, email: p.email });

/** The form field a register conflict is about. */
const conflictField = (code: string) => (code === 'duplicate-aad-object-id' ? 'aadObjectId' : 'email');

async function save(turn: Turn, data: z.infer<typeof partnerForm>): Promise<Card | string> {
  const { partnerId, name, organisation, email, segment, locale, aadObjectId } = data;
  const values: FormValues = { name, organisation, email, segment, locale, officeId: data.officeId ?? turn.user.officeId, aadObjectId };
  const rerender = (errors: PartnerFieldError[]) => formCard(turn, partnerId, values, partnerErrorLines(turn, errors));
  const parsed = parsePartnerInput(values, {
    segments: turn.deps.config.segments.map((s) => s.id),
    offices: editableOffices(turn),
  });
  if (!parsed.ok) return rerender(parsed.errors);

  const now = turn.deps.clock();
  const result = partnerId
    ? await updatePartner(turn.deps.records, turn.user, partnerId, parsed.value, now)
    : await addPartner(turn.deps.records, turn.user, parsed.value, now);
  if (!result.ok) {
    if (result.code === 'not-found' || result.code === 'other-office') return refusal(turn, result.code);
    return rerender([{ field: conflictField(result.code), code: result.code }]);
  }
  return listCard(turn, { segment: result.partner.segment, notice: turn.t('partner.saved', who(result.partner)) });
}

function confirmCard(turn: Turn, partner: Partner): Card {
  const { t } = turn;
  return renderCard('partner-confirm', {
    title: t('partner.removeConfirm.title'),
    text: t('partner.removeConfirm.text', who(partner)),
    details: [partner.email, segmentName(turn, partner.segment), officeName(turn, partner.officeId)].join(' · '),
    partnerId: partner.id,
    segment: partner.segment,
    labels: { confirm: t('partner.button.confirmRemove'), cancel: t('partner.button.cancel') },
  });
}

async function remove(turn: Turn, partnerId: string): Promise<Card | string> {
  const result = await removePartnerWithUndo(turn.deps.records, turn.user, partnerId, turn.deps.clock());
  if (!result.ok) return refusal(turn, result.code);
  const { partner } = result;
  await audited(turn, 'partner.remove', auditTarget(partner), { office: partner.officeId, segment: partner.segment });
  return listCard(turn, {
    segment: partner.segment,
    notice: turn.t('partner.removed', who(partner)),
    undoPartnerId: partner.id,
  });
}

async function restore(turn: Turn, partnerId: string): Promise<Card | string> {
  const result = await undoRemoval(turn.deps.records, turn.user, partnerId, turn.deps.clock());
  if (!result.ok && result.code === 'not-found') return turn.t('partner.undoGone'); // never removed, undone or expired
  if (!result.ok && result.code === 'other-office') return turn.t('partner.otherOffice');
  if (!result.ok) {
    const [reason] = partnerErrorLines(turn, [{ field: conflictField(result.code), code: result.code }]);
    return turn.t('partner.restoreFailed', { reason });
  }
  const { partner } = result;
  await audited(turn, 'partner.restore', auditTarget(partner), { office: partner.officeId, segment: partner.segment });
  return listCard(turn, { segment: partner.segment, notice: turn.t('partner.restored', who(partner)) });
}

/** "partners" or "partners <segment id>"; an unknown segment lists all with a note. */
function segmentArg(turn: Turn, args: string): ListView {
  if (!args) return {};
  const { segments } = turn.deps.config;
  const segment = segments.find((s) => s.id.toLowerCase() === args.toLowerCase());
  if (segment) return { segment: segment.id };
  return { warning: turn.t('partner.list.unknownSegment', { value: args, segments: segments.map((s) => s.id).join(', ') }) };
}

export const partnersFeature: Feature = {
  commands: [
    {
      name: 'partners',
      words: 'partners',
      roles: OFFICE_STAFF,
      menu: ['personal'],
      handle: async (turn, args) => {
        // The register holds partners' e-mail addresses; channels can have guests.
        if (turn.conversation.kind !== 'personal') return turn.t('error.personalChatOnly');
        return listCard(turn, segmentArg(turn, args));
      },
    },
  ],
  cardActions: [
    // No segment (the "all segments" button) or '' (a pager of the whole list) lists every segment.
    cardAction('partner.list', OFFICE_STAFF, cardData({ segment: z.string().optional(), page }), async (turn, data) =>
      listCard(turn, { segment: data.segment || undefined, page: data.page }),
    ),
    cardAction('partner.add', OFFICE_STAFF, cardData({}), async (turn) => formCard(turn, '', emptyValues(turn))),
    cardAction('partner.edit', OFFICE_STAFF, aboutPartner, async (turn, data) => {
      const partner = await partnerToTouch(turn, data.partnerId);
      return typeof partner === 'string' ? partner : formCard(turn, partner.id, valuesOf(partner));
    }),
    cardAction('partner.save', OFFICE_STAFF, partnerForm, save),
    cardAction('partner.remove', OFFICE_STAFF, aboutPartner, async (turn, data) => {
      const partner = await partnerToTouch(turn, data.partnerId);
      return typeof partner === 'string' ? partner : confirmCard(turn, partner);
    }),
    cardAction('partner.remove.confirm', OFFICE_STAFF, aboutPartner, async (turn, data) => remove(turn, data.partnerId)),
    cardAction('partner.restore', OFFICE_STAFF, aboutPartner, async (turn, data) => restore(turn, data.partnerId)),
  ],
};
