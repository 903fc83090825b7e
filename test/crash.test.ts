// No data lost: the Sidos process killed with SIGKILL in the middle of a burst
// of feedback submissions keeps every submission it acknowledged, whole and
// once; and a write that fails (a full disk) is reported to the user in their
// language and leaves both the file and the bot's memory as they were.
import { cp, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackRequest, Meeting } from '../bot/domain/types.js';
import { translator } from '../bot/i18n.js';
import { LowdbStore } from '../bot/store/lowdb-store.js';
import { cardAction } from './harness/activities.js';
import { feedbackSubmission, inputsOf } from './harness/card-inputs.js';
import { FakeClock } from './harness/clock.js';
import { cardOf, ConnectorStandIn } from './harness/connector.js';
import { coordinator, partner, type TestUser } from './harness/people.js';
import { spawnSidos, type SidosProcess } from './harness/process.js';
import { editRecords, meetingFixture, partnerFor } from './harness/seed.js';
import { cardText, Harness } from './harness/sidos-harness.js';
import { dataFileText, readDataFile } from './harness/data-files.js';
import { yearRecords } from './harness/read-records.js';

const fi = translator('fi');

const pastMeeting = (startsAt: Date): Meeting =>
  meetingFixture({
    id: 'm-1',
    year: startsAt.getUTCFullYear(),
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 2 * 3600_000).toISOString(),
  });

const openRequest = (id: string, partnerId: string, meetingId: string, sentAt: Date): FeedbackRequest => ({
  id,
  kind: 'meeting',
  meetingId,
  partnerId,
  officeId: 'uusimaa',
  segment: 'municipalities',
  sentAt: sentAt.toISOString(),
  remindersSent: 0,
  status: 'open',
  closesAt: new Date(sentAt.getTime() + 30 * 86_400_000).toISOString(),
});

