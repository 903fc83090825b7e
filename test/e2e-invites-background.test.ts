// Sending invitations in the background, over HTTP: the Send click is answered
// with the progress card before the sends are done, 1,000 invitees each get
// exactly one invite (in Teams or by e-mail), the card is updated until it
// shows the final counts, a double click joins the running batch, and Retry
// failed resends only what failed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner } from '../bot/domain/types.js';
import type { RecordStore } from '../bot/store/records.js';
import { progressCardOf } from '../bot/teams/invites.js';
import { FakeClock } from './harness/clock.js';
import type { PostedActivity } from './harness/connector.js';
import { coordinator } from './harness/people.js';
import { meetingFixture, partnerChat, partnerFixture } from './harness/seed.js';
import { cardText, Harness } from './harness/sidos-harness.js';
import { startSmtpCapture, type SmtpCapture } from './harness/smtp.js';

const TEAMS_INVITEES = 400;
const EMAIL_INVITEES = 600;
const TEAMS_MESSAGE_LIMIT_BYTES = 28 * 1024;
const BIG = meetingFixture({ id: 'meeting-big', uid: 'meeting-big@sidos' });
const SMALL = meetingFixture({ id: 'meeting-small', uid: 'meeting-small@sidos', segments: ['debt-counsellors'] });
const RESTARTED = meetingFixture({ id: 'meeting-restarted', uid: 'meeting-restarted@sidos', segments: ['rental-agencies'] });

const teamsPartner = (n: number, segment = 'municipalities') =>
  partnerFixture(`t${segment.slice(0, 1)}${String(n).padStart(4, '0')}`, { aadObjectId: `aad-${segment}-${n}`, segment });
const emailPartner = (n: number) => partnerFixture(`e${String(n).padStart(4, '0')}`);

async function seed(records: RecordStore, serviceUrl: string, partners: Partner[]): Promise<void> {
  await records.transaction(async (tx) => {
    for (const partner of partners) await tx.put('partners', partner);
    for (const partner of partners.filter((p) => p.aadObjectId)) await tx.put('conversations', partnerChat(partner, serviceUrl));
    for (const meeting of [BIG, SMALL, RESTARTED]) await tx.putInYear('meetings', 2027, { ...meeting });
  });
}

/** The invites posted to partner chats, counted per conversation. */
function invitesPerChat(posted: PostedActivity[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of posted.filter((p) => p.conversationId.startsWith('a:chat-'))) counts.set(p.conversationId, (counts.get(p.conversationId) ?? 0) + 1);
  return counts;
}

