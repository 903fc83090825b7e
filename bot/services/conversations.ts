// Conversation references: where the bot can reach a person or a channel later.
import { isDeepStrictEqual } from 'node:util';
import type { RecordReader, RecordStore } from '../store/records.js';
import type { ConversationKind, ConversationRecord } from '../store/store.js';
import type { Identity } from './people.js';

export interface SeenConversation {
  kind: ConversationKind;
  conversationId: string;
  tenantId?: string;
  reference: Record<string, unknown>;
  /** The sender; for personal chats this is whose chat it is. */
  identity: Identity;
}

const GREETING_GAP_MS = 10 * 60 * 1000;

/** Equal as stored JSON; key order does not count (PostgreSQL's jsonb does not keep it). */
const sameJson = (a: unknown, b: unknown) => isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));

/**
 * Keeps the reference of a conversation the bot has seen, and links a partner
 * found by e-mail to their Teams identity. Writes only when something changed.
 */
export async function rememberConversation(records: RecordStore, seen: SeenConversation, now: Date): Promise<ConversationRecord> {
  const aadObjectId = seen.kind === 'personal' ? seen.identity.aadObjectId : undefined;
  const unlinkedPartner = async (reader: RecordReader) =>
    seen.kind === 'personal' && seen.identity.aadObjectId && seen.identity.email
      ? (await reader.findBy('partners', 'email', seen.identity.email.toLowerCase())).find((p) => !p.aadObjectId)
      : undefined;
  const isCurrent = (record: ConversationRecord | undefined): record is ConversationRecord =>
    !!record && sameJson(record.reference, seen.reference) && record.aadObjectId === aadObjectId;

  const current = await records.get('conversations', seen.conversationId);
  if (isCurrent(current) && !(await unlinkedPartner(records))) return current;

  return records.transaction(async (tx) => {
    const partner = await unlinkedPartner(tx);
    if (partner) await tx.put('partners', { ...partner, aadObjectId: seen.identity.aadObjectId, updatedAt: now.toISOString() });
    const existing = await tx.get('conversations', seen.conversationId);
    const record: ConversationRecord = {
      ...(existing ?? { id: seen.conversationId, conversationId: seen.conversationId }),
      kind: seen.kind,
      reference: seen.reference,
      updatedAt: now.toISOString(),
    };
    if (aadObjectId) record.aadObjectId = aadObjectId;
    if (seen.tenantId) record.tenantId = seen.tenantId;
    await tx.put('conversations', record);
    return record;
  });
}

/** Installs arrive as two events (installationUpdate and conversationUpdate): greet once. */
export async function claimGreeting(records: RecordStore, conversationId: string, now: Date): Promise<boolean> {
  return records.transaction(async (tx) => {
    const record = await tx.get('conversations', conversationId);
    if (!record) return false;
    if (record.greetedAt && now.getTime() - Date.parse(record.greetedAt) < GREETING_GAP_MS) return false;
    await tx.put('conversations', { ...record, greetedAt: now.toISOString() });
    return true;
  });
}

/** The personal chat of a person, if the bot has one. */
export async function personalChatOf(reader: RecordReader, aadObjectId: string | undefined): Promise<ConversationRecord | undefined> {
  if (!aadObjectId) return undefined;
  return (await personalChatsOf(reader, [aadObjectId])).get(aadObjectId);
}

/** The personal chats the bot has with these people (one query), by Teams identity; those without one are left out. */
export async function personalChatsOf(reader: RecordReader, aadObjectIds: readonly string[]): Promise<Map<string, ConversationRecord>> {
  const chats = new Map<string, ConversationRecord>();
  for (const conversation of await reader.findByAny('conversations', 'aadObjectId', aadObjectIds)) {
    if (conversation.kind === 'personal' && conversation.aadObjectId && !chats.has(conversation.aadObjectId)) chats.set(conversation.aadObjectId, conversation);
  }
  return chats;
}

