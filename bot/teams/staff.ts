// "staff" (admins, personal chat): who has which staff role, by office; add a
// person by picking them or by e-mail, change a role or office, remove after a
// confirmation. People of the configuration are shown but not editable. The
// person is told of the change in their own language: at once when Sidos has a
// personal chat with them, else with their next message.
import { renderCard, type Card } from '../cards.js';
import { parseStaffPerson, parseStaffRole, STAFF_ROLES, type StaffPerson } from '../domain/staff-input.js';
import type { Role } from '../domain/types.js';
import { translator, type Translate } from '../i18n.js';
import { personalChatOf } from '../services/conversations.js';
import { userOf } from '../services/people.js';
import {
  addStaff,
  changeStaff,
  chatNameOf,
  clearRoleNotice,
  knownNames,
  listStaff,
  pendingRoleNotice,
  removeStaff,
  staffKey,
  type RoleNotice,
  type StaffMember,
  type StaffResult,
} from '../services/staff.js';
import { clipText } from '../domain/format.js';
import { errorLines } from '../field-error-lines.js';
import { officeName } from './partners-common.js';
import { cardAction, type Feature, type Turn } from './router.js';
import { ADMINS } from './roles.js';
import { z } from 'zod';
import { cardData, cardId, formText } from './card-data.js';

const clip = (s: string) => clipText(s, 100);

/** What a Change or Remove button carries: whom (key), and the role and office the card showed ('' for none). */
const shownFields = { key: cardId, shownRole: z.string(), shownOffice: z.string() };
const shownButton = cardData(shownFields);
type Shown = z.infer<typeof shownButton>;
/** The role and office the card showed, as the staff service compares them. */
const shownOnCard = (button: Shown) => ({ role: button.shownRole, office: button.shownOffice });

/**
 * The staff form. Its inputs stay text, checked field by field by the domain's
 * parsers; the Add form's Save button carries an empty key and shown role and office.
 */
const staffForm = cardData({
  key: z.string().default(''),
  shownRole: z.string().default(''),
  shownOffice: z.string().default(''),
  person: formText,
  email: formText,
  role: formText,
  office: formText,
});

const personTitle = (m: { name?: string; email?: string; aadObjectId?: string }) => m.name ?? m.email ?? m.aadObjectId ?? '';

function roleLine(t: Translate, turn: Turn, role: Role | null, office?: string): string {
  if (!role) return t('staff.noRole');
  return [t(`role.${role}`), office ? officeName(turn, office) : ''].filter(Boolean).join(', ');
}

export async function staffCard(turn: Turn, view: { notice?: string; warning?: string } = {}): Promise<Card> {
  const { t, deps } = turn;
  const members = await listStaff(deps.config, deps.records);
  const line = (m: StaffMember) => ({
    key: m.key,
    role: m.role,
    office: m.office ?? '',
    editable: m.source === 'assigned',
    title: clip(personTitle(m)),
    details: clip(
      [t(`role.${m.role}`), ...(m.name && m.email ? [m.email] : []), ...(m.source === 'configuration' ? [t('staff.list.fromConfiguration')] : [])].join(' · '),
    ),
  });
  const groups = [...deps.config.offices.map((o) => o.id), '']
    .map((office) => ({ office, members: members.filter((m) => (m.office ?? '') === office) }))
    .filter((g) => g.members.length > 0)
    .map((g) => ({ title: g.office ? officeName(turn, g.office) : t('staff.list.noOffice'), members: g.members.map(line) }));
  return renderCard('staff-list', {
    title: t('staff.list.title'),
    notice: view.notice ?? '',
    warning: view.warning ?? '',
    intro: t('staff.list.intro'),
    groups,
    labels: { change: t('staff.button.change'), remove: t('staff.button.remove'), add: t('staff.button.add') },
  });
}

type FormValues = Record<'person' | 'email' | 'role' | 'office', string>;

