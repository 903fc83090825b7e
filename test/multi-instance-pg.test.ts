// Three Sidos processes on one PostgreSQL database: a burst of feedback spread
// over them, with one killed mid-burst and its senders retrying elsewhere,
// keeps every acknowledged answer once; and the three started at the same
// moment with a digest period and feedback requests due send each of them once.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackRequest, Meeting, Partner } from '../bot/domain/types.js';
import { translator } from '../bot/i18n.js';
import { openPostgres } from '../bot/store/open-record-store.js';
import type { RecordStore } from '../bot/store/records.js';
import { cardAction } from './harness/activities.js';
import { feedbackSubmission } from './harness/card-inputs.js';
import { ConnectorStandIn } from './harness/connector.js';
import { coordinator, national, testPeople, type TestUser } from './harness/people.js';
import { createTestDatabase } from './harness/postgres.js';
import { spawnSidos, type SidosProcess } from './harness/process.js';
import { meetingFixture, partnerChat, partnerFor, partnerFixture } from './harness/seed.js';
import { cardText } from './harness/sidos-harness.js';
import { startSmtpCapture, type SmtpCapture } from './harness/smtp.js';

const fi = translator('fi');
const HOUR_MS = 3600_000;
const INSTANCES = 3;

/** A meeting of the Uusimaa office that ended an hour before `now`. */
const endedMeeting = (id: string, now: Date): Meeting =>
  meetingFixture({
    id,
    year: now.getUTCFullYear(),
    startsAt: new Date(now.getTime() - 3 * HOUR_MS).toISOString(),
    endsAt: new Date(now.getTime() - HOUR_MS).toISOString(),
  });

/** Seeds a database through the RecordStore while no Sidos runs on it. */
async function seed(url: string, change: (records: RecordStore) => Promise<unknown>): Promise<void> {
  const { store } = await openPostgres(url);
  try {
    await change(store);
  } finally {
    await store.close();
  }
}

/** Reads the database through the RecordStore once no Sidos runs on it. */
async function readRecords<T>(url: string, read: (records: RecordStore) => Promise<T>): Promise<T> {
  let result!: T;
  await seed(url, async (records) => (result = await read(records)));
  return result;
}

