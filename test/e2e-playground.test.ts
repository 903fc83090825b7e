// Sidos driven through the real Microsoft 365 Agents Playground, as
// `npm run playground` runs it: one Playground for the coordinator and one for
// the partner, talking to Sidos over HTTP. The tests use the Playground's own
// REST API (what its web UI calls) and read what reaches each chat from its
// WebSocket stream.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { playgroundConfig, readPlaygroundSetup, type PlaygroundUser } from '../scripts/playground-config.js';
import { FakeClock } from './harness/clock.js';
import { Harness } from './harness/sidos-harness.js';
import { freePort } from './harness/embedded-postgres.js';

const setup = readPlaygroundSetup();
const sidosPeople = JSON.parse(readFileSync('config/playground/sidos.json', 'utf8')).people;
const userAt = (port: number): PlaygroundUser => setup.users.find((u) => u.id === setup.playgrounds.find((p) => p.port === port)!.user)!;

/** Waits for a condition the Playground or Sidos brings about; fails with `what` after 20 s. */
async function until<T>(what: string, check: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

interface ChatMessage {
  messageId: string;
  attachments?: { content: Record<string, unknown> }[];
}

/** The texts of a card, in order, to assert on. */
const cardTexts = (card: unknown): string[] =>
  [...JSON.stringify(card).matchAll(/"(?:text|title)":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));

/** One Agents Playground process, signed in as `user`. */
class Playground {
  readonly messages: ChatMessage[] = [];
  private process!: ChildProcess;
  private socket!: WebSocket;
  private port = 0;

  constructor(readonly user: PlaygroundUser) {}

  get chatId(): string {
    return JSON.parse(playgroundConfig(setup, this.user)).personalChat.id;
  }

  async start(dir: string, endpoint: string): Promise<this> {
    const configFile = join(dir, `${this.user.id}.yml`);
    await writeFile(configFile, playgroundConfig(setup, this.user));
    const cli = createRequire(import.meta.url).resolve('@microsoft/m365agentsplayground/cli.js');
    const args = [cli, '-e', endpoint, '-c', 'msteams', '-p', String(await freePort()), '--disable-telemetry'];
    this.process = spawn(process.execPath, args, {
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configFile,
        M365_AGENTS_PLAYGROUND_LOGFILE: join(dir, `${this.user.id}.log`),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    this.process.stdout!.on('data', (chunk) => (output += chunk));
    this.process.stderr!.on('data', (chunk) => (output += chunk));
    this.port = Number(await until('the Playground to listen', () => /Listening on (\d+)/.exec(output)?.[1]));
    this.socket = new WebSocket(`ws://127.0.0.1:${this.port}/_ws_conversation/v1/conversations/stream`);
    this.socket.on('message', (data) => {
      const event = JSON.parse(String(data)) as { action: string; actionConversationId: string; message: ChatMessage };
      if (event.action === 'createMessage' && event.actionConversationId === this.chatId) this.messages.push(event.message);
    });
    await new Promise((resolve, reject) => this.socket.once('open', resolve).once('error', reject));
    return this;
  }

  async stop(): Promise<void> {
    this.socket?.close();
    if (this.process && this.process.exitCode === null) {
      const exited = new Promise((r) => this.process.once('exit', r));
      this.process.kill('SIGTERM');
      await exited;
    }
  }

  /** Types a message in the personal chat, as the web UI does. */
  async say(text: string): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${this.port}/_conversation/v1/conversations/${this.chatId}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: { id: this.user.id }, text, textFormat: 'plain' }),
    });
    expect(res.status).toBe(200);
  }

  /** Presses an Action.Execute button of a card in the chat; returns the card Sidos answers with. */
  async press(message: ChatMessage, verb: string, data: Record<string, unknown>): Promise<unknown> {
    const res = await fetch(`http://127.0.0.1:${this.port}/_conversation/v1/invoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        name: 'adaptiveCard/action',
        from: { id: this.user.id },
        conversation: { id: this.chatId },
        replyToId: message.messageId,
        value: { action: { type: 'Action.Execute', verb, data } },
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { type: string; value: unknown };
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    return body.value;
  }

  /** The next message Sidos posts in this chat after `count` messages. */
  nextMessage(count: number, what: string): Promise<ChatMessage> {
    return until(what, () => this.messages[count]);
  }
}

/** The Action.Execute button of a card with this title. */
function action(card: unknown, title: string): { verb: string; data: Record<string, unknown> } {
  const found: { verb: string; data: Record<string, unknown> }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'Action.Execute' && o.title === title) found.push({ verb: String(o.verb), data: (o.data ?? {}) as Record<string, unknown> });
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  expect(found.length, title).toBeGreaterThan(0);
  return found[0];
}

describe('Sidos in the Agents Playground', () => {
  let dir: string;
  let h: Harness;
  let coordinator: Playground;
  let partner: Playground;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-playground-'));
    h = await Harness.start({ clock: new FakeClock('2026-11-20T10:00:00Z').now, config: { people: sidosPeople } });
    const endpoint = `${h.sidos.url}/api/messages`;
    [coordinator, partner] = await Promise.all([new Playground(userAt(56150)).start(dir, endpoint), new Playground(userAt(56151)).start(dir, endpoint)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([coordinator?.stop(), partner?.stop()]);
    await h?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers help with the help card for the coordinator', async () => {
    await coordinator.say('help');
    const help = await coordinator.nextMessage(0, 'the help card');
    const texts = cardTexts(help.attachments![0].content);
    expect(texts).toContain('You are signed in as: coordinator, Uusimaa regional office.');
    expect(texts).toContain('plan <year>');
  });

  it('plans a year through card actions, invites the partner, who gets the invitation in their chat and answers', async () => {
    // The partner register, with the partner found by e-mail when they first write.
    await coordinator.say('partners');
    const register = await coordinator.nextMessage(1, 'the partner register');
    const saved = await coordinator.press(register, 'partner.save', {
      name: 'Megan Bowen',
      organisation: 'City of Espoo',
      email: partner.user.email,
      segment: 'municipalities',
      locale: 'en',
      officeId: 'uusimaa',
      aadObjectId: '',
    });
    expect(cardTexts(saved)).toContain('Saved: Megan Bowen, City of Espoo.');
    await partner.say('help');
    expect(cardTexts((await partner.nextMessage(0, "the partner's help card")).attachments![0].content)).toContain(
      'You are signed in as: partner, Uusimaa regional office.',
    );

    await coordinator.say('plan 2027');
    const form = await coordinator.nextMessage(2, 'the plan form');
    const plan = {
      year: 2027,
      officeId: 'uusimaa',
      theme: 'First weeks of a collection case',
      subThemes: 'Notices\nPayment plans',
      segments: 'municipalities',
      count: '2',
      weekday: '2',
      time: '13:00',
      durationMinutes: '90',
      place: 'Helsinki office',
      onlineUrl: '',
    };
    const preview = await coordinator.press(form, 'plan.preview', plan);
    expect(cardTexts(preview)).toContain('Proposed dates for 2027');
    const confirm = action(preview, 'Confirm and save');
    const dates = Object.fromEntries([...JSON.stringify(preview).matchAll(/"id":"(date_\d|subTheme_\d)"[^{}]*?"value":"([^"]*)"/g)].map((m) => [m[1], m[2]]));
    const confirmed = await coordinator.press(form, confirm.verb, { ...confirm.data, ...dates });
    expect(cardTexts(confirmed)).toContain('The plan for 2027 is saved');

    await coordinator.say('meetings');
    const meetings = await coordinator.nextMessage(3, 'the meeting list');
    const open = action(meetings.attachments![0].content, 'Invitations');
    const invitations = await coordinator.press(meetings, open.verb, open.data);
    expect(cardTexts(invitations)).toContain('Megan Bowen, City of Espoo – Teams');
    const toggle = JSON.stringify(invitations).match(/"id":"(invite_[^"]+)"/)![1];
    const send = action(invitations, 'Send invitations');
    const sent = await coordinator.press(meetings, send.verb, { ...send.data, [toggle]: 'true' });
    // Answered at once with the progress; the invitation goes out in the background.
    expect(cardTexts(sent).some((line) => /^\d \/ 1 invitation sent, 0 failed$/.test(line))).toBe(true);

    // The invitation is a proactive message: it reaches the partner's Playground.
    const invitation = await partner.nextMessage(1, 'the invitation');
    const card = invitation.attachments![0].content;
    expect(cardTexts(card)).toContain('Invitation: Notices');
    const accept = action(card, 'Accept');
    const answered = await partner.press(invitation, accept.verb, accept.data);
    expect(cardTexts(answered)).toContain('Your answer: attending');
    const refreshed = await coordinator.press(meetings, open.verb, open.data);
    expect(cardTexts(refreshed)).toContain('1 attending, 0 maybe, 0 not attending, 0 no answer');
  });
});
