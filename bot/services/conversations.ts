// Conversation references: where the bot can reach a person or a channel later.
import type { RecordReader } from '../store/records.js';
import type { ConversationKind, ConversationRecord, Store } from '../store/store.js';
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

/**
 * Keeps the reference of a conversation the bot has seen, and links a partner
 * found by e-mail to their Teams identity. Writes only when something changed.
 */
export async function rememberConversation(store: Store, seen: SeenConversation, now: Date): Promise<ConversationRecord> {
  const aadObjectId = seen.kind === 'personal' ? seen.identity.aadObjectId : undefined;
  const current = store.readShared((d) => d.conversations.find((c) => c.id === seen.conversationId));
  const partnerToLink = store.readShared((d) =>
    seen.kind === 'personal' && seen.identity.aadObjectId && seen.identity.email
      ? d.partners.find((p) => !p.aadObjectId && p.email.toLowerCase() === seen.identity.email!.toLowerCase())
      : undefined,
  );
  const unchanged =
    current && JSON.stringify(current.reference) === JSON.stringify(seen.reference) && current.aadObjectId === aadObjectId;
  if (unchanged && !partnerToLink) return current;

  return store.updateShared((d) => {
    if (partnerToLink) {
      const partner = d.partners.find((p) => p.id === partnerToLink.id);
      if (partner && !partner.aadObjectId) Object.assign(partner, { aadObjectId: seen.identity.aadObjectId, updatedAt: now.toISOString() });
    }
    let record = d.conversations.find((c) => c.id === seen.conversationId);
    if (!record) {
      record = { id: seen.conversationId, kind: seen.kind, conversationId: seen.conversationId, reference: seen.reference, updatedAt: now.toISOString() };
      d.conversations.push(record);
    }
    Object.assign(record, { kind: seen.kind, reference: seen.reference, updatedAt: now.toISOString() });
    if (aadObjectId) record.aadObjectId = aadObjectId;
    if (seen.tenantId) record.tenantId = seen.tenantId;
    return { ...record };
  });
}

/** Installs arrive as two events (installationUpdate and conversationUpdate): greet once. */
export async function claimGreeting(store: Store, conversationId: string, now: Date): Promise<boolean> {
  return store.updateShared((d) => {
    const record = d.conversations.find((c) => c.id === conversationId);
    if (!record) return false;
    if (record.greetedAt && now.getTime() - Date.parse(record.greetedAt) < GREETING_GAP_MS) return false;
    record.greetedAt = now.toISOString();
    return true;
  });
}

/** The personal chat of a person, if the bot has one. */
export async function personalChatOf(reader: RecordReader, aadObjectId: string | undefined): Promise<ConversationRecord | undefined> {
  if (!aadObjectId) return undefined;
  return (await reader.findBy('conversations', 'aadObjectId', aadObjectId)).find((c) => c.kind === 'personal');
}

/** The personal chat of a person, if the bot has one. */
export function personalConversation(store: Store, aadObjectId: string | undefined): ConversationRecord | undefined {
  if (!aadObjectId) return undefined;
  return store.readShared((d) => d.conversations.find((c) => c.kind === 'personal' && c.aadObjectId === aadObjectId));
}
