// What conversations follow: the digest, or an office's meetings or news
// (channel-network.ts). One subscription per topic, conversation and office:
// the store's unique constraint settles two instances subscribing at once.
import { randomBytes } from 'node:crypto';
import { RecordConflictError, type RecordReader, type RecordStore } from '../store/records.js';
import type { Subscription } from '../store/store.js';

export type SubscribeResult = 'subscribed' | 'already-subscribed';

/** The conversation's subscriptions to the topic (of any office). */
async function subscriptionsOf(reader: RecordReader, topic: Subscription['topic'], conversationRecordId: string): Promise<Subscription[]> {
  return (await reader.findBy('subscriptions', 'conversationRecordId', conversationRecordId)).filter((s) => s.topic === topic);
}

export async function subscribe(records: RecordStore, subscription: Omit<Subscription, 'id'>): Promise<SubscribeResult> {
  try {
    return await records.transaction(async (tx) => {
      const existing = await subscriptionsOf(tx, subscription.topic, subscription.conversationRecordId);
      if (existing.some((s) => s.officeId === subscription.officeId)) return 'already-subscribed';
      await tx.put('subscriptions', { id: randomBytes(9).toString('base64url'), ...subscription });
      return 'subscribed';
    });
  } catch (err) {
    // Another instance added the same subscription between our read and our write.
    if (err instanceof RecordConflictError) return 'already-subscribed';
    throw err;
  }
}

/** Ends the conversation's subscriptions to the topic; false when it had none. */
export function unsubscribe(records: RecordStore, topic: Subscription['topic'], conversationRecordId: string): Promise<boolean> {
  return records.transaction(async (tx) => {
    const found = await subscriptionsOf(tx, topic, conversationRecordId);
    for (const s of found) await tx.remove('subscriptions', s.id);
    return found.length > 0;
  });
}
