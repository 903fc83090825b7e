// "audit [days]" (admins, personal chat): the latest entries of the audit trail
// and a CSV link with all of them; and `audited`, how a handler records that
// the user did an audited action.
import { renderCard, type Card } from '../cards.js';
import { formatMeetingTime } from '../domain/format.js';
import { AUDIT_LINK_HOURS, auditCsvLink, auditSince, recordAudit, type AuditAction } from '../services/audit.js';
import type { AuditEntry, AuditPerson } from '../store/store.js';
import type { Feature, Turn } from './router.js';
import { ADMINS } from './roles.js';
import { officeOrFirst } from '../domain/office-name.js';

const DEFAULT_AUDIT_DAYS = 30;
const MAX_AUDIT_DAYS = 3650;
/** Entries shown on the card; with ~300 characters each the card stays far below the 28 KB Teams takes. The CSV has all. */
const AUDIT_CARD_ENTRIES = 25;

/** Records that the user of this turn did `action` on `target`, right after the action. */
export async function audited(turn: Turn, action: AuditAction, target: AuditEntry['target'], details: AuditEntry['details'] = {}): Promise<void> {
  const { identity, role } = turn.user;
  await recordAudit(turn.deps.records, { actor: { ...identity, role }, action, target, details }, turn.deps.clock());
}

const clip = (s: string) => (s.length > 160 ? `${s.slice(0, 159)}…` : s);

function personLabel(turn: Turn, who: AuditPerson): string {
  if (who.erased) return turn.t('audit.erased');
  return [who.name, who.email, who.name || who.email ? '' : who.aadObjectId ?? who.partnerId].filter(Boolean).join(' ');
}

function entryLine(turn: Turn, entry: AuditEntry, zone: string) {
  const { t, user } = turn;
  const actor = `${personLabel(turn, entry.actor)} (${t(`role.${entry.actor.role}`)})`;
  const target = [personLabel(turn, entry.target), entry.target.ref ?? ''].filter(Boolean).join(' ');
  const details = Object.entries(entry.details).map(([k, v]) => `${k}: ${v}`);
  return {
    title: clip(`${formatMeetingTime(entry.at, zone, user.locale)} · ${t(`audit.action.${entry.action}`)}`),
    details: clip([t('audit.by', { actor }), ...(target ? [t('audit.about', { target })] : []), ...details].join(' · ')),
  };
}

export async function auditCard(turn: Turn, days: number): Promise<Card> {
  const { t, deps, user } = turn;
  const now = deps.clock();
  const entries = await auditSince(deps.records, days, now);
  const zone = (officeOrFirst(deps.config.offices, user.officeId)).timeZone;
  const shown = entries.slice(0, AUDIT_CARD_ENTRIES);
  return renderCard('audit-list', {
    title: t('audit.title', { days }),
    intro: entries.length === 0 ? t('audit.empty', { days }) : t('audit.intro', { shown: shown.length, count: entries.length }),
    entries: shown.map((e) => entryLine(turn, e, zone)),
    note: t('audit.linkNote', { hours: AUDIT_LINK_HOURS }),
    downloadUrl: await auditCsvLink(deps.records, deps.config, days, now),
    labels: { download: t('audit.button.download') },
  });
}

export const auditFeature: Feature = {
  commands: [
    {
      name: 'audit',
      words: 'audit',
      roles: ADMINS,
      handle: async (turn, args) => {
        // Entries name people: not in a channel, where guests may read.
        if (turn.conversation.kind !== 'personal') return turn.t('error.personalChatOnly');
        const days = args === '' ? DEFAULT_AUDIT_DAYS : /^\d+$/.test(args) ? Number(args) : NaN;
        if (!(days >= 1 && days <= MAX_AUDIT_DAYS)) {
          return turn.t('audit.usage', { max: MAX_AUDIT_DAYS });
        }
        return auditCard(turn, days);
      },
    },
  ],
};
