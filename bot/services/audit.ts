// The audit trail: who did which administrative or privacy action, when and
// on whom. Entries are only appended; erasure anonymises the person in them
// (services/privacy.ts) and retention deletes entries older than
// retention.auditDays.
import { randomBytes, randomUUID } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import type { AppConfig } from '../config.js';
import { spreadsheetSafe } from '../domain/digest-render.js';
import type { RecordReader, RecordStore, RecordTransaction } from '../store/records.js';
import type { AuditEntry, AuditPerson } from '../store/store.js';
import type { FileDownload } from './downloads.js';

/** Every action code the trail records. */
export const AUDIT_ACTIONS = [
  'role.add',
  'role.change',
  'role.remove',
  'partner.remove',
  'partner.restore',
  'partners.import',
  'plan.confirm',
  'meeting.cancel',
  'proposal.decide',
  'subscription.add',
  'subscription.remove',
  'privacy.lookup',
  'privacy.export',
  'privacy.erase',
  'announcement.send',
  'announcement.update',
  'announcement.resolve',
  'contacts.set',
  'channel.subscribe',
  'channel.unsubscribe',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at' | 'action' | 'details'> & {
  action: AuditAction;
  details?: AuditEntry['details'];
};

export const AUDIT_LINK_HOURS = 24;
const DAY_MS = 86_400_000;

/** Only the identifiers that are set: an entry keeps no empty fields. */
function auditPerson(who: AuditPerson): AuditPerson {
  return Object.fromEntries(Object.entries(who).filter(([, v]) => v !== undefined && v !== '')) as AuditPerson;
}

function auditEntry(entry: NewAuditEntry, now: Date): AuditEntry {
  return {
    id: randomUUID(),
    at: now.toISOString(),
    actor: { ...auditPerson(entry.actor), role: entry.actor.role },
    action: entry.action,
    target: auditPerson(entry.target),
    details: entry.details ?? {},
  };
}

/** Adds an entry inside the transaction of the action itself, so both are kept or neither. */
export async function addAudit(tx: RecordTransaction, entry: NewAuditEntry, now: Date): Promise<AuditEntry> {
  const stored = auditEntry(entry, now);
  await tx.put('audit', stored);
  return stored;
}

/** Records an action that was written on its own (or changed nothing): right after it, in a transaction of its own. */
export function recordAudit(records: RecordStore, entry: NewAuditEntry, now: Date): Promise<AuditEntry> {
  return records.transaction((tx) => addAudit(tx, entry, now));
}

/** Entries of the last `days` days, newest first. */
export function auditSince(reader: RecordReader, days: number, now: Date): Promise<AuditEntry[]> {
  return reader.auditSince(new Date(now.getTime() - days * DAY_MS).toISOString());
}

// ---------------------------------------------------------------- the CSV download

/** A download link (valid AUDIT_LINK_HOURS) to the entries of the last `days` days as CSV, gathered when opened. */
export async function auditCsvLink(records: RecordStore, config: AppConfig, days: number, now: Date): Promise<string> {
  const token = randomBytes(24).toString('base64url');
  const expiresAt = new Date(now.getTime() + AUDIT_LINK_HOURS * 3_600_000).toISOString();
  await records.transaction(async (tx) => {
    for (const link of await tx.findBy('links', 'kind', 'audit-csv')) {
      if (Date.parse(link.expiresAt) <= now.getTime()) await tx.remove('links', link.id);
    }
    await tx.put('links', { id: token, kind: 'audit-csv', ref: String(days), expiresAt });
  });
  return `${config.publicBaseUrl}/files/${token}`;
}

const CSV_COLUMNS = [
  'at',
  'action',
  'actor_role',
  'actor_name',
  'actor_email',
  'actor_aad_object_id',
  'target_name',
  'target_email',
  'target_aad_object_id',
  'target_partner_id',
  'target_ref',
  'target_erased',
  'details',
];

/** Starts with a BOM so spreadsheets read UTF-8. */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) => [
    e.at,
    e.action,
    e.actor.role,
    e.actor.name ?? '',
    e.actor.email ?? '',
    e.actor.aadObjectId ?? '',
    e.target.name ?? '',
    e.target.email ?? '',
    e.target.aadObjectId ?? '',
    e.target.partnerId ?? '',
    e.target.ref ?? '',
    e.target.erased || e.actor.erased ? 'yes' : '',
    Object.entries(e.details)
      .map(([k, v]) => `${k}=${v}`)
      .join('; '),
  ].map(spreadsheetSafe));
  return stringify([CSV_COLUMNS, ...rows], { bom: true });
}

/** What an audit CSV link serves; null when unknown or expired. */
export async function resolveAuditDownload(reader: RecordReader, token: string, now: Date): Promise<FileDownload | null> {
  const link = await reader.get('links', token);
  if (!link || link.kind !== 'audit-csv' || Date.parse(link.expiresAt) <= now.getTime()) return null;
  return {
    contentType: 'text/csv; charset=utf-8',
    fileName: `sidos-audit-${now.toISOString().slice(0, 10)}.csv`,
    body: auditCsv(await auditSince(reader, Number(link.ref), now)),
  };
}