describe('sending invitations in the background', () => {
  let smtp: SmtpCapture;
  let h: Harness;
  const teams = Array.from({ length: TEAMS_INVITEES }, (_, i) => teamsPartner(i));
  const email = Array.from({ length: EMAIL_INVITEES }, (_, i) => emailPartner(i));
  const counsellors = Array.from({ length: 30 }, (_, i) => teamsPartner(i, 'debt-counsellors'));
  const landlords = Array.from({ length: 40 }, (_, i) => teamsPartner(i, 'rental-agencies'));

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    h = await Harness.start({
      clock: new FakeClock('2027-02-20T08:00:00.000Z').now,
      env: { SMTP_URL: smtp.url },
      config: { sending: { teamsConcurrency: 8, teamsPerSecond: 50, smtpMaxConcurrent: 20 } },
    });
    // The partners' chats point at this connector stand-in, so they are written once it is running.
    await h.restart((records) => seed(records, h.serviceUrl, [...teams, ...email, ...counsellors, ...landlords]));
  }, 60_000);
  afterAll(async () => {
    await h.stop();
    await smtp.close();
  });

  it('shows a card under Teams’ size limit with 1,000 partners to invite, a page of them and a toggle for all', async () => {
    const res = await h.click(coordinator, 'invites.open', { meetingId: BIG.id });
    expect(Buffer.byteLength(JSON.stringify(res.value))).toBeLessThan(TEAMS_MESSAGE_LIMIT_BYTES);
    const text = cardText(res.value);
    expect(text).toContain('Kutsu kaikki 1000 vielä kutsumatonta kumppania');
    expect(text).toContain('Sivu 1/50');
    expect(JSON.stringify(res.value).match(/"id":"invite_/g)).toHaveLength(20);
  });

  it('answers Send with the progress card before the sends are done, then sends each of 1,000 invitees exactly one invite', async () => {
    const posts = h.connector.posted.length;
    h.connector.hold();
    const answer = await h.click(coordinator, 'invites.send', { meetingId: BIG.id, inviteAll: 'true' }, { replyToId: 'manage-big' });
    // The connector holds every post, so no Teams invite can have arrived before the answer.
    expect(h.connector.messages(posts).filter((p) => p.conversationId.startsWith('a:chat-'))).toEqual([]);
    const text = cardText(answer.value);
    expect(text).toMatch(/\d+ \/ 1000 kutsua lähetetty, 0 epäonnistui/);
    expect(text).toContain('Lähetetään taustalla; tämä kortti päivittyy itsestään');
    expect(answer.value.refresh).toMatchObject({ action: { verb: 'invites.open', data: { meetingId: BIG.id } }, userIds: [coordinator.id] });
    expect(Buffer.byteLength(JSON.stringify(answer.value))).toBeLessThan(TEAMS_MESSAGE_LIMIT_BYTES);

    // A second click while the batch runs joins it.
    await h.connector.waitingAtGate(8);
    const again = await h.click(coordinator, 'invites.send', { meetingId: BIG.id, inviteAll: 'true' }, { replyToId: 'manage-big' });
    expect(cardText(again.value)).toMatch(/\d+ \/ 1000 kutsua lähetetty/);
    h.connector.release();
    await h.idle();

    const perChat = invitesPerChat(h.connector.messages(posts));
    expect(perChat.size).toBe(TEAMS_INVITEES);
    expect([...perChat.values()].every((n) => n === 1)).toBe(true);
    const mails = smtp.mails.map((m) => m.to.join());
    expect(mails).toHaveLength(EMAIL_INVITEES);
    expect(new Set(mails).size).toBe(EMAIL_INVITEES);
    // The paced queue never had more Teams sends in flight than configured.
    expect(h.connector.peakInFlight).toBeLessThanOrEqual(8);
  }, 120_000);

  it('updated the clicked card until it showed the final counts', async () => {
    const updates = h.connector.updated.filter((u) => u.replyToId === 'manage-big');
    const sentCounts = updates.map((u) => Number(/(\d+) \/ 1000 kutsua lähetetty/.exec(cardText(u.activity.attachments[0].content))![1]));
    // Updates while sending, moving forward only, then the final one.
    expect(sentCounts.some((n) => n > 0 && n < 1000)).toBe(true);
    expect(sentCounts).toEqual([...sentCounts].sort((a, b) => a - b));
    const last = updates.at(-1)!.activity.attachments[0].content;
    expect(cardText(last)).toContain('1000 / 1000 kutsua lähetetty, 0 epäonnistui');
    expect(cardText(last)).toContain('Lähetetty: 400 Teamsissa, 600 sähköpostilla.');
    expect(last.refresh).toBeUndefined();
    expect(Buffer.byteLength(JSON.stringify(last))).toBeLessThan(TEAMS_MESSAGE_LIMIT_BYTES);
    // The tracking of the card ends with the final update.
    expect(await progressCardOf(h.records, BIG.id)).toBeUndefined();
  });

  it('lists who failed with a Retry failed button, which resends only the failed ones', async () => {
    const posts = h.connector.posted.length;
    h.connector.failNext(5, 403);
    await h.click(coordinator, 'invites.send', { meetingId: SMALL.id, inviteAll: 'true' }, { replyToId: 'manage-small' });
    await h.idle();
    const final = h.connector.updated.filter((u) => u.replyToId === 'manage-small').at(-1)!.activity.attachments[0].content;
    expect(cardText(final)).toContain('25 / 30 kutsua lähetetty, 5 epäonnistui');
    expect(cardText(final)).toContain('Ei toimitettu (5)');
    const retry = (final.actions as any[]).find((a) => a.verb === 'invites.retry');
    expect(retry).toMatchObject({ title: 'Yritä epäonnistuneita uudelleen', data: { meetingId: SMALL.id } });
    const delivered = new Set(invitesPerChat(h.connector.messages(posts)).keys());
    expect(delivered.size).toBe(25);

    const retryPosts = h.connector.posted.length;
    await h.click(coordinator, 'invites.retry', retry.data, { replyToId: 'manage-small' });
    await h.idle();
    const resent = invitesPerChat(h.connector.messages(retryPosts));
    expect(resent.size).toBe(5);
    expect([...resent.keys()].some((chat) => delivered.has(chat))).toBe(false);
    expect([...resent.values()].every((n) => n === 1)).toBe(true);
    const done = h.connector.updated.filter((u) => u.replyToId === 'manage-small').at(-1)!.activity.attachments[0].content;
    expect(cardText(done)).toContain('30 / 30 kutsua lähetetty, 0 epäonnistui');
    expect((done.actions as any[]).some((a) => a.verb === 'invites.retry')).toBe(false);
  }, 60_000);

  it('finishes a batch cut short by a restart once, and still ends the card with the final counts', async () => {
    const posts = h.connector.posted.length;
    h.connector.hold();
    await h.click(coordinator, 'invites.send', { meetingId: RESTARTED.id, inviteAll: 'true' }, { replyToId: 'manage-restarted' });
    await h.connector.waitingAtGate(8);
    // Stopping drops the sends not started; the ones on the wire finish within the grace period and are recorded.
    const stopping = h.sidos.stop();
    h.connector.release();
    await stopping;
    const beforeRestart = invitesPerChat(h.connector.messages(posts)).size;
    expect(beforeRestart).toBeLessThan(landlords.length);
    await h.restart(async (records) => expect(await progressCardOf(records, RESTARTED.id)).toBeDefined());
    await h.runJob('invites.sync');
    await h.idle();
    const perChat = invitesPerChat(h.connector.messages(posts));
    expect(perChat.size).toBe(landlords.length);
    expect([...perChat.values()].every((n) => n === 1)).toBe(true);
    const final = h.connector.updated.filter((u) => u.replyToId === 'manage-restarted').at(-1)!.activity.attachments[0].content;
    expect(cardText(final)).toContain('40 / 40 kutsua lähetetty, 0 epäonnistui');
  }, 60_000);
});
