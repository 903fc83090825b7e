// Subscriptions (the digest, a channel's meetings or news) on both RecordStores:
// one per topic, conversation and office, also when several instances on one
// PostgreSQL database subscribe the same conversation at once.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { subscribeChannel, unsubscribeChannel } from '../bot/services/channel-network.js';
import { subscribeDigest } from '../bot/services/digest.js';
import type { RecordStore } from '../bot/store/records.js';
import { lowdbSubject, postgresSubject } from './harness/record-stores.js';

const NOW = new Date('2027-03-02T12:00:00.000Z');
const CHANNEL = { conversationRecordId: 'channel-1', officeId: 'uusimaa', by: 'aad-coordinator', locale: 'fi' as const };

describe.each([lowdbSubject(), postgresSubject()])('subscriptions on $name', (subject) => {
  beforeAll(() => subject.setUp());
  afterEach(() => subject.clean());

  /** The stores several instances would have: on PostgreSQL each its own pool; lowdb allows one process. */
  async function instances(): Promise<RecordStore[]> {
    const first = await subject.empty();
    return subject.name === 'postgres' ? [first, await subject.reopen(), await subject.reopen()] : [first];
  }

  it('twelve subscribes of one conversation at once, spread over the instances, keep one subscription and answer "already subscribed" to the rest', async () => {
    const stores = await instances();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => subscribeDigest(stores[i % stores.length], { conversationRecordId: 'chat-1', by: `aad-${i}`, locale: 'fi' }, NOW)),
    );
    expect(results.filter((r) => r === 'subscribed')).toHaveLength(1);
    expect(results.filter((r) => r === 'already-subscribed')).toHaveLength(11);
    expect(await stores[0].findBy('subscriptions', 'conversationRecordId', 'chat-1')).toEqual([
      expect.objectContaining({ topic: 'digest', conversationRecordId: 'chat-1', at: NOW.toISOString() }),
    ]);
  });

  it('a channel follows the meetings and the news of an office once each, and of a second office too; unsubscribing ends the topic for every office', async () => {
    const [records] = await instances();
    expect(await subscribeChannel(records, 'meetings', CHANNEL, NOW)).toBe('subscribed');
    expect(await subscribeChannel(records, 'meetings', CHANNEL, NOW)).toBe('already-subscribed');
    expect(await subscribeChannel(records, 'news', CHANNEL, NOW)).toBe('subscribed');
    expect(await subscribeChannel(records, 'meetings', { ...CHANNEL, officeId: 'pohjanmaa' }, NOW)).toBe('subscribed');
    const topics = async () => (await records.findBy('subscriptions', 'conversationRecordId', 'channel-1')).map((s) => `${s.topic}:${s.officeId}`).sort();
    expect(await topics()).toEqual(['meetings:pohjanmaa', 'meetings:uusimaa', 'news:uusimaa']);

    expect(await unsubscribeChannel(records, 'meetings', 'channel-1')).toBe(true);
    expect(await unsubscribeChannel(records, 'meetings', 'channel-1')).toBe(false);
    expect(await topics()).toEqual(['news:uusimaa']);
  });
});
