// The send log's index by idempotency key: lookups stay right after updates,
// after an erasure that filters or reshapes the list, after a compaction and
// after a restart. And the RecordStore forms beside it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSent, recordSend, sendOf, sendRecordOf, wasSent } from '../bot/delivery/send-log.js';
import { LowdbStore } from '../bot/store/lowdb-store.js';
import type { SendRecord } from '../bot/store/store.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';

const send = (id: string, status: SendRecord['status'] = 'sent', attempts = 1): SendRecord => ({
  id,
  channel: 'teams',
  target: `chat-${id}`,
  what: `message ${id}`,
  status,
  attempts,
  at: '2027-01-01T00:00:00.000Z',
  ...(status === 'failed' ? { lastError: 'HTTP 503: busy' } : {}),
});

describe('send log index', () => {
  let dir: string;
  let store: LowdbStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-sendlog-'));
    store = await LowdbStore.open(dir);
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds a record after it is added and after it is updated, attempts added up', async () => {
    expect(sendRecordOf(store, 'k1')).toBeUndefined();
    await recordSend(store, send('k1', 'failed', 2));
    expect(sendRecordOf(store, 'k1')).toMatchObject({ status: 'failed', attempts: 2, lastError: 'HTTP 503: busy' });
    await recordSend(store, send('k2'));
    await recordSend(store, send('k1', 'sent', 1));
    expect(sendRecordOf(store, 'k1')).toMatchObject({ status: 'sent', attempts: 3 });
    expect(sendRecordOf(store, 'k1')).not.toHaveProperty('lastError');
    expect(wasSent(store, 'k2')).toBe(true);
    expect(store.readShared((d) => d.sends.map((s) => s.id))).toEqual(['k1', 'k2']);
  });

  it('stays right when the list is replaced (an erasure filters it) or reshaped in place', async () => {
    for (const id of ['a', 'b', 'c', 'd']) await recordSend(store, send(id));
    expect(wasSent(store, 'c')).toBe(true);
    await store.updateShared((d) => {
      d.sends = d.sends.filter((s) => s.id !== 'b');
    });
    expect(sendRecordOf(store, 'b')).toBeUndefined();
    expect(sendRecordOf(store, 'c')?.target).toBe('chat-c');
    // In place: one removed and another added keeps the length, every position after it moves.
    await store.updateShared((d) => {
      d.sends.splice(0, 1);
      d.sends.push(send('e'));
    });
    expect(sendRecordOf(store, 'a')).toBeUndefined();
    expect(sendRecordOf(store, 'd')?.target).toBe('chat-d');
    expect(sendRecordOf(store, 'e')?.target).toBe('chat-e');
    // An entry inserted in the middle is found too.
    await store.updateShared((d) => void d.sends.splice(1, 0, send('f')));
    expect(sendRecordOf(store, 'f')?.target).toBe('chat-f');
    expect(sendRecordOf(store, 'e')?.target).toBe('chat-e');
  });

  it('finds the same records after a compaction and after a restart', async () => {
    for (let i = 0; i < 50; i++) await recordSend(store, send(`k${i}`, i % 5 === 0 ? 'failed' : 'sent'));
    // A purge write rewrites the snapshot and empties the journal.
    await store.updateShared((d) => void d.sends.splice(d.sends.findIndex((s) => s.id === 'k7'), 1), { purge: true });
    expect(sendRecordOf(store, 'k7')).toBeUndefined();
    expect(sendRecordOf(store, 'k8')?.target).toBe('chat-k8');
    await recordSend(store, send('k10', 'sent', 1));
    await store.close();

    store = await LowdbStore.open(dir);
    expect(sendRecordOf(store, 'k7')).toBeUndefined();
    expect(sendRecordOf(store, 'k10')).toMatchObject({ status: 'sent', attempts: 2 });
    expect(wasSent(store, 'k15')).toBe(false);
    expect(wasSent(store, 'k49')).toBe(true);
    await recordSend(store, send('k50'));
    expect(wasSent(store, 'k50')).toBe(true);
  });
});

describe('send records on the RecordStore', () => {
  let temp: TempRecords;
  beforeEach(async () => {
    temp = await tempRecords();
  });
  afterEach(() => temp.cleanup());

  it('tells a claimed send from a sent one; the document-store form shows only ended sends', async () => {
    const claim = { key: 'k1', channel: 'teams' as const, target: 'chat-k1', what: 'message k1', holder: 'instance-a', until: '2027-01-01T00:05:00.000Z' };
    expect(await temp.records.claimSend(claim, '2027-01-01T00:00:00.000Z')).toBe(true);
    expect(await sendOf(temp.records, 'k1')).toMatchObject({ status: 'claimed', claimedBy: 'instance-a' });
    expect(await isSent(temp.records, 'k1')).toBe(false);
    expect(sendRecordOf(temp.store, 'k1')).toBeUndefined();

    await temp.records.recordSendResult('k1', 'instance-a', { status: 'sent', activityId: 'activity-1' }, '2027-01-01T00:00:01.000Z');
    expect(await isSent(temp.records, 'k1')).toBe(true);
    expect(sendRecordOf(temp.store, 'k1')).toMatchObject({ status: 'sent', attempts: 1, activityId: 'activity-1' });
    expect(await isSent(temp.records, 'k2')).toBe(false);
  });
});
