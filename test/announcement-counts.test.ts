// The counts on an announcement's status card, on both RecordStores: each
// recipient counted once by how they got it (or which send failed), follow-ups
// of a resolved disruption, channel posts, acknowledgements and the partners
// nothing reaches; read with the same few queries however many recipients.
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSmtpEmailSender } from '../bot/delivery/email.js';
import { EmailDelivery } from '../bot/delivery/email-delivery.js';
import type { Announcement } from '../bot/domain/types.js';
import { announcementCounts } from '../bot/services/announcement-delivery.js';
import type { StoredSend } from '../bot/store/record-kinds.js';
import type { RecordStore } from '../bot/store/records.js';
import { announcementFixture } from './harness/record-fixtures.js';
import { lowdbSubject, postgresSubject } from './harness/record-stores.js';
import { partnerFixture, personalChat } from './harness/seed.js';

const AT = '2027-03-02T12:00:00.000Z';
const ID = 'announcement-1';

const send = (id: string, status: StoredSend['status']): StoredSend => ({
  id,
  channel: id.includes(':email') ? 'email' : 'teams',
  target: 'someone',
  what: 'announcement',
  status,
  attempts: 1,
  at: AT,
});
const first = (partnerId: string, channel: 'teams' | 'email') => `announce:${ID}:${partnerId}:${channel}`;

/** Recipients in every state a count tells apart; `extra` more who were never sent anything and have no chat. */
async function seed(store: RecordStore, extra = 0): Promise<Announcement> {
  const unsent = Array.from({ length: extra }, (_, i) => `p-more-${i}`);
  const announcement = announcementFixture(ID, {
    resolvedAt: AT,
    recipients: [
      'p-teams',
      'p-teams-resolved',
      'p-teams-failed',
      'p-email',
      'p-email-resolved',
      'p-email-failed',
      'p-teams-failed-then-email',
      'p-unreachable',
      'p-chat-unsent',
      'p-erased',
      ...unsent,
    ],
    channels: ['a:channel-sent', 'a:channel-failed', 'a:channel-unsent'],
    acknowledgements: [
      { partnerId: 'p-teams', at: AT },
      { partnerId: 'p-teams-resolved', at: AT },
    ],
  });
  await store.transaction(async (tx) => {
    for (const id of announcement.recipients.filter((r) => r !== 'p-erased')) {
      await tx.put('partners', partnerFixture(id, id === 'p-chat-unsent' || id.startsWith('p-teams') ? { aadObjectId: `aad-${id}` } : {}));
    }
    await tx.put('conversations', personalChat('a:chat-unsent', 'aad-p-chat-unsent', new Date(AT)));
    for (const record of [
      send(first('p-teams', 'teams'), 'sent'),
      send(first('p-teams-resolved', 'teams'), 'sent'),
      send(`${first('p-teams-resolved', 'teams')}:resolved`, 'sent'),
      send(first('p-teams-failed', 'teams'), 'failed'),
      send(first('p-email', 'email'), 'sent'),
      send(first('p-email-resolved', 'email'), 'sent'),
      send(`${first('p-email-resolved', 'email')}:resolved`, 'sent'),
      send(first('p-email-failed', 'email'), 'failed'),
      send(first('p-teams-failed-then-email', 'teams'), 'failed'),
      send(first('p-teams-failed-then-email', 'email'), 'sent'),
      send(`announce:${ID}:channel:a:channel-sent`, 'sent'),
      send(`announce:${ID}:channel:a:channel-failed`, 'failed'),
    ]) {
      await tx.put('sends', record);
    }
    await tx.put('announcements', announcement);
  });
  return announcement;
}

describe.each([lowdbSubject(), postgresSubject()])('announcement counts on $name', (subject) => {
  let store: RecordStore;
  beforeAll(() => subject.setUp());
  beforeEach(async () => {
    store = await subject.empty();
  });
  afterEach(() => subject.clean());

  it('counts each recipient once by how they got it, failed sends, follow-ups, channels and acknowledgements', async () => {
    const a = await seed(store);
    expect(await announcementCounts({ records: store, email: null }, a)).toEqual({
      recipients: 10,
      teams: { sent: 2, failed: 1 },
      email: { sent: 3, failed: 1 },
      channels: { sent: 1, failed: 1 },
      // Only p-unreachable: p-chat-unsent has a chat, p-erased is no longer registered.
      unreachable: 1,
      acknowledged: 2,
      followUps: 2,
    });
    const email = new EmailDelivery(store, createSmtpEmailSender({ url: 'smtp://localhost:2525', from: null }), () => new Date(AT), () => undefined);
    expect(await announcementCounts({ records: store, email }, a)).toMatchObject({ unreachable: 0, teams: { sent: 2, failed: 1 }, email: { sent: 3, failed: 1 } });
  });

  it('reads the counts with as many queries for 40 more recipients as without them', async () => {
    const queries = () => {
      const methods = ['get', 'getMany', 'findBy', 'findByAny'] as const;
      const spies = methods.map((method) => vi.spyOn(store, method));
      return () => {
        const calls = spies.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
        for (const spy of spies) spy.mockRestore();
        return calls;
      };
    };
    const few = await seed(store);
    const countFew = queries();
    const fewCounts = await announcementCounts({ records: store, email: null }, few);
    const fewQueries = countFew();

    const many = await seed(store, 40);
    const countMany = queries();
    const manyCounts = await announcementCounts({ records: store, email: null }, many);
    expect(countMany()).toBe(fewQueries);
    expect(manyCounts).toEqual({ ...fewCounts, recipients: 50, unreachable: 41 });
    expect(fewQueries).toBeLessThanOrEqual(3);
  });
});
