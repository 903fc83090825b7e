// Privacy: the retention period of personal data, applied by a daily job. It
// reads a year's records at a time and writes in transactions of at most
// BATCH records, so other requests are served in between.
import type { AppConfig } from '../config.js';
import type { Instant, Invitation } from '../domain/types.js';
import type { Kind, RecordKinds, YearKind } from '../store/record-kinds.js';
import type { RecordStore, RecordTransaction } from '../store/records.js';
import type { ConversationRecord } from '../store/store.js';
import { UNDO_HOURS } from './partner-undo.js';
import { anonymousFeedback, anonymousInvitation, anonymousProposal, erasePerson, noYearCounts, type YearCounts } from './privacy-erasure.js';
import { isTombstone, REMOVED_PARTNER, scanFor, tombstone } from './privacy-person.js';

const DAY_MS = 86_400_000;
/** Records changed per transaction. */
const BATCH = 200;

export interface RetentionSummary extends YearCounts {
  /** Partners erased because neither they nor anything they did changed since the cut-off. */
  partnersErased: number;
  sends: number;
  /** Personal chats of people Sidos does not know (anymore) that are no longer used. */
  conversations: number;
  links: number;
  jobState: number;
  /** Audit entries older than retention.auditDays, deleted. */
  audit: number;
  /** Announcements sent (or resolved) before the cut-off, deleted with the list of whom they reached. */
  announcements: number;
}

/** The latest moment each partner did something or something was done with them. */
async function lastActivity(records: RecordStore): Promise<Map<string, number>> {
  const latest = new Map<string, number>();
  const seen = (partnerId: string, ...instants: (Instant | undefined)[]) => {
    for (const at of instants) if (at) latest.set(partnerId, Math.max(latest.get(partnerId) ?? 0, Date.parse(at)));
  };
  for (const year of await records.years()) {
    const meetings = new Map((await records.inYear('meetings', year)).map((m) => [m.id, m]));
    for (const i of await records.inYear('invitations', year)) seen(i.partnerId, meetings.get(i.meetingId)?.endsAt, i.respondedAt, i.reminderSentAt);
    for (const r of await records.inYear('feedbackRequests', year)) seen(r.partnerId, r.sentAt, r.lastReminderAt, r.answeredAt);
    for (const f of await records.inYear('feedback', year)) seen(f.partnerId, f.updatedAt);
    for (const p of await records.inYear('proposals', year)) seen(p.authorPartnerId, p.createdAt, ...p.history.map((h) => h.at));
  }
  for await (const { record: p } of records.scan('partners')) {
    const chats = p.aadObjectId ? await records.findBy('conversations', 'aadObjectId', p.aadObjectId) : [];
    seen(p.id, p.updatedAt, chats.find((c) => c.kind === 'personal')?.updatedAt);
  }
  return latest;
}

/**
 * Changes the records with these ids, BATCH per transaction: `change` reads a
 * record again in the transaction and writes it (or not); the number written.
 */
async function inBatches(records: RecordStore, ids: readonly string[], change: (tx: RecordTransaction, id: string) => Promise<boolean>): Promise<number> {
  let changed = 0;
  for (let at = 0; at < ids.length; at += BATCH) {
    changed += await records.transaction(
      async (tx) => {
        let n = 0;
        for (const id of ids.slice(at, at + BATCH)) if (await change(tx, id)) n++;
        return n;
      },
      { purge: true },
    );
  }
  return changed;
}

/** Anonymises the year-filed records of a kind that `old` picks, a year at a time; the number anonymised. */
async function anonymiseOld<K extends 'invitations' | 'feedbackRequests' | 'feedback' | 'proposals'>(
  records: RecordStore,
  kind: K,
  old: (record: RecordKinds[K], tx: RecordTransaction | RecordStore) => Promise<boolean>,
  anonymous: (record: RecordKinds[K]) => RecordKinds[K],
  counted: (record: RecordKinds[K]) => void = () => undefined,
): Promise<number> {
  let total = 0;
  for (const year of await records.years()) {
    const picked: string[] = [];
    for (const record of await records.inYear(kind, year)) if (await old(record, records)) picked.push(record.id);
    total += await inBatches(records, picked, async (tx, id) => {
      const record = await tx.get(kind, id);
      if (!record || !(await old(record, tx))) return false;
      counted(record);
      await tx.putInYear(kind, year, anonymous(record));
      return true;
    });
  }
  return total;
}

/** Deletes the records of a shared kind that `old` picks; the number deleted. */
async function deleteOld<K extends Exclude<Kind, YearKind>>(records: RecordStore, kind: K, old: (record: RecordKinds[K]) => boolean): Promise<number> {
  const picked = (await scanFor(records, kind, old)).map((r) => r.id);
  return inBatches(records, picked, async (tx, id) => {
    const record = await tx.get(kind, id);
    return !!record && old(record) && tx.remove(kind, id);
  });
}

