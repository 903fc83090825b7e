// The send log on the RecordStore: a claimed send is not a sent one, and sends
// recorded as included in an earlier message never replace one that went out.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isSent, recordIncludedSends, sendOf } from '../bot/delivery/send-log.js';
import type { SendRecord } from '../bot/store/store.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';

const send = (id: string, what = `message ${id}`): SendRecord => ({
  id,
  channel: 'teams',
  target: `chat-${id}`,
  what,
  status: 'sent',
  attempts: 0,
  at: '2027-01-01T00:00:00.000Z',
});

describe('send records on the RecordStore', () => {
  let temp: TempRecords;
  beforeEach(async () => {
    temp = await tempRecords();
  });
  afterEach(() => temp.cleanup());

  it('tells a claimed send from a sent one', async () => {
    const claim = { key: 'k1', channel: 'teams' as const, target: 'chat-k1', what: 'message k1', holder: 'instance-a', until: '2027-01-01T00:05:00.000Z' };
    expect(await temp.records.claimSend(claim, '2027-01-01T00:00:00.000Z')).toBe(true);
    expect(await sendOf(temp.records, 'k1')).toMatchObject({ status: 'claimed', claimedBy: 'instance-a' });
    expect(await isSent(temp.records, 'k1')).toBe(false);

    await temp.records.recordSendResult('k1', 'instance-a', { status: 'sent', activityId: 'activity-1' }, '2027-01-01T00:00:01.000Z');
    expect(await isSent(temp.records, 'k1')).toBe(true);
    expect(await sendOf(temp.records, 'k1')).toMatchObject({ status: 'sent', attempts: 1, activityId: 'activity-1' });
    expect(await isSent(temp.records, 'k2')).toBe(false);
  });

  it('records included sends as sent, keeps one that went out as it was, and a later claim finds them done', async () => {
    const claim = { key: 'sent-before', channel: 'teams' as const, target: 'chat-a', what: 'the update itself', holder: 'instance-a', until: '2027-01-01T00:05:00.000Z' };
    await temp.records.claimSend(claim, '2027-01-01T00:00:00.000Z');
    await temp.records.recordSendResult('sent-before', 'instance-a', { status: 'sent', activityId: 'activity-9' }, '2027-01-01T00:00:01.000Z');

    await recordIncludedSends(temp.records, [send('included', 'update (included)'), send('sent-before', 'update (included)')]);
    expect(await sendOf(temp.records, 'included')).toMatchObject({ status: 'sent', what: 'update (included)' });
    expect(await sendOf(temp.records, 'sent-before')).toMatchObject({ what: 'the update itself', activityId: 'activity-9', attempts: 1 });
    expect(await temp.records.claimSend({ ...claim, key: 'included', holder: 'instance-b' }, '2027-01-01T00:01:00.000Z')).toBe(false);
  });
});