/** The Add form (no `member`) or the Change form of one assigned person. */
async function formCard(turn: Turn, values: FormValues, member?: StaffMember, errors: string[] = []): Promise<Card> {
  const { t, deps, user } = turn;
  // People who chat with Sidos are offered in the picker; Teams adds the directory search (choices.data).
  // A picker with no choice at all is not a valid card, so then only the e-mail field is shown.
  const people = member
    ? []
    : [...(await knownNames(deps.records))].filter(([id]) => id !== user.identity.aadObjectId).map(([value, title]) => ({ value, title }));
  return renderCard('staff-form', {
    title: member ? t('staff.form.changeTitle', { person: personTitle(member) }) : t('staff.form.addTitle'),
    errorsTitle: t('staff.form.errorsTitle'),
    errors,
    personLine: member ? `${personTitle(member)} · ${roleLine(t, turn, member.role, member.office)}` : '',
    people,
    askEmail: !member,
    values,
    roles: STAFF_ROLES.map((r) => ({ value: r, title: t(`role.${r}`) })),
    offices: deps.config.offices.map((o) => ({ value: o.id, title: officeName(turn, o.id) })),
    help: t(member ? 'staff.form.changeHelp' : 'staff.form.addHelp'),
    key: member?.key ?? '',
    shown: { role: member?.role ?? '', office: member?.office ?? '' },
    labels: {
      person: t('staff.field.person'),
      personPlaceholder: t('staff.form.personPlaceholder'),
      email: t('staff.field.email'),
      role: t('staff.field.role'),
      office: t('staff.field.office'),
      choose: t('staff.form.choose'),
      noOffice: t('staff.form.noOffice'),
      save: t('staff.button.save'),
      cancel: t('staff.button.cancel'),
    },
  });
}

/** The assigned person a button is about, when they still have the role and office the card showed. */
async function stillShown(turn: Turn, shown: Shown): Promise<StaffMember | undefined> {
  const member = (await listStaff(turn.deps.config, turn.deps.records)).find((m) => m.source === 'assigned' && m.key === shown.key);
  return member && member.role === shown.shownRole && (member.office ?? '') === shown.shownOffice ? member : undefined;
}

const staleCard = (turn: Turn) => staffCard(turn, { warning: turn.t('staff.refused.stale') });

function confirmCard(turn: Turn, member: StaffMember): Card {
  const { t } = turn;
  return renderCard('staff-confirm', {
    title: t('staff.removeConfirm.title'),
    text: t('staff.removeConfirm.text', { person: personTitle(member) }),
    details: roleLine(t, turn, member.role, member.office),
    key: member.key,
    shown: { role: member.role, office: member.office ?? '' },
    labels: { confirm: t('staff.button.confirmRemove'), cancel: t('staff.button.cancel') },
  });
}

const actorOf = (turn: Turn) => ({ identity: turn.user.identity, role: turn.user.role });

/**
 * Tells the person at once when Sidos has a personal chat with them; otherwise
 * the notice waits for their next message. Returns the line for the admin.
 */
async function tellPerson(turn: Turn, person: StaffPerson, auditId: string): Promise<string> {
  const { deps } = turn;
  const chat = await personalChatOf(deps.records, person.aadObjectId);
  const pending = await pendingRoleNotice(deps.records, person);
  if (!chat || !pending) return turn.t('staff.told.later');
  const { locale } = await userOf(deps.config, deps.records, person, null);
  const message = noticeText(translator(locale), turn, pending.notice);
  const sent = await deps.delivery.send(`role-notice:${auditId}`, chat.id, { text: message }, 'staff role notice');
  if (sent === 'failed') return turn.t('staff.told.later');
  await clearRoleNotice(deps.records, staffKey(person), auditId);
  return turn.t('staff.told.now');
}

const noticeText = (t: Translate, turn: Turn, notice: RoleNotice) =>
  notice.role ? t('staff.notice.role', { role: roleLine(t, turn, notice.role, notice.office) }) : t('staff.notice.removed');

