// The invitation use cases on a real store, with the real TeamsDelivery over a
// recording conversation port and e-mail through a real SMTP server.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../bot/config.js';
import { createSmtpEmailSender } from '../bot/delivery/email.js';
import { EmailDelivery } from '../bot/delivery/email-delivery.js';
import { SendError, type ConversationPort, type OutgoingMessage } from '../bot/delivery/outgoing.js';
import { TeamsDelivery } from '../bot/delivery/teams-delivery.js';
import type { Invitation, Meeting } from '../bot/domain/types.js';
import { inviteCounts, meetingInvitees, recordRsvp } from '../bot/services/invite-answers.js';
import { sendReminders } from '../bot/services/invite-reminders.js';
import { GIVE_UP_AFTER_ATTEMPTS, resolveIcsDownload, syncAllPending, syncInvitations } from '../bot/services/invite-sync.js';
import { createInvitations, inviteCandidates, staffMeeting, type InvitePorts } from '../bot/services/invites.js';
import type { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { racingRecords } from './harness/racing-records.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';
import { icsEvent } from './harness/ics.js';
import { meetingFixture, partnerFixture as partner, personalChat } from './harness/seed.js';
import { cardText } from './harness/sidos-harness.js';
import { parseMail, startSmtpCapture, type CapturedMail, type SmtpCapture } from './harness/smtp.js';

class RecordingPort implements ConversationPort {
  readonly sent: { conversationId: string; message: OutgoingMessage }[] = [];
  failures = 0;

  async send(reference: Record<string, unknown>, message: OutgoingMessage): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new SendError('service unavailable', 503);
    }
    this.sent.push({ conversationId: (reference.conversation as { id: string }).id, message });
  }
}

// anna: in Teams; bertil: e-mail only (Swedish); cecilia: another segment; dan: another office.
const anna = partner('anna', { name: 'Anna Kumppani', aadObjectId: 'aad-anna' });
const bertil = partner('bertil', { name: 'Bertil Partner', organisation: 'Vasa stad', locale: 'sv' });
const cecilia = partner('cecilia', { segment: 'collection-agencies' });
const dan = partner('dan', { officeId: 'pohjanmaa' });

const meeting = meetingFixture({
  id: 'm1',
  planId: 'plan1',
  segments: ['municipalities', 'debt-counsellors'],
  onlineUrl: 'https://teams.microsoft.com/l/meetup-join/abc',
});

const NOW = new Date('2027-02-01T10:00:00.000Z');

async function calendarOf(mail: CapturedMail) {
  const parsed = await parseMail(mail);
  return { parsed, ics: parsed.calendar ? icsEvent(parsed.calendar) : undefined };
}

