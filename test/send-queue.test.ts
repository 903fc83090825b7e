// The paced send queue: a conversation gets no more than Teams' per-thread
// limit at once, different conversations go in parallel up to the bot's
// concurrency, and at shutdown the waiting sends end with an AbortError without
// being sent or recorded, also a send waiting to retry.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CONVERSATION_LIMITS, SendQueue } from '../bot/delivery/send-queue.js';
import { TeamsDelivery } from '../bot/delivery/teams-delivery.js';
import { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { createAdapter } from '../bot/teams/app.js';
import { AdapterConversationPort } from '../bot/teams/conversation-port.js';
import { ConnectorStandIn } from './harness/connector.js';
import { partnerChat } from './harness/seed.js';

const PACING = { teamsConcurrency: 4, teamsPerSecond: 50, smtpMaxConcurrent: 2 };
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** A send that only finishes when told to, and says when it started. */
function controlledSends() {
  const started: string[] = [];
  const finish: (() => void)[] = [];
  const send = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push(name);
      finish.push(() => resolve(name));
    });
  return { started, finish, send };
}

describe('SendQueue', () => {
  it('keeps one conversation within Teams’ limit of 7 messages a second while others go in parallel', async () => {
    const controller = new AbortController();
    // The clock stands still, so the window of the first seven never passes.
    const queue = new SendQueue({ ...PACING, teamsConcurrency: 20 }, controller.signal, () => 1_000_000);
    const { started, send } = controlledSends();
    const outcomes = Array.from({ length: 9 }, (_, i) => queue.teamsSend('channel', send(`channel-${i}`)).catch((err: Error) => err.name));
    const others = Array.from({ length: 3 }, (_, i) => queue.teamsSend(`chat-${i}`, send(`chat-${i}`)).catch((err: Error) => err.name));
    await settle();
    expect(started.filter((s) => s.startsWith('channel'))).toHaveLength(CONVERSATION_LIMITS[0].count);
    expect(started.filter((s) => s.startsWith('chat'))).toHaveLength(3);
    controller.abort();
    // Every caller gets an AbortError at once, also of a send started (stop gives those a grace period to end).
    expect((await Promise.all([...outcomes, ...others])).filter((o) => o === 'AbortError')).toHaveLength(12);
    expect(started.filter((s) => s.startsWith('channel'))).toHaveLength(7);
  });

  it('runs no more than teamsConcurrency sends at once, and drops the waiting ones at shutdown', async () => {
    const controller = new AbortController();
    const queue = new SendQueue(PACING, controller.signal);
    const { started, finish, send } = controlledSends();
    const outcomes = Array.from({ length: 10 }, (_, i) => queue.teamsSend(`chat-${i}`, send(`chat-${i}`)).catch((err: Error) => err.name));
    await settle();
    expect(started).toHaveLength(4);
    finish[0]();
    expect(await outcomes[0]).toBe('chat-0');
    await settle();
    expect(started).toHaveLength(5);
    controller.abort();
    const ended = await Promise.all(outcomes);
    expect(ended.slice(1).every((o) => o === 'AbortError')).toBe(true);
    expect(started).toHaveLength(5);
    // The sends in flight still end on their own; shutdown waits for them with a grace period.
    finish.forEach((f) => f());
    await queue.inFlightDone();
  });
});

describe('TeamsDelivery at shutdown', () => {
  let dir: string;
  let records: LowdbRecordStore;
  let connector: ConnectorStandIn;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-send-queue-'));
    records = await LowdbRecordStore.open(dir);
    connector = await new ConnectorStandIn().start();
    await records.transaction((tx) => tx.put('conversations', partnerChat({ id: 'p1', aadObjectId: 'aad-p1' }, connector.url)));
  });
  afterEach(async () => {
    await records.close();
    await connector.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('ends a retry wait at once, leaving the send failed (not claimed), so the next start sends it once', async () => {
    const controller = new AbortController();
    const queue = new SendQueue(PACING, controller.signal);
    const at = () => new Date('2027-03-01T10:00:00Z');
    const port = new AdapterConversationPort(createAdapter(null), '');
    // An hour between attempts: only the abort can end the wait.
    const delivery = new TeamsDelivery(records, port, at, () => undefined, { maxAttempts: 5, baseDelayMs: 3_600_000, maxDelayMs: 3_600_000 }, undefined, queue);
    connector.failNext(1, 503);
    const sending = delivery.send('invite:i1:0:teams', 'a:chat-p1', { text: 'Kutsu' }, 'invite').catch((err: Error) => err.name);
    while (connector.requests < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    expect(await sending).toBe('AbortError');
    await queue.inFlightDone();
    expect(await records.get('sends', 'invite:i1:0:teams')).toMatchObject({ status: 'failed', attempts: 1 });
    expect(connector.messages()).toEqual([]);

    // The next start (another sender, another holder) may take it over at once.
    const restarted = new TeamsDelivery(records, port, at, () => undefined);
    expect(await restarted.send('invite:i1:0:teams', 'a:chat-p1', { text: 'Kutsu' }, 'invite')).toBe('sent');
    expect(connector.messages().map((m) => m.activity.text)).toEqual(['Kutsu']);
  });
});