describe('a process killed with SIGKILL during a burst of feedback', () => {
  const N = 150;
  const CONCURRENCY = 30;
  // Acknowledgements after which the process is killed, one round each; the last round is not interrupted.
  const KILL_AFTER = [75, 10, 120, null];
  const people = Array.from({ length: N }, (_, i): TestUser => ({
    id: `29:crash-${i}`,
    aadObjectId: `00000000-0000-4000-9000-${String(i).padStart(12, '0')}`,
    name: `Kumppani ${i}`,
    email: `kumppani${i}@kunta.example.fi`,
  }));
  const requestId = (i: number) => `fr-${i}`;
  // Each round answers differently, so the file tells which round's answer it holds.
  const works = (i: number, round: number) => `Toimii hyvin ${i} kierros ${round}`;
  const rating = (i: number, round: number) => 1 + ((i + round) % 5);
  const proposal = (i: number, round: number) => (i % 3 === 0 ? `Ehdotus ${i} kierros ${round}` : '');

  let dir: string;
  let dataDir: string;
  let year: number;
  let connector: ConnectorStandIn;
  let sidos: SidosProcess | undefined;
  /** Rounds whose submission for request i was sent, and the last one that was acknowledged. */
  const sent = Array.from({ length: N }, () => new Set<number>());
  const acknowledged: (number | undefined)[] = Array(N).fill(undefined);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-crash-'));
    dataDir = join(dir, 'data');
    connector = await new ConnectorStandIn().start();
    // The process runs on the real clock: the meeting was an hour ago, the requests are open for 30 days.
    const now = new Date();
    year = now.getUTCFullYear();
    const meeting = pastMeeting(new Date(now.getTime() - 3 * 3600_000));
    await editRecords(dir, (records) =>
      records.transaction(async (tx) => {
        for (const [i, person] of people.entries()) await tx.put('partners', partnerFor(person, { id: `p-${i}` }));
        await tx.putInYear('meetings', year, meeting);
        for (const i of people.keys()) await tx.putInYear('feedbackRequests', year, openRequest(requestId(i), `p-${i}`, meeting.id, new Date(now.getTime() - 3600_000)));
      }),
    );
  });

  afterEach(() => {
    sidos?.child.kill('SIGKILL');
  });

  afterAll(async () => {
    await connector.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function start(): SidosProcess {
    sidos = spawnSidos({ PORT: '0', DATA_DIR: dataDir });
    return sidos;
  }

  /**
   * Submits an answer for every request in a fixed shuffled order; kills the
   * process after `killAfter` acknowledgements. Returns how many were
   * acknowledged and how many were cut off unanswered.
   */
  async function round(round: number, killAfter: number | null): Promise<{ acks: number; cutOff: number }> {
    const proc = start();
    const url = await proc.ready;
    const order = people.map((_, i) => i).sort((a, b) => ((a * 7919 + round * 104_729) % N) - ((b * 7919 + round * 104_729) % N));
    let acks = 0;
    let cutOff = 0;
    let killed = false;
    const submitOne = async (i: number) => {
      sent[i].add(round);
      const data = feedbackSubmission(requestId(i), {
        rating: String(rating(i, round)),
        works: works(i, round),
        justification: 'Perustelu, joka on tarpeeksi pitkä.',
        ...(proposal(i, round) ? { proposal_0: proposal(i, round), level_0: 'local' } : {}),
      });
      let body: any;
      try {
        const res = await fetch(`${url}/api/messages`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(cardAction(connector.url, people[i], 'feedback.submit', data, { locale: 'fi-FI' })),
        });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        body = await res.json();
      } catch (err) {
        // Cut off by the kill: whether it was saved is unknown, and either is fine.
        if (killed) return void (cutOff += 1);
        throw err;
      }
      const text = cardText(body.value);
      expect(text.includes(fi('feedback.saved')) || text.includes(fi('feedback.updated')), `answer to ${requestId(i)}: ${JSON.stringify(body).slice(0, 300)}`).toBe(true);
      acknowledged[i] = round;
      acks += 1;
      if (killAfter !== null && acks >= killAfter && !killed) {
        killed = true;
        proc.child.kill('SIGKILL');
      }
    };
    const queue = [...order];
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (queue.length > 0 && !killed) await submitOne(queue.shift()!);
      }),
    );
    if (killAfter === null) proc.child.kill('SIGTERM');
    await proc.exited;
    return { acks, cutOff };
  }

  /** The data files parse, pass the store's own shape check, and hold every acknowledged answer once. */
  async function checkFiles(): Promise<{ onDisk: number }> {
    const names = (await readdir(dataDir)).filter((n) => n.endsWith('.json'));
    expect(names.sort()).toEqual([`${year}.json`, 'shared.json']);
    const shared = await readDataFile(join(dataDir, 'shared.json'));
    const data = await readDataFile(join(dataDir, `${year}.json`));
    expect(shared.partners).toHaveLength(N);
    const copy = await mkdtemp(join(tmpdir(), 'sidos-crash-copy-'));
    try {
      await cp(dataDir, copy, { recursive: true });
      await (await LowdbStore.open(copy)).close();
    } finally {
      await rm(copy, { recursive: true, force: true });
    }

    let onDisk = 0;
    for (let i = 0; i < N; i++) {
      const answers = data.feedback.filter((f: any) => f.requestId === requestId(i));
      expect(answers.length, `answers to ${requestId(i)}`).toBeLessThanOrEqual(1);
      const saved = answers[0];
      if (acknowledged[i] !== undefined) expect(saved, `acknowledged answer to ${requestId(i)}`).toBeDefined();
      if (!saved) continue;
      onDisk += 1;
      // The answer on disk is one that was sent, and not older than the last acknowledged one.
      const savedRound = Number(/kierros (\d+)$/.exec(saved.works)?.[1]);
      expect(sent[i].has(savedRound), `${requestId(i)} holds round ${savedRound}`).toBe(true);
      expect(savedRound, `${requestId(i)}`).toBeGreaterThanOrEqual(acknowledged[i] ?? 0);
      expect(saved).toMatchObject({ partnerId: `p-${i}`, rating: rating(i, savedRound), justification: 'Perustelu, joka on tarpeeksi pitkä.' });
      expect(data.feedbackRequests.find((r: any) => r.id === requestId(i))).toMatchObject({ status: 'answered' });
      const proposals = data.proposals.filter((p: any) => p.feedbackId === saved.id).map((p: any) => p.text);
      expect(proposals, `proposals of ${requestId(i)}`).toEqual(proposal(i, savedRound) ? [proposal(i, savedRound)] : []);
    }
    expect(new Set(data.feedback.map((f: any) => f.id)).size).toBe(data.feedback.length);
    expect(new Set(data.proposals.map((p: any) => p.id)).size).toBe(data.proposals.length);
    return { onDisk };
  }

  it('keeps every acknowledged submission, once and whole, through three kills and restarts', async () => {
    for (const [n, killAfter] of KILL_AFTER.entries()) {
      const { acks, cutOff } = await round(n + 1, killAfter);
      if (killAfter === null) expect(acks).toBe(N);
      else {
        expect(acks).toBeGreaterThanOrEqual(killAfter);
        // The kill came in the middle of the burst, with submissions still being handled.
        expect(cutOff).toBeGreaterThan(0);
      }
      const { onDisk } = await checkFiles();
      expect(onDisk).toBeGreaterThanOrEqual(acknowledged.filter((r) => r !== undefined).length);
    }
    // The uninterrupted last round answered everything, and that is what is on disk.
    expect(acknowledged).toEqual(Array(N).fill(KILL_AFTER.length));
  }, 120_000);
});

