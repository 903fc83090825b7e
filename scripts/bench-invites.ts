// Sending invitations to many partners: the Send click (invites.send over
// POST /api/messages) against Sidos with the default pacing, and a connector
// stand-in that takes `latencyMs` per post. Measures the time until the click
// was answered, the time until every invite was sent, and the most posts in
// flight at once towards the connector.
// Run alone: node --import tsx scripts/bench-invites.ts [invitees]
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../bot/config.js';
import { startSidos } from '../bot/sidos.js';
import { cardAction } from '../test/harness/activities.js';
import { ConnectorStandIn } from '../test/harness/connector.js';
import { coordinator, testPeople } from '../test/harness/people.js';
import { editRecords, meetingFixture, partnerChat, partnerFixture } from '../test/harness/seed.js';

export interface InviteBenchFigures {
  invitees: number;
  answeredMs: number;
  allSentMs: number;
  peakInFlight: number;
  posted: number;
}

export async function benchInvites(invitees: number, latencyMs = 100): Promise<InviteBenchFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'sidos-bench-invites-'));
  const connector = await new ConnectorStandIn().start();
  connector.latencyMs = latencyMs;
  try {
    const meeting = meetingFixture({ startsAt: '2099-03-02T11:00:00.000Z', endsAt: '2099-03-02T12:30:00.000Z', year: 2099 });
    const partners = Array.from({ length: invitees }, (_, i) => partnerFixture(`bench-${i}`, { aadObjectId: `aad-bench-${i}` }));
    await editRecords(dir, (records) =>
      records.transaction(async (tx) => {
        for (const p of partners) {
          await tx.put('partners', p);
          await tx.put('conversations', partnerChat(p, connector.url));
        }
        await tx.putInYear('meetings', meeting.year, meeting);
      }),
    );
    const configFile = join(dir, 'config.json');
    await (await import('node:fs/promises')).writeFile(configFile, JSON.stringify({ people: testPeople }));
    const sidos = await startSidos({
      config: loadConfig({ PORT: '0', DATA_DIR: join(dir, 'data'), SIDOS_CONFIG: configFile }),
      log: () => undefined,
      startJobs: false,
    });
    const started = performance.now();
    const res = await fetch(`${sidos.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(cardAction(connector.url, coordinator, 'invites.send', { meetingId: meeting.id, inviteAll: 'true' }, { replyToId: 'bench-card' })),
    });
    await res.text();
    const answeredMs = performance.now() - started;
    await sidos.idle();
    const allSentMs = performance.now() - started;
    await sidos.stop();
    const posted = connector.messages().filter((p) => p.conversationId.startsWith('a:chat-')).length;
    return { invitees, answeredMs, allSentMs, peakInFlight: connector.peakInFlight, posted };
  } finally {
    await connector.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await benchInvites(Number(process.argv[2] ?? 1_000)));
}