/** The undo copies of removed partners whose undo time has passed. */
async function spentUndoCopies(records: RecordStore, now: Date): Promise<string[]> {
  const spent = (value: string) => now.getTime() - Date.parse((JSON.parse(value) as { removedAt: string }).removedAt) > UNDO_HOURS * 3_600_000;
  return Object.entries(await records.jobStates())
    .filter(([key, value]) => key.startsWith(REMOVED_PARTNER) && spent(value))
    .map(([key]) => key);
}

/**
 * Job: personal data older than retention.personalDataDays is anonymised the
 * way erasing does it (invitations of meetings that ended before the cut-off,
 * feedback requests, feedback and proposals last changed before it); older
 * sends, unused personal chats of people Sidos does not know, spent undo copies
 * of removed partners, expired download links and audit entries older than
 * retention.auditDays are deleted. Partners stay, as the current register,
 * unless they and everything they did are older than the cut-off: then they
 * are erased (one transaction each). Running it again changes nothing.
 */
export async function applyRetention(records: RecordStore, config: AppConfig, now: Date): Promise<RetentionSummary> {
  const cutoff = now.getTime() - config.retention.personalDataDays * DAY_MS;
  const auditCutoff = now.getTime() - config.retention.auditDays * DAY_MS;
  const before = (at: Instant | undefined) => !!at && Date.parse(at) < cutoff;

  const activity = await lastActivity(records);
  const stale = (await scanFor(records, 'partners', (p) => (activity.get(p.id) ?? 0) < cutoff)).map((p) => p.id);
  for (const partnerId of stale) await erasePerson(records, config, { partnerId });

  const counts = noYearCounts();
  const meetingEnded = async (i: Invitation, reader: RecordTransaction | RecordStore) => before((await reader.get('meetings', i.meetingId))?.endsAt);
  counts.invitations = await anonymiseOld(records, 'invitations', async (i, reader) => !isTombstone(i.partnerId) && (await meetingEnded(i, reader)), anonymousInvitation);
  counts.feedbackRequests = await anonymiseOld(
    records,
    'feedbackRequests',
    async (r) => !isTombstone(r.partnerId) && before(r.answeredAt ?? r.sentAt),
    (r) => ({ ...r, partnerId: tombstone() }),
  );
  counts.feedback = await anonymiseOld(records, 'feedback', async (f) => !isTombstone(f.partnerId) && before(f.updatedAt), anonymousFeedback, (f) => {
    if (!f.anonymous) counts.feedbackTexts++;
  });
  counts.proposals = await anonymiseOld(
    records,
    'proposals',
    async (p) => !isTombstone(p.authorPartnerId) && before([p.createdAt, ...p.history.map((h) => h.at)].sort().at(-1)),
    anonymousProposal,
  );

  // Staff configured by e-mail have chats that name no one known: a digest subscription keeps those in use.
  const subscribed = new Set((await scanFor(records, 'subscriptions', () => true)).map((s) => s.conversationRecordId));
  const knownChat = async (c: ConversationRecord) =>
    !!c.aadObjectId &&
    (config.people.some((p) => p.aadObjectId === c.aadObjectId) ||
      (await records.findBy('partners', 'aadObjectId', c.aadObjectId)).length > 0 ||
      (await records.findBy('roleAssignments', 'aadObjectId', c.aadObjectId)).length > 0);
  const unusedChats: string[] = [];
  for (const chat of await scanFor(records, 'conversations', (c) => c.kind === 'personal' && before(c.updatedAt) && !subscribed.has(c.id))) {
    if (!(await knownChat(chat))) unusedChats.push(chat.id);
  }
  const spentUndo = await spentUndoCopies(records, now);
  return {
    ...counts,
    partnersErased: stale.length,
    sends: await deleteOld(records, 'sends', (s) => before(s.at)),
    conversations: await inBatches(records, unusedChats, async (tx, id) => {
      const chat = await tx.get('conversations', id);
      return !!chat && before(chat.updatedAt) && tx.remove('conversations', id);
    }),
    links: await deleteOld(records, 'links', (l) => Date.parse(l.expiresAt) <= now.getTime()),
    jobState: await inBatches(records, spentUndo, (tx, key) => tx.removeJobState(key)),
    audit: await deleteOld(records, 'audit', (e) => Date.parse(e.at) < auditCutoff),
    // They name their recipients: gone with the sends that reached them.
    announcements: await deleteOld(records, 'announcements', (a) => before(a.resolvedAt ?? a.createdAt)),
  };
}