describe('invitations service', () => {
  let smtp: SmtpCapture;
  let received: CapturedMail[];
  const rejected = new Set<string>();

  let temp: TempRecords;
  let records: LowdbRecordStore;
  let port: RecordingPort;
  let config: AppConfig;
  let ports: InvitePorts;
  const logs: string[] = [];

  beforeAll(async () => {
    smtp = await startSmtpCapture({ rejectRecipient: (address) => rejected.has(address) });
    received = smtp.mails;
  });
  afterAll(() => smtp.close());

  function connect(opened: TempRecords) {
    temp = opened;
    records = opened.records;
    const delivery = new TeamsDelivery(records, port, () => NOW, (l) => logs.push(l), { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, async () => undefined);
    ports = { records, config, delivery, email: null, log: (l) => logs.push(l) };
    ports.email = new EmailDelivery(records, createSmtpEmailSender({ url: smtp.url, from: 'sidos-uusimaa@example.fi' }), () => NOW, ports.log);
  }

  beforeEach(async () => {
    received.length = 0;
    rejected.clear();
    logs.length = 0;
    const opened = await tempRecords();
    config = loadConfig({ PORT: '0', DATA_DIR: opened.dir, PUBLIC_BASE_URL: 'https://sidos.example.fi' });
    port = new RecordingPort();
    connect(opened);
    await records.transaction(async (tx) => {
      for (const p of [anna, bertil, cecilia, dan]) await tx.put('partners', p);
      await tx.put('conversations', personalChat('conv-anna', 'aad-anna', NOW));
      await tx.putInYear('plans', 2027, { id: 'plan1', theme: 'Perintäasian ensimmäiset viikot' } as never);
      await tx.putInYear('meetings', 2027, { ...meeting });
    });
  });
  afterEach(() => temp.cleanup());

  /** Sets fields of meeting m1 as a change of the plan would; `bump` raises its SEQUENCE. */
  const setMeeting = (change: Partial<Meeting>, bump = true) =>
    records.transaction(async (tx) => {
      const m = (await tx.get('meetings', 'm1'))!;
      await tx.putInYear('meetings', 2027, { ...m, ...change, sequence: m.sequence + (bump ? 1 : 0) });
    });
  const changeMeeting = (change: Partial<Meeting>) => setMeeting(change);
  const invitations = async () => (await records.findBy('invitations', 'meetingId', 'm1')).sort((a, b) => a.partnerId.localeCompare(b.partnerId));
  const invitationOf = async (partnerId: string) => (await invitations()).find((i) => i.partnerId === partnerId)!;
  const linksOf = async (kind: string) => (await records.findBy('links', 'kind', kind)).sort((a, b) => a.ref.localeCompare(b.ref));
  const allSends = async () => {
    const sends = [];
    for await (const { record } of records.scan('sends')) sends.push(record);
    return sends;
  };
  const inviteBoth = () => createInvitations(ports, 'm1', ['anna', 'bertil'], 'uusimaa', NOW);

  it('offers the office partners of the meeting segments as candidates', async () => {
    expect((await inviteCandidates(records, meeting)).map((p) => p.id)).toEqual(['anna', 'bertil']);
  });

  it('creates each invitation once, with an unguessable token and a download link expiring after the meeting', async () => {
    const first = await inviteBoth();
    const again = await createInvitations(ports, 'm1', ['anna', 'bertil'], 'uusimaa', NOW);
    expect(first.ok && first.created.map((i) => i.partnerId)).toEqual(['anna', 'bertil']);
    expect(again.ok && again.created).toEqual([]);
    const stored = await invitations();
    expect(stored).toHaveLength(2);
    expect(stored[0]).toMatchObject({ meetingId: 'm1', rsvp: 'needs-action', sentSequence: -1 });
    expect(stored[0].icsToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(stored[0].icsToken).not.toBe(stored[1].icsToken);
    expect(await linksOf('ics')).toEqual(
      [...stored].sort((a, b) => a.id.localeCompare(b.id)).map((i) => ({ id: i.icsToken, kind: 'ics', ref: i.id, expiresAt: '2027-04-01T12:30:00.000Z' })),
    );
  });

  it('counts a partner another instance invited at the same moment as already invited', async () => {
    // The other instance commits anna's invitation after this one has read the meeting's
    // invitations: the unique constraint refuses the second, and the retry sees hers.
    const theirs: Invitation = { id: 'theirs', meetingId: 'm1', partnerId: 'anna', rsvp: 'needs-action', sentSequence: -1, icsToken: 'T'.repeat(32) };
    await records.transaction((tx) => tx.putInYear('invitations', 2027, theirs));
    const racing = racingRecords(records, 'invitations');

    const result = await createInvitations({ records: racing, config }, 'm1', ['anna', 'bertil'], 'uusimaa', NOW);
    expect(result.ok && result.created.map((i) => i.partnerId)).toEqual(['bertil']);
    expect((await invitations()).map((i) => [i.partnerId, i.id === 'theirs'])).toEqual([
      ['anna', true],
      ['bertil', false],
    ]);
  });

  it('refuses partners outside the meeting, another office and a cancelled meeting, changing nothing', async () => {
    expect(await createInvitations(ports, 'm1', ['anna', 'cecilia'], 'uusimaa', NOW)).toEqual({ ok: false, code: 'unknown-partner' });
    expect(await createInvitations(ports, 'm1', ['dan'], 'uusimaa', NOW)).toEqual({ ok: false, code: 'unknown-partner' });
    expect(await createInvitations(ports, 'm1', ['anna'], 'pohjanmaa', NOW)).toEqual({ ok: false, code: 'other-office' });
    expect(await createInvitations(ports, 'nope', ['anna'], 'uusimaa', NOW)).toEqual({ ok: false, code: 'not-found' });
    expect(await createInvitations(ports, 'm1', ['anna'], 'uusimaa', new Date(meeting.startsAt))).toEqual({ ok: false, code: 'past' });
    await setMeeting({ status: 'cancelled' }, false);
    expect(await createInvitations(ports, 'm1', ['anna'], 'uusimaa', NOW)).toEqual({ ok: false, code: 'cancelled' });
    expect(await invitations()).toEqual([]);
    expect(await linksOf('ics')).toEqual([]);
  });

  it('gives staff the meetings of the offices they handle: a coordinator their own, an admin any', async () => {
    expect(await staffMeeting(records, 'm1', { role: 'coordinator', officeId: 'uusimaa' })).toMatchObject({ ok: true, meeting: { id: 'm1' } });
    expect(await staffMeeting(records, 'm1', { role: 'admin', officeId: 'pohjanmaa' })).toMatchObject({ ok: true, meeting: { id: 'm1' } });
    expect(await staffMeeting(records, 'm1', { role: 'coordinator', officeId: 'pohjanmaa' })).toEqual({ ok: false, code: 'other-office' });
    expect(await staffMeeting(records, 'nope', { role: 'admin', officeId: 'uusimaa' })).toEqual({ ok: false, code: 'not-found' });
  });

  it('sends a REQUEST, an update with the same UID and SEQUENCE 1, then a CANCEL, in Teams and by e-mail', async () => {
    await inviteBoth();
    const first = await syncInvitations(ports, 'm1', NOW);
    expect(first).toEqual({ sent: { teams: 1, email: 1 }, alreadySent: 0, failed: [], unreachable: [] });

    // Teams: anna's card, in Finnish, with RSVP buttons and her .ics link.
    expect(port.sent.map((s) => s.conversationId)).toEqual(['conv-anna']);
    const card = port.sent[0].message.card!;
    const text = cardText(card);
    expect(text).toContain('Kutsu: Hakemuksen liitteet');
    expect(text).toContain('ti 2.3.2027 klo 13.00–14.30');
    expect(text).toContain('Perintäasian ensimmäiset viikot');
    const actions = card.actions as { type: string; verb?: string; data?: { response: string; invitationId: string }; url?: string }[];
    expect(actions.filter((a) => a.verb === 'invite.rsvp').map((a) => a.data!.response)).toEqual(['accepted', 'tentative', 'declined']);
    expect(actions.find((a) => a.verb)!.data!.invitationId).toBe((await invitationOf('anna')).id);
    expect(actions.map((a) => a.url)).toContain(`https://sidos.example.fi/files/${(await invitationOf('anna')).icsToken}`);

    // E-mail: bertil's, in Swedish, with a REQUEST listing only him.
    expect(received.map((r) => r.to)).toEqual([['bertil@kunta.example.fi']]);
    expect(received[0].raw).toMatch(/^Content-Type: text\/calendar; charset=utf-8; method=REQUEST/m);
    const request = await calendarOf(received[0]);
    expect(request.parsed.subject).toBe('Inbjudan: Hakemuksen liitteet – tis 2.3.2027 kl. 13.00–14.30');
    expect(request.parsed.text).toContain('Hej Bertil Partner,');
    expect(request.parsed.text).toContain('Inbjudan finns bifogad i kalenderformat');
    expect(request.ics).toMatchObject({ method: 'REQUEST', uid: 'm1@sidos.example.fi', sequence: 0, status: 'CONFIRMED' });
    expect(request.ics!.attendees).toEqual(['mailto:bertil@kunta.example.fi']);
    expect((await invitations()).map((i) => i.sentSequence)).toEqual([0, 0]);
    const bertilKey = `invite:${(await invitationOf('bertil')).id}:0:email`;
    expect(await records.get('sends', bertilKey)).toEqual({
      id: bertilKey,
      channel: 'email',
      target: 'bertil',
      what: 'invite REQUEST of meeting m1 SEQUENCE 0 to partner bertil',
      status: 'sent',
      attempts: 1,
      at: NOW.toISOString(),
    });

    await changeMeeting({ startsAt: '2027-03-09T11:00:00.000Z', endsAt: '2027-03-09T12:30:00.000Z' });
    expect(await syncInvitations(ports, 'm1', NOW)).toMatchObject({ sent: { teams: 1, email: 1 } });
    expect(cardText(port.sent[1].message.card)).toContain('Muuttunut kutsu: Hakemuksen liitteet');
    expect(cardText(port.sent[1].message.card)).toContain('ti 9.3.2027 klo 13.00–14.30');
    const update = await calendarOf(received[1]);
    expect(update.ics).toMatchObject({ method: 'REQUEST', uid: 'm1@sidos.example.fi', sequence: 1, start: '2027-03-09T11:00:00.000Z' });
    expect(update.parsed.subject).toMatch(/^Ändrad inbjudan:/);
    // The download link, and the e-mailed partner's RSVP page link, now live until 30 days after the new end.
    const expiries = async (kind: string) => (await linksOf(kind)).map((l) => l.expiresAt);
    expect(await expiries('ics')).toEqual(['2027-04-08T12:30:00.000Z', '2027-04-08T12:30:00.000Z']);
    expect(await expiries('rsvp')).toEqual(['2027-04-08T12:30:00.000Z']);

    await changeMeeting({ status: 'cancelled' });
    expect(await syncInvitations(ports, 'm1', NOW)).toMatchObject({ sent: { teams: 1, email: 1 } });
    const cancelCard = port.sent[2].message.card!;
    expect(cardText(cancelCard)).toContain('Peruttu: Hakemuksen liitteet');
    expect((cancelCard.actions as { verb?: string }[]).some((a) => a.verb === 'invite.rsvp')).toBe(false);
    expect(received[2].raw).toMatch(/^Content-Type: text\/calendar; charset=utf-8; method=CANCEL/m);
    const cancel = await calendarOf(received[2]);
    expect(cancel.ics).toMatchObject({ method: 'CANCEL', uid: 'm1@sidos.example.fi', sequence: 2, status: 'CANCELLED' });
    expect(cancel.ics!.summary).toBe('Inställt: Hakemuksen liitteet – Perintäasian ensimmäiset viikot');
    expect(cancel.parsed.text).toContain('Mötet är inställt.');
    expect(cancel.parsed.text).not.toContain('Inbjudan finns bifogad');
    expect((await invitations()).map((i) => i.sentSequence)).toEqual([2, 2]);
  });

  it('never sends the same version twice: concurrent runs, repeated runs, a restart', async () => {
    await inviteBoth();
    const [a, b] = await Promise.all([syncInvitations(ports, 'm1', NOW), syncInvitations(ports, 'm1', NOW)]);
    expect(a.sent.teams + a.sent.email + b.sent.teams + b.sent.email).toBe(2);
    await syncInvitations(ports, 'm1', NOW);
    await syncAllPending(ports, NOW);
    connect(await temp.reopen());
    await syncAllPending(ports, NOW);
    expect(await syncInvitations(ports, 'm1', NOW)).toEqual({ sent: { teams: 0, email: 0 }, alreadySent: 0, failed: [], unreachable: [] });
    expect(port.sent).toHaveLength(1);
    expect(received).toHaveLength(1);
  });

  it('records a failed e-mail, keeps the invitation pending and retries only that on the next run', async () => {
    rejected.add('bertil@kunta.example.fi');
    await inviteBoth();
    const summary = await syncInvitations(ports, 'm1', NOW);
    expect(summary.sent).toEqual({ teams: 1, email: 0 });
    expect(summary.failed).toEqual([{ partner: { id: 'bertil', name: 'Bertil Partner', organisation: 'Vasa stad' }, reason: expect.stringContaining('550') }]);
    const key = `invite:${(await invitationOf('bertil')).id}:0:email`;
    expect(await records.get('sends', key)).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('550') });
    expect((await invitationOf('bertil')).sentSequence).toBe(-1);
    expect(await inviteCounts(records, 'm1')).toMatchObject({ invited: 2, failed: 1 });
    expect((await meetingInvitees(records, 'm1')).find((i) => i.partner?.id === 'bertil')).toMatchObject({ delivery: 'failed', error: expect.stringContaining('550') });

    rejected.clear();
    await syncAllPending(ports, NOW);
    expect(received.map((r) => r.to)).toEqual([['bertil@kunta.example.fi']]);
    expect(port.sent).toHaveLength(1);
    expect(await records.get('sends', key)).toEqual(expect.not.objectContaining({ lastError: expect.anything() }));
    expect(await records.get('sends', key)).toMatchObject({ status: 'sent', attempts: 2 });
    expect((await invitationOf('bertil')).sentSequence).toBe(0);
    expect((await meetingInvitees(records, 'm1')).map((i) => [i.partner?.id, i.delivery, i.channels])).toEqual([
      ['anna', 'sent', ['teams']],
      ['bertil', 'sent', ['email']],
    ]);
  });

  it('retries a failed Teams send on the next run without e-mailing again', async () => {
    port.failures = 2; // both attempts of the first run
    await inviteBoth();
    const summary = await syncInvitations(ports, 'm1', NOW);
    expect(summary.failed.map((f) => [f.partner.id, f.reason])).toEqual([['anna', expect.stringContaining('503')]]);
    await syncAllPending(ports, NOW);
    expect(port.sent).toHaveLength(1);
    expect(received).toHaveLength(1);
    expect((await invitationOf('anna')).sentSequence).toBe(0);
  });

  it('stops the job retrying after many failed attempts, while an explicit send still tries', async () => {
    rejected.add('bertil@kunta.example.fi');
    await inviteBoth();
    await syncInvitations(ports, 'm1', NOW);
    const key = `invite:${(await invitationOf('bertil')).id}:0:email`;
    await records.transaction(async (tx) => tx.put('sends', { ...(await tx.get('sends', key))!, attempts: GIVE_UP_AFTER_ATTEMPTS }));
    rejected.clear();
    await syncAllPending(ports, NOW);
    expect(received).toHaveLength(0);
    expect(await syncInvitations(ports, 'm1', NOW)).toMatchObject({ sent: { teams: 0, email: 1 } });
    expect(received).toHaveLength(1);
  });

  it('without SMTP delivers in Teams only and lists who could not be reached', async () => {
    ports = { ...ports, email: null };
    await inviteBoth();
    const summary = await syncInvitations(ports, 'm1', NOW);
    expect(summary).toEqual({
      sent: { teams: 1, email: 0 },
      alreadySent: 0,
      failed: [],
      unreachable: [{ id: 'bertil', name: 'Bertil Partner', organisation: 'Vasa stad' }],
    });
    expect(received).toHaveLength(0);
    expect((await allSends()).map((s) => s.channel)).toEqual(['teams']);
    expect((await invitationOf('bertil')).sentSequence).toBe(-1);
  });

  it('also e-mails Teams users when the office wants both', async () => {
    ports = { ...ports, config: { ...config, invites: { ...config.invites, alsoEmailTeamsUsers: true } } };
    await inviteBoth();
    expect(await syncInvitations(ports, 'm1', NOW)).toMatchObject({ sent: { teams: 1, email: 2 } });
    expect(received.flatMap((r) => r.to).sort()).toEqual(['anna@kunta.example.fi', 'bertil@kunta.example.fi']);
  });

  it('sends a meeting of another office from that office: ORGANIZER and Reply-To, named in the invitee’s language', async () => {
    await records.transaction((tx) =>
      tx.putInYear('meetings', 2027, { ...meeting, id: 'm2', officeId: 'pohjanmaa', segments: ['municipalities'], uid: 'm2@sidos.example.fi' }),
    );
    expect(await createInvitations(ports, 'm2', ['dan'], 'pohjanmaa', NOW)).toMatchObject({ ok: true });
    expect(await syncInvitations(ports, 'm2', NOW)).toMatchObject({ sent: { teams: 0, email: 1 } });
    const office = { name: 'Pohjanmaan aluetoimisto', address: 'sidos-pohjanmaa@example.fi' };
    const { parsed, ics } = await calendarOf(received[0]);
    expect(ics!.organizer).toEqual({ address: `mailto:${office.address}`, name: office.name });
    // This SMTP account sends as one address (SMTP_FROM), so the office is the Reply-To.
    expect(parsed.from?.value).toEqual([{ name: '', address: 'sidos-uusimaa@example.fi' }]);
    expect(parsed.replyTo?.value).toEqual([office]);
    expect(parsed.text).toContain('Pohjanmaan aluetoimisto');
  });

  it('sends no cancellation to someone who never got the meeting', async () => {
    ports = { ...ports, email: null };
    await inviteBoth();
    await syncInvitations(ports, 'm1', NOW);
    await changeMeeting({ status: 'cancelled' });
    expect(await syncInvitations(ports, 'm1', NOW)).toMatchObject({ sent: { teams: 1, email: 0 }, unreachable: [] });
    expect((await invitationOf('bertil')).sentSequence).toBe(1);
  });

  it('records an RSVP from the invitee only, and not once the meeting is cancelled or has started', async () => {
    await inviteBoth();
    const annaInvitation = (await invitationOf('anna')).id;
    const later = new Date('2027-02-02T09:00:00.000Z');
    expect(await recordRsvp(records, annaInvitation, 'bertil', 'declined', later)).toEqual({ ok: false, code: 'not-invitee' });
    expect(await recordRsvp(records, 'nope', 'anna', 'declined', later)).toEqual({ ok: false, code: 'not-found' });
    const accepted = await recordRsvp(records, annaInvitation, 'anna', 'accepted', later);
    expect(accepted).toMatchObject({ ok: true, invitation: { rsvp: 'accepted', respondedAt: later.toISOString() } });
    expect(await inviteCounts(records, 'm1')).toEqual({ invited: 2, accepted: 1, tentative: 0, declined: 0, needsAction: 1, failed: 0 });
    expect(await recordRsvp(records, annaInvitation, 'anna', 'tentative', new Date(meeting.startsAt))).toEqual({ ok: false, code: 'past' });
    await changeMeeting({ status: 'cancelled' });
    expect(await recordRsvp(records, annaInvitation, 'anna', 'declined', later)).toEqual({ ok: false, code: 'cancelled' });
    expect((await invitationOf('anna')).rsvp).toBe('accepted');
  });

  it('reminds those who accepted or did not answer, once, shortly before the meeting', async () => {
    const carl = partner('carl', { aadObjectId: 'aad-carl', segment: 'debt-counsellors' });
    await records.transaction(async (tx) => {
      await tx.put('partners', carl);
      await tx.put('conversations', personalChat('conv-carl', 'aad-carl', NOW));
    });
    await createInvitations(ports, 'm1', ['anna', 'bertil', 'carl'], 'uusimaa', NOW);
    await syncInvitations(ports, 'm1', NOW);
    await recordRsvp(records, (await invitationOf('anna')).id, 'anna', 'accepted', NOW);
    await recordRsvp(records, (await invitationOf('carl')).id, 'carl', 'declined', NOW);
    const [teamsBefore, mailBefore] = [port.sent.length, received.length];

    await sendReminders(ports, new Date('2027-03-01T10:00:00.000Z')); // 25 hours before: not yet
    expect([port.sent.length, received.length]).toEqual([teamsBefore, mailBefore]);

    const soon = new Date('2027-03-01T12:00:00.000Z');
    await sendReminders(ports, soon);
    await sendReminders(ports, soon);
    const reminders = port.sent.slice(teamsBefore);
    expect(reminders.map((r) => r.conversationId)).toEqual(['conv-anna']);
    expect(cardText(reminders[0].message.card)).toContain('Muistutus: Hakemuksen liitteet');
    expect(received.slice(mailBefore).map((r) => r.to)).toEqual([['bertil@kunta.example.fi']]);
    const mail = await calendarOf(received[mailBefore]);
    expect(mail.parsed.subject).toMatch(/^Påminnelse: Hakemuksen liitteet/);
    expect(mail.ics).toBeUndefined();
    expect((await invitationOf('anna')).reminderSentAt).toBe(soon.toISOString());
    expect((await invitationOf('carl')).reminderSentAt).toBeUndefined();
  });

  it('serves the invitee’s current .ics for a known token until the link expires', async () => {
    await inviteBoth();
    const { icsToken } = await invitationOf('anna');
    const download = (await resolveIcsDownload(records, config, icsToken, NOW))!;
    expect(download.contentType).toBe('text/calendar; charset=utf-8; method=REQUEST');
    expect(download.fileName).toBe('sidos-2027-03-02-m1.ics');
    expect(icsEvent(download.body)).toMatchObject({ method: 'REQUEST', uid: 'm1@sidos.example.fi', attendees: ['mailto:anna@kunta.example.fi'], partstat: 'NEEDS-ACTION' });

    await recordRsvp(records, (await invitationOf('anna')).id, 'anna', 'accepted', NOW);
    await changeMeeting({ status: 'cancelled' });
    const cancelled = (await resolveIcsDownload(records, config, icsToken, NOW))!;
    expect(cancelled.contentType).toBe('text/calendar; charset=utf-8; method=CANCEL');
    expect(icsEvent(cancelled.body)).toMatchObject({ method: 'CANCEL', sequence: 1, partstat: 'ACCEPTED' });

    expect(await resolveIcsDownload(records, config, 'A'.repeat(32), NOW)).toBeNull();
    expect(await resolveIcsDownload(records, config, icsToken, new Date('2027-04-01T12:30:00.000Z'))).toBeNull();
  });
});
