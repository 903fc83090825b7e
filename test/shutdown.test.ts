// Bounded shutdown of the real process: with a connector that refuses
// connections and invitations waiting to go out (the start-up job retries
// them with backoff), SIGTERM ends the process well within 10 s; started
// again with the connector back, every invitation arrives exactly once.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { ConnectorStandIn } from './harness/connector.js';
import { spawnSidos, type SidosProcess } from './harness/process.js';
import { editRecords, meetingFixture, partnerChat, partnerFixture } from './harness/seed.js';
import { freePort } from './harness/embedded-postgres.js';

const INVITEES = 40;
const STOP_DEADLINE_MS = 10_000;
const MEETING = meetingFixture({ id: 'meeting-shutdown', uid: 'meeting-shutdown@sidos', startsAt: '2099-03-02T11:00:00.000Z', endsAt: '2099-03-02T12:30:00.000Z', year: 2099 });

/** Resolves 'exited' or, if the process is still running at the deadline, 'still running'. */
const exitWithin = (sidos: SidosProcess, ms: number) =>
  Promise.race([sidos.exited.then(() => 'exited' as const), delay(ms, 'still running' as const, { ref: false })]);

describe('stopping with sends pending', () => {
  let dir: string;
  let sidos: SidosProcess | undefined;
  let connector: ConnectorStandIn | undefined;

  afterAll(async () => {
    sidos?.child.kill('SIGKILL');
    await connector?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('exits within 10 s of SIGTERM, and sends each pending invitation once after the next start', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-shutdown-'));
    const port = await freePort();
    const serviceUrl = `http://127.0.0.1:${port}/`;
    const partners = Array.from({ length: INVITEES }, (_, i) => partnerFixture(`p${i}`, { aadObjectId: `aad-shutdown-${i}` }));
    await editRecords(dir, (records) =>
      records.transaction(async (tx) => {
        for (const p of partners) {
          await tx.put('partners', p);
          await tx.put('conversations', partnerChat(p, serviceUrl));
        }
        await tx.putInYear('meetings', MEETING.year, MEETING);
        for (const p of partners) {
          await tx.putInYear('invitations', MEETING.year, { id: `inv-${p.id}`, meetingId: MEETING.id, partnerId: p.id, rsvp: 'needs-action', sentSequence: -1, icsToken: `token-${p.id}` });
        }
      }),
    );
    const env = { PORT: '0', DATA_DIR: join(dir, 'data') };

    // The connector refuses connections: the start-up job's sends fail and wait to retry.
    sidos = spawnSidos(env);
    await sidos.ready;
    await delay(1_500);
    sidos.child.kill('SIGTERM');
    expect(await exitWithin(sidos, STOP_DEADLINE_MS)).toBe('exited');
    expect(await sidos.exited).toBe(0);

    // The connector is back where the references point; the next start sends what was not sent.
    connector = await new ConnectorStandIn().start(port);
    sidos = spawnSidos(env);
    await sidos.ready;
    const chats = () => new Set(connector!.messages().map((p) => p.conversationId));
    while (chats().size < INVITEES) await delay(50);
    sidos.child.kill('SIGTERM');
    expect(await exitWithin(sidos, STOP_DEADLINE_MS)).toBe('exited');

    const perChat = new Map<string, number>();
    for (const p of connector.messages()) perChat.set(p.conversationId, (perChat.get(p.conversationId) ?? 0) + 1);
    expect([...perChat.keys()].sort()).toEqual(partners.map((p) => `a:chat-${p.id}`).sort());
    expect([...perChat.values()].every((n) => n === 1)).toBe(true);
  }, 60_000);
});