/** The list with what happened: a refusal as a warning (nothing changed), or the change and whether the person was told. */
async function afterChange(turn: Turn, result: StaffResult, doneKey: string): Promise<Card> {
  if (!result.ok) return staffCard(turn, { warning: turn.t(`staff.refused.${result.code}`) });
  const told = await tellPerson(turn, result.person, result.entry.id);
  const who = (await chatNameOf(turn.deps.records, result.person.aadObjectId)) ?? result.person.email ?? result.person.aadObjectId!;
  return staffCard(turn, { notice: `${turn.t(doneKey, { person: who })} ${told}` });
}

/**
 * Saves the Change form (the button carries the person's key) or the Add form.
 * Whether the change may be made (a stale card, a configured person, one's own role) is the service's answer.
 */
async function save(turn: Turn, data: z.infer<typeof staffForm>): Promise<Card | string> {
  const { deps } = turn;
  const values: FormValues = { person: data.person, email: data.email, role: data.role, office: data.office };
  const role = parseStaffRole(values, deps.config.offices.map((o) => o.id));
  const now = deps.clock();
  if (data.key) {
    if (role.ok) {
      const result = await changeStaff(deps.records, deps.config, actorOf(turn), data.key, shownOnCard(data), role.value, now);
      return afterChange(turn, result, 'staff.changed');
    }
    // The Change form again, with the errors: only while the person still has what the card showed.
    const member = await stillShown(turn, data);
    return member ? formCard(turn, values, member, errorLines(turn.t, 'staff', role.errors)) : staleCard(turn);
  }
  const person = parseStaffPerson(values);
  if (!person.ok || !role.ok) {
    return formCard(turn, values, undefined, errorLines(turn.t, 'staff', [...(person.ok ? [] : person.errors), ...(role.ok ? [] : role.errors)]));
  }
  return afterChange(turn, await addStaff(deps.records, deps.config, actorOf(turn), person.value, role.value, now), 'staff.added');
}

async function remove(turn: Turn, button: Shown): Promise<Card | string> {
  const { deps } = turn;
  const result = await removeStaff(deps.records, deps.config, actorOf(turn), button.key, shownOnCard(button), deps.clock());
  return afterChange(turn, result, 'staff.removed');
}

/** A notice left for this person is delivered with their next message, in their language. */
export async function deliverRoleNotice(turn: Turn, send: (text: string) => Promise<void>): Promise<void> {
  const pending = await pendingRoleNotice(turn.deps.records, turn.user.identity);
  if (!pending) return;
  await send(noticeText(turn.t, turn, pending.notice));
  await clearRoleNotice(turn.deps.records, pending.key, pending.notice.auditId);
}

export const staffFeature: Feature = {
  commands: [
    {
      name: 'staff',
      words: 'staff',
      roles: ADMINS,
      handle: async (turn) => {
        // The list holds staff e-mail addresses; channels can have guests.
        if (turn.conversation.kind !== 'personal') return turn.t('error.personalChatOnly');
        return staffCard(turn);
      },
    },
  ],
  cardActions: [
    cardAction('staff.list', ADMINS, cardData({}), async (turn) => staffCard(turn)),
    cardAction('staff.add', ADMINS, cardData({}), async (turn) => formCard(turn, { person: '', email: '', role: '', office: '' })),
    cardAction('staff.edit', ADMINS, shownButton, async (turn, button) => {
      const member = await stillShown(turn, button);
      if (!member) return staleCard(turn);
      return formCard(turn, { person: '', email: '', role: member.role, office: member.office ?? '' }, member);
    }),
    cardAction('staff.save', ADMINS, staffForm, save),
    cardAction('staff.remove', ADMINS, shownButton, async (turn, button) => {
      const member = await stillShown(turn, button);
      return member ? confirmCard(turn, member) : staleCard(turn);
    }),
    cardAction('staff.remove.confirm', ADMINS, shownButton, remove),
  ],
};
