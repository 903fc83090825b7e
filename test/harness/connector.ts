// A local stand-in for the Bot Framework connector service: records what the
// bot posts to /v3/conversations/..., answers roster lookups, and can be told
// to fail the next requests (throttling, outages) the way the service does.
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
  readonly members = new Map<string, Member>();
  requests = 0;
  private failures: { status: number; retryAfter?: string }[] = [];
  private server: Server | null = null;
  url = '';

  async start(): Promise<this> {
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
      if (req.method === 'POST' && activities) {
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
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
    return this;
  }

  /** The next `count` activity posts fail with `status`. */
  failNext(count: number, status: number, retryAfter?: string): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, retryAfter });
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
