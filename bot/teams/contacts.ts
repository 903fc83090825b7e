// `contacts`: a partner sees their office's named contacts for their segment
// (e-mail and a Teams chat link); coordinators (their office) and admins set
// the contacts per segment in a card, one person a line.
import { z } from 'zod';
import { renderCard, type Card } from '../cards.js';
import { contactLineOf, parseContactLines } from '../domain/announcement-input.js';
import type { FieldError } from '../domain/field-errors.js';
import type { Contact } from '../domain/types.js';
import { segmentContactsOf, setContacts, teamsChatLink } from '../services/contacts.js';
import { audited } from './audit.js';
import { officeName, segmentName } from './partners-common.js';
import { cardAction, type Feature, type Turn } from './router.js';
import { OFFICE_STAFF } from './roles.js';
import { formText } from './card-data.js';

const FIELD_PREFIX = 'contacts_';
/** The form's texts, one `contacts_<segment>` per configured segment; parseContactLines checks each line. */
const contactTexts = z.record(formText);
type ContactTexts = z.infer<typeof contactTexts>;

async function partnerCard(turn: Turn): Promise<Card | string> {
  const { t, user, deps } = turn;
  const partner = user.partner;
  if (!partner) return t('contacts.notRegistered', { office: officeName(turn, user.officeId) });
  const contacts = await segmentContactsOf(deps.records, partner.officeId, partner.segment);
  if (contacts.length === 0) return t('contacts.none', { office: officeName(turn, partner.officeId), segment: segmentName(turn, partner.segment) });
  return renderCard('contacts', {
    title: t('contacts.title', { office: officeName(turn, partner.officeId) }),
    intro: t('contacts.intro', { segment: segmentName(turn, partner.segment) }),
    chatLabel: t('contacts.button.chat'),
    emailLabel: t('contacts.button.email'),
    contacts: contacts.map((c) => ({ name: c.name, email: c.email, chatUrl: teamsChatLink(c.email), mailto: `mailto:${c.email}` })),
  });
}

async function formCard(turn: Turn, options: { results?: string[]; failed?: boolean; values?: ContactTexts } = {}): Promise<Card> {
  const { t, user, deps } = turn;
  const stored = await Promise.all(deps.config.segments.map((s) => segmentContactsOf(deps.records, user.officeId, s.id)));
  return renderCard('contacts-form', {
    title: t('contacts.form.title', { office: officeName(turn, user.officeId) }),
    intro: t('contacts.form.intro'),
    results: options.results ?? [],
    resultColor: options.failed ? 'Attention' : 'Good',
    placeholder: t('contacts.form.placeholder'),
    segments: deps.config.segments.map((s, at) => {
      const id = `${FIELD_PREFIX}${s.id}`;
      return { id, label: s.name[user.locale], value: options.values?.[id] ?? stored[at].map(contactLineOf).join('\n') };
    }),
    saveLabel: t('contacts.button.save'),
  });
}

async function save(turn: Turn, data: ContactTexts): Promise<Card> {
  const { deps, user, t } = turn;
  const errors: FieldError[] = [];
  const bySegment: Record<string, Contact[]> = {};
  for (const segment of deps.config.segments) {
    const field = `${FIELD_PREFIX}${segment.id}`;
    if (!(field in data)) continue;
    const parsed = parseContactLines(field, data[field]);
    if (parsed.ok) bySegment[segment.id] = parsed.value;
    else errors.push(...parsed.errors);
  }
  if (errors.length > 0) {
    // Field labels are the segment names: "Municipalities: …".
    const lines = errors.map((e) => `${segmentName(turn, e.field.slice(FIELD_PREFIX.length))}: ${t(`validation.${e.code}`, e.params ?? {})}`);
    return formCard(turn, { results: [t('contacts.fixErrors'), ...lines], failed: true, values: data });
  }
  const by = user.identity.aadObjectId ?? user.identity.email ?? '';
  const changed = await setContacts(deps.records, user.officeId, bySegment, by, deps.clock());
  if (changed) await audited(turn, 'contacts.set', { ref: user.officeId }, { segments: Object.keys(bySegment).length });
  return formCard(turn, { results: [t(changed ? 'contacts.saved' : 'contacts.unchanged')] });
}

export const contactsFeature: Feature = {
  commands: [
    {
      name: 'contacts',
      words: 'contacts',
      roles: ['partner', 'coordinator', 'admin'],
      handle: async (turn) => {
        return OFFICE_STAFF.includes(turn.user.role) ? formCard(turn) : partnerCard(turn);
      },
    },
  ],
  cardActions: [
    cardAction('contacts.save', OFFICE_STAFF, contactTexts, save),
  ],
};