/** Waits until `done` holds, checking every 200 ms; fails naming `what` when it does not hold within the test's time. */
async function until(done: () => boolean | Promise<boolean>, what: () => string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('three Sidos processes on one PostgreSQL database', () => {
  let dir: string;
  let configFile: string;
  let connector: ConnectorStandIn;
  let smtp: SmtpCapture;
  let processes: SidosProcess[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-multi-instance-'));
    configFile = join(dir, 'sidos.json');
    await writeFile(configFile, JSON.stringify({ people: testPeople }));
    connector = await new ConnectorStandIn().start();
    smtp = await startSmtpCapture();
  });

  afterEach(async () => {
    for (const p of processes) p.child.kill('SIGKILL');
    await Promise.all(processes.map((p) => p.exited));
    processes = [];
  });

  afterAll(async () => {
    await connector.stop();
    await smtp.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Starts the three processes at the same moment; resolves with their URLs once all are ready. */
  async function startAll(databaseUrl: string, env: Record<string, string> = {}): Promise<string[]> {
    processes = Array.from({ length: INSTANCES }, (_, n) =>
      spawnSidos({ PORT: '0', DATA_DIR: join(dir, `unused-${n}`), DATABASE_URL: databaseUrl, SIDOS_CONFIG: configFile, ...env }),
    );
    return Promise.all(processes.map((p) => p.ready));
  }

  /** Stops the processes still running the way a deployment does, so nothing is left half-sent when counting. */
  async function stopAll(): Promise<void> {
    for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.exited));
  }

  it('keeps every acknowledged answer once when one of them is killed in a burst and its senders retry on another', async () => {
    const N = 200;
    const KILLED = 1;
    const KILL_AFTER = Math.round(N / 3);
    // The last few senders of the instance to be killed start only once it is dead, so some
    // senders always meet it gone, however fast the rest of the burst is answered.
    const LATE_TO_KILLED = 6;
    const people = Array.from({ length: N }, (_, i): TestUser => ({
      id: `29:multi-${i}`,
      aadObjectId: `00000000-0000-4000-9100-${String(i).padStart(12, '0')}`,
      name: `Kumppani ${i}`,
      email: `kumppani${i}@kunta.example.fi`,
    }));
    const requestId = (i: number) => `fr-${i}`;
    const works = (i: number) => `Toimii hyvin ${i}`;
    const rating = (i: number) => 1 + (i % 5);

    const databaseUrl = await createTestDatabase();
    const now = new Date();
    const year = now.getUTCFullYear();
    const meeting = endedMeeting('m-burst', now);
    const sentAt = new Date(now.getTime() - HOUR_MS / 2);
    const request = (i: number): FeedbackRequest => ({
      id: requestId(i),
      kind: 'meeting',
      meetingId: meeting.id,
      partnerId: `p-${i}`,
      officeId: 'uusimaa',
      segment: 'municipalities',
      sentAt: sentAt.toISOString(),
      remindersSent: 0,
      status: 'open',
      closesAt: new Date(sentAt.getTime() + 30 * 24 * HOUR_MS).toISOString(),
    });
    await seed(databaseUrl, (records) =>
      records.transaction(async (tx) => {
        for (const [i, person] of people.entries()) await tx.put('partners', partnerFor(person, { id: `p-${i}` }));
        await tx.putInYear('meetings', year, meeting);
        for (let i = 0; i < N; i++) await tx.putInYear('feedbackRequests', year, request(i));
      }),
    );

    const urls = await startAll(databaseUrl);
    let acks = 0;
    let retried = 0;
    let killed = false;
    let killNow!: () => void;
    const killedOnce = new Promise<void>((resolve) => (killNow = resolve));
    const acknowledged = new Set<number>();
    const lateToKilled = (i: number) => i % INSTANCES === KILLED && i >= N - LATE_TO_KILLED * INSTANCES;

    // Each sender submits once to its instance (round-robin); when that instance has been killed, it sends the same submission to the next one.
    const submit = async (i: number) => {
      const body = JSON.stringify(
        cardAction(connector.url, people[i], 'feedback.submit', feedbackSubmission(requestId(i), { rating: String(rating(i)), works: works(i), justification: 'Perustelu, joka on tarpeeksi pitkä.' })),
      );
      if (lateToKilled(i)) await killedOnce;
      for (let instance = i % INSTANCES; ; instance = (instance + 1) % INSTANCES) {
        let reply: any;
        try {
          const res = await fetch(`${urls[instance]}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
          if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
          reply = await res.json();
        } catch (err) {
          if (killed && instance === KILLED) {
            retried += 1;
            continue;
          }
          throw err;
        }
        const text = cardText(reply.value);
        expect(text.includes(fi('feedback.saved')) || text.includes(fi('feedback.updated')), `answer to ${requestId(i)}: ${JSON.stringify(reply).slice(0, 300)}`).toBe(true);
        acknowledged.add(i);
        acks += 1;
        if (acks >= KILL_AFTER && !killed) {
          killed = true;
          // The late senders start once the process is gone, not merely signalled.
          processes[KILLED].child.once('exit', () => killNow());
          processes[KILLED].child.kill('SIGKILL');
        }
        return;
      }
    };
    await Promise.all(people.map((_, i) => submit(i)));
    await stopAll();

    expect(killed).toBe(true);
    // The kill came in the middle of the burst: some senders (at least the late ones) had to go elsewhere.
    expect(retried).toBeGreaterThanOrEqual(LATE_TO_KILLED);
    expect(acknowledged.size).toBe(N);

    const { feedback, requests } = await readRecords(databaseUrl, async (records) => {
      const years = await records.years();
      return {
        feedback: (await Promise.all(years.map((y) => records.inYear('feedback', y)))).flat(),
        requests: (await Promise.all(years.map((y) => records.inYear('feedbackRequests', y)))).flat(),
      };
    });
    expect(feedback).toHaveLength(N);
    for (let i = 0; i < N; i++) {
      const answers = feedback.filter((f) => f.requestId === requestId(i));
      expect(answers, `answers to ${requestId(i)}`).toEqual([
        expect.objectContaining({ partnerId: `p-${i}`, rating: rating(i), works: works(i), justification: 'Perustelu, joka on tarpeeksi pitkä.' }),
      ]);
      expect(requests.find((r) => r.id === requestId(i)), requestId(i)).toMatchObject({ status: 'answered' });
    }
    const partnersAnswering = feedback.map((f) => f.partnerId);
    expect(new Set(partnersAnswering).size).toBe(partnersAnswering.length);
  }, 180_000);

  it('sends a due digest and due feedback requests once each when all three start together', async () => {
    const databaseUrl = await createTestDatabase();
    const now = new Date();
    const year = now.getUTCFullYear();
    const meeting = endedMeeting('m-due', now);
    // Attendees with a Teams chat get the request there; those without one by e-mail.
    const inTeams: Partner[] = [0, 1, 2].map((n) =>
      partnerFixture(`p-teams-${n}`, { aadObjectId: `00000000-0000-4000-9200-${String(n).padStart(12, '0')}`, email: `teams${n}@kunta.example.fi` }),
    );
    const byEmail: Partner[] = [0, 1, 2].map((n) => partnerFixture(`p-mail-${n}`, { email: `mail${n}@kunta.example.fi` }));
    const attendees = [...inTeams, ...byEmail];
    // Digest subscribers: conversations subscribed in Teams (of people who are not coordinators, whose chats get the
    // office-feedback prompt as well), and addresses configured for e-mail.
    const digestChats = [national.aadObjectId, '00000000-0000-4000-9300-000000000001'].map((aadObjectId) =>
      partnerChat({ id: `digest-${aadObjectId}`, aadObjectId }, connector.url),
    );
    // The coordinator of the meeting's office is asked once for feedback to the organisations that attended.
    const coordinatorChat = partnerChat({ id: 'coordinator', aadObjectId: coordinator.aadObjectId }, connector.url);
    const digestEmails = ['digest-a@national.example.fi', 'digest-b@national.example.fi'];

    await seed(databaseUrl, (records) =>
      records.transaction(async (tx) => {
        for (const partner of attendees) await tx.put('partners', partner);
        for (const partner of inTeams) await tx.put('conversations', partnerChat(partner, connector.url));
        await tx.put('conversations', coordinatorChat);
        for (const chat of digestChats) {
          await tx.put('conversations', chat);
          await tx.put('subscriptions', { id: `sub-${chat.id}`, topic: 'digest', conversationRecordId: chat.id, by: chat.aadObjectId!, at: now.toISOString(), locale: 'fi' });
        }
        await tx.putInYear('meetings', year, meeting);
        for (const partner of attendees) {
          await tx.putInYear('invitations', year, { id: `inv-${partner.id}`, meetingId: meeting.id, partnerId: partner.id, rsvp: 'accepted', sentSequence: 0, icsToken: `t-${partner.id}` });
        }
      }),
    );

    const postsTo = (conversationId: string) => connector.messages().filter((p) => p.conversationId === conversationId);
    const mailsTo = (address: string) => smtp.mails.filter((m) => m.to.includes(address));
    const counts = () => ({
      teamsRequests: inTeams.map((p) => postsTo(`a:chat-${p.id}`).length),
      emailRequests: byEmail.map((p) => mailsTo(p.email).length),
      teamsDigests: digestChats.map((c) => postsTo(c.id).length),
      emailDigests: digestEmails.map((a) => mailsTo(a).length),
      officeFeedbackPrompts: [postsTo(coordinatorChat.id).length],
    });

    await startAll(databaseUrl, { SMTP_URL: smtp.url, SMTP_FROM: 'sidos@office.example.fi', SIDOS_DIGEST_EMAILS: digestEmails.join(',') });
    // The start-up runs send them; wait until everyone has something, then let the processes finish what they do.
    await until(
      () => Object.values(counts()).every((perRecipient) => perRecipient.every((n) => n >= 1)),
      () => JSON.stringify(counts()),
    );
    // The digest run records its period after its last send: let it, so the stop below does not cut it off.
    let deliveredPeriod = '';
    await until(async () => (deliveredPeriod = (await readRecords(databaseUrl, (records) => records.jobState('digest.lastDelivered'))) ?? '') !== '', () => 'digest.lastDelivered');
    await stopAll();

    const ones = (n: number) => Array(n).fill(1);
    expect(counts()).toEqual({ teamsRequests: ones(3), emailRequests: ones(3), teamsDigests: ones(2), emailDigests: ones(2), officeFeedbackPrompts: ones(1) });
    // The Teams posts are the feedback card and the digest card they should be.
    for (const p of inTeams) expect(JSON.stringify(postsTo(`a:chat-${p.id}`)[0].activity)).toContain('adaptive');
    expect(deliveredPeriod).not.toBe('');
    for (const address of digestEmails) expect(mailsTo(address)[0].raw).toContain(deliveredPeriod);

    const requests = await readRecords(databaseUrl, (records) => records.findBy('feedbackRequests', 'meetingId', meeting.id));
    expect(requests.map((r) => r.partnerId).sort()).toEqual(attendees.map((p) => p.id).sort());
  }, 180_000);
});
