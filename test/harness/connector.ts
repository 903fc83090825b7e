// A local stand-in for the Bot Framework connector service: records what the
// bot posts to /v3/conversations/... and the messages it replaces (PUT, card
// updates), answers roster lookups, can be told to fail the next requests
// (throttling, outages) the way the service does, can hold posts until
// released (so a test can prove what happened before a send), and counts how
// many posts were in flight at once.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PostedActivity {
  conversationId: string;
  replyToId?: string;
  activity: Record<string, any>;
}

export interface Member {
  id: string;
  aadObjectId?: string;
  email?: string;
  name?: string;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export class ConnectorStandIn {
  readonly posted: PostedActivity[] = [];
  /** Messages replaced by the bot (updateActivity): replyToId is the id of the replaced message. */
  readonly updated: PostedActivity[] = [];
  /** Posts being answered right now, and the most there ever were at once. */
  inFlight = 0;
  peakInFlight = 0;
  /** How long each activity post takes to answer, as a busy service would. */
  latencyMs = 0;
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;
  readonly members = new Map<string, Member>();
  requests = 0;
  private failures: { status: number; retryAfter?: string }[] = [];
  private server: Server | null = null;
  url = '';

  /** `port` 0 picks a free one; a fixed port lets a test bring the service back where the bot's references point. */
  async start(port = 0): Promise<this> {
    this.server = createServer(async (req, res) => {
      this.requests += 1;
      const body = await readBody(req);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      const member = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(path);
      if (req.method === 'GET' && member) {
        const found = this.members.get(decodeURIComponent(member[2]));
        return found
          ? send(200, { id: found.id, aadObjectId: found.aadObjectId, email: found.email, userPrincipalName: found.email, name: found.name })
          : send(404, { error: { code: 'MemberNotFoundInConversation', message: 'The member was not found.' } });
      }
      const activities = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
      if (req.method === 'PUT' && activities?.[2]) {
        this.updated.push({ conversationId: decodeURIComponent(activities[1]), replyToId: decodeURIComponent(activities[2]), activity: JSON.parse(body) });
        return send(200, { id: activities[2] });
      }
      if (req.method === 'POST' && activities) {
        this.inFlight += 1;
        this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
        try {
          if (this.gate) await this.gate;
          if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
        } finally {
          this.inFlight -= 1;
        }
        const failure = this.failures.shift();
        if (failure) {
          return send(failure.status, { error: { code: 'Throttled', message: 'simulated' } }, failure.retryAfter ? { 'Retry-After': failure.retryAfter } : {});
        }
        const activity = JSON.parse(body) as Record<string, any>;
        this.posted.push({ conversationId: decodeURIComponent(activities[1]), replyToId: activities[2], activity });
        return send(200, { id: `posted-${this.posted.length}` });
      }
      send(404, { error: { code: 'NotFound', message: `${req.method} ${path}` } });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
    return this;
  }

  /** The next `count` activity posts fail with `status`. */
  failNext(count: number, status: number, retryAfter?: string): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, retryAfter });
  }

  /** Holds every activity post until release(): the bot's sends wait, as with a slow service. */
  hold(): void {
    this.gate ??= new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = null;
    this.openGate = null;
  }

  /** Resolves once `count` posts are waiting at the gate. */
  async waitingAtGate(count: number): Promise<void> {
    while (this.inFlight < count) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Activities of type message posted since `from` (an index into posted). */
  messages(from = 0): PostedActivity[] {
    return this.posted.slice(from).filter((p) => p.activity.type === 'message');
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** The Adaptive Card content of a posted activity, if it carries one. */
export function cardOf(posted: PostedActivity | undefined): Record<string, any> | undefined {
  return posted?.activity.attachments?.find((a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}
