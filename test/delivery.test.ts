// The proactive-send helper against the real Bot Framework adapter, with the
// connector stand-in answering (and throttling) like the service does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TeamsDelivery } from '../bot/delivery/teams-delivery.js';
import { createAdapter } from '../bot/teams/app.js';
import { AdapterConversationPort } from '../bot/teams/conversation-port.js';
import { ConnectorStandIn } from './harness/connector.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';

describe('TeamsDelivery', () => {
  let temp: TempRecords;
  let connector: ConnectorStandIn;
  let delivery: TeamsDelivery;
  const sleeps: number[] = [];
  const now = new Date('2027-03-01T10:00:00Z');

  beforeEach(async () => {
    temp = await tempRecords();
    connector = await new ConnectorStandIn().start();
    sleeps.length = 0;
    delivery = new TeamsDelivery(
      temp.records,
      new AdapterConversationPort(createAdapter(null), ''),
      () => now,
      () => undefined,
      { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 5000 },
      async (ms) => {
        sleeps.push(ms);
      },
    );
    await temp.records.transaction((tx) =>
      tx.put('conversations', {
        id: 'conv-1',
        kind: 'personal',
        conversationId: 'conv-1',
        reference: {
          channelId: 'msteams',
          serviceUrl: connector.url,
          conversation: { id: 'conv-1', conversationType: 'personal' },
          bot: { id: '28:sidos-bot', name: 'Sidos' },
          user: { id: '29:user', name: 'User' },
        },
        updatedAt: now.toISOString(),
      }),
    );
  });
  afterEach(async () => {
    await temp.cleanup();
    await connector.stop();
  });

  it('sends once per idempotency key, also when asked twice at the same moment', async () => {
    const [a, b] = await Promise.all([
      delivery.send('invite:m1:p1:0', 'conv-1', { text: 'Hello' }, 'invite'),
      delivery.send('invite:m1:p1:0', 'conv-1', { text: 'Hello' }, 'invite'),
    ]);
    expect([a, b].sort()).toEqual(['already-sent', 'sent']);
    expect(await delivery.send('invite:m1:p1:0', 'conv-1', { text: 'Hello' }, 'invite')).toBe('already-sent');
    expect(connector.messages().map((m) => m.activity.text)).toEqual(['Hello']);
    expect(await temp.records.findBy('sends', 'target', 'conv-1')).toEqual([
      // The id the service gave the message is kept, so the card can be replaced later.
      { id: 'invite:m1:p1:0', channel: 'teams', target: 'conv-1', what: 'invite', status: 'sent', attempts: 1, at: now.toISOString(), activityId: 'posted-1' },
    ]);
  });

  it('retries throttling, waiting as long as Retry-After says', async () => {
    connector.failNext(1, 429, '2');
    expect(await delivery.send('k-429', 'conv-1', { text: 'After throttle' }, 'test')).toBe('sent');
    expect(sleeps).toEqual([2000]);
    expect(connector.messages().map((m) => m.activity.text)).toEqual(['After throttle']);
    expect((await temp.records.get('sends', 'k-429'))?.attempts).toBe(2);
  });

  it('backs off exponentially on server errors, then records the failure', async () => {
    connector.failNext(3, 503);
    expect(await delivery.send('k-503', 'conv-1', { text: 'Never arrives' }, 'test')).toBe('failed');
    expect(sleeps).toEqual([100, 200]);
    expect(connector.messages()).toEqual([]);
    const record = await temp.records.get('sends', 'k-503');
    expect(record).toMatchObject({ status: 'failed', attempts: 3, lastError: expect.stringContaining('503') });

    // A later retry of the same key goes out once the service is back.
    expect(await delivery.send('k-503', 'conv-1', { text: 'Arrives later' }, 'test')).toBe('sent');
    expect(await temp.records.get('sends', 'k-503')).toMatchObject({ status: 'sent', attempts: 4 });
    expect((await temp.records.get('sends', 'k-503'))?.lastError).toBeUndefined();
  });

  it('does not retry a client error such as 403 (bot removed from the chat)', async () => {
    connector.failNext(1, 403);
    expect(await delivery.send('k-403', 'conv-1', { text: 'x' }, 'test')).toBe('failed');
    expect(sleeps).toEqual([]);
  });

  it('records a failure when no conversation is stored for the target', async () => {
    expect(await delivery.send('k-none', 'missing', { text: 'x' }, 'test')).toBe('failed');
    expect((await temp.records.get('sends', 'k-none'))?.lastError).toBe('no stored conversation');
  });
});