describe('a write that fails like a full disk', () => {
  const clock = new FakeClock('2027-03-02T14:00:00.000Z');
  let dir: string;
  let h: Harness;
  const journalPath = () => join(dir, 'data', '2027.json.journal');
  const submission = feedbackSubmission('fr-1', {
    rating: '2',
    works: 'Asialista tuli ajoissa.',
    justification: 'Puolet ajasta kului esityksiin.',
    proposal_0: 'Kutsut kuukautta aiemmin',
    level_0: 'local',
  });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-diskfull-'));
    await editRecords(dir, (records) =>
      records.transaction(async (tx) => {
        await tx.put('partners', partnerFor(partner, { id: 'p-pekka' }));
        await tx.putInYear('meetings', 2027, pastMeeting(new Date('2027-03-02T11:00:00.000Z')));
        await tx.putInYear('feedbackRequests', 2027, openRequest('fr-1', 'p-pekka', 'm-1', new Date('2027-03-02T13:10:00.000Z')));
      }),
    );
    // An anonymity minimum of 1 lets the staff view show a single answer, so it shows what memory holds.
    h = await Harness.start({ clock: clock.now, dataDir: dir, config: { feedback: { reminderAfterDays: 3, maxReminders: 2, anonymityMinimum: 1 } } });
    await h.say(partner, 'help');
  });

  afterAll(async () => {
    await h.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('tells the partner in their language that nothing was saved, and changes neither the file nor memory', async () => {
    const before = await dataFileText(join(dir, 'data', '2027.json'));
    // A directory where the journal should go (nothing was written to the year since it was opened): the append fails as on a full disk.
    await mkdir(journalPath());

    // Pekka's register language is fi: he reads Finnish whatever language his Teams client uses.
    for (const locale of ['fi-FI', 'sv-SE', 'en-US']) {
      const res = await h.click(partner, 'feedback.submit', submission, { locale });
      expect(res.value).toBe(translator('fi')('error.storage'));
    }
    expect(translator('en')('error.storage')).toContain('nothing was changed');

    const after = await dataFileText(join(dir, 'data', '2027.json'));
    expect(after).toBe(before);
    const data = await readDataFile(join(dir, 'data', '2027.json'));
    expect(data.feedback).toEqual([]);
    expect(data.proposals).toEqual([]);
    expect(data.feedbackRequests[0]).toMatchObject({ id: 'fr-1', status: 'open' });

    // Memory agrees with the file: the form shows no answer, and staff see none.
    const form = await h.click(partner, 'feedback.topic', { topic: 'request:fr-1' });
    expect(inputsOf(form.value)).toMatchObject({ rating: '', works: '', justification: '', proposal_0: '' });
    const [staffView] = await h.say(coordinator, 'feedback 2027');
    const staffText = cardText(cardOf(staffView));
    expect(staffText).toContain(fi('feedback.staff.empty', { year: 2027 }));
    expect(staffText).not.toContain('Asialista tuli ajoissa.');
  });

  it('saves the same answer once the disk has room again', async () => {
    await rm(journalPath(), { recursive: true });
    const res = await h.click(partner, 'feedback.submit', submission);
    expect(cardText(res.value)).toContain(fi('feedback.saved'));

    const data = await yearRecords(h.records, 2027);
    expect(data.feedback).toEqual([expect.objectContaining({ requestId: 'fr-1', rating: 2, works: 'Asialista tuli ajoissa.' })]);
    expect(data.proposals.map((p: any) => p.text)).toEqual(['Kutsut kuukautta aiemmin']);
    expect(data.feedbackRequests[0]).toMatchObject({ id: 'fr-1', status: 'answered' });
    const [staffView] = await h.say(coordinator, 'feedback 2027');
    expect(cardText(cardOf(staffView))).toContain('Asialista tuli ajoissa.');
  });
});
