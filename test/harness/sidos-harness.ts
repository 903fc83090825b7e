// Starts the real Sidos (restify + teams-ai) on an ephemeral port, on a temp
// data directory, with the connector stand-in receiving its replies.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../bot/config.js';
import { startSidos, type RunningSidos } from '../../bot/sidos.js';
import type { Clock } from '../../bot/services/clock.js';
import { LowdbRecordStore } from '../../bot/store/lowdb-records.js';
import { openPostgres } from '../../bot/store/open-record-store.js';
import type { RecordStore } from '../../bot/store/records.js';
import { cardAction, message, type Where } from './activities.js';
import { ConnectorStandIn, type PostedActivity } from './connector.js';
import { testPeople, type TestUser } from './people.js';
import { createTestDatabase } from './postgres.js';

/** The store the e2e tests run Sidos on: lowdb unless SIDOS_TEST_STORE=postgres (the "postgres" vitest project). */
export type TestStoreKind = 'lowdb' | 'postgres';
export const testStore: TestStoreKind = process.env.SIDOS_TEST_STORE === 'postgres' ? 'postgres' : 'lowdb';

export interface HarnessOptions {
  clock?: Clock;
  env?: Record<string, string>;
  config?: Record<string, unknown>;
  dataDir?: string;
  /** Writes records into the store before Sidos first starts, as earlier use would have left them. */
  seedRecords?: (records: RecordStore) => Promise<unknown>;
  /** For a test that needs one store whichever project runs it (default: testStore). */
  store?: TestStoreKind;
}

export class Harness {
  sidos!: RunningSidos;
  readonly logs: string[] = [];
  private configFile = '';

  private constructor(
    readonly connector: ConnectorStandIn,
    readonly dataDir: string,
    /** Set when Sidos runs on PostgreSQL: its test database, kept across restarts. */
    readonly databaseUrl: string | null,
    private readonly options: HarnessOptions,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<Harness> {
    const connector = await new ConnectorStandIn().start();
    const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'sidos-e2e-')));
    const databaseUrl = (options.store ?? testStore) === 'postgres' ? await createTestDatabase() : null;
    if (options.seedRecords) await editStore(dataDir, databaseUrl, options.seedRecords);
    const harness = new Harness(connector, dataDir, databaseUrl, options);
    harness.configFile = join(dataDir, 'test-config.json');
    await writeFile(harness.configFile, JSON.stringify({ people: testPeople, ...options.config }));
    await harness.boot();
    return harness;
  }

  private async boot(): Promise<void> {
    const database = this.databaseUrl ? { DATABASE_URL: this.databaseUrl } : {};
    const config = loadConfig({ PORT: '0', DATA_DIR: join(this.dataDir, 'data'), SIDOS_CONFIG: this.configFile, ...database, ...this.options.env });
    this.sidos = await startSidos({
      config,
      clock: this.options.clock,
      log: (line) => this.logs.push(line),
      retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50 },
      startJobs: false,
    });
  }

  /** Stops and starts Sidos on the same data, as a redeploy would; `change` writes to the store while it is stopped. */
  async restart(change?: (records: RecordStore) => Promise<unknown>): Promise<void> {
    await this.sidos.stop();
    if (change) await editStore(this.dataDir, this.databaseUrl, change);
    await this.boot();
  }

  /** Runs a scheduled job at the clock's current time, waits for it, and returns the messages it posted. */
  async runJob(name: string): Promise<PostedActivity[]> {
    const from = this.connector.posted.length;
    await this.sidos.runJob(name);
    return this.connector.messages(from);
  }

  /** What the running Sidos keeps: read (and, between steps, seed) through it. */
  get records(): RecordStore {
    return this.sidos.records;
  }

  get serviceUrl(): string {
    return this.connector.url;
  }

  async post(activity: object): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.sidos.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  }

  /** Sends a message and returns the message activities the bot posted in reply. */
  async say(user: TestUser, text: string, opts: { where?: Where; locale?: string } = {}) {
    const from = this.connector.posted.length;
    const res = await this.post(message(this.serviceUrl, user, text, opts));
    if (res.status !== 200) throw new Error(`message answered ${res.status}: ${JSON.stringify(res.body)}`);
    return this.connector.messages(from);
  }

  /** Clicks an Action.Execute button; returns the invoke response body ({ statusCode, type, value }). */
  async click(user: TestUser, verb: string, data: Record<string, unknown>, opts: { where?: Where; locale?: string; replyToId?: string } = {}) {
    const res = await this.post(cardAction(this.serviceUrl, user, verb, data, opts));
    if (res.status !== 200) throw new Error(`invoke answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as { statusCode: number; type: string; value: any };
  }

  /** Waits until the sends started by clicks (and the card updates they cause) are done. */
  idle(): Promise<void> {
    return this.sidos.idle();
  }

  async stop(): Promise<void> {
    await this.sidos.stop();
    await this.connector.stop();
    if (!this.options.dataDir) await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** Writes through the store Sidos will run on (lowdb in the data directory, or the test database) while it is not running. */
async function editStore(dataDir: string, databaseUrl: string | null, change: (records: RecordStore) => Promise<unknown>): Promise<void> {
  const records = databaseUrl ? (await openPostgres(databaseUrl)).store : await LowdbRecordStore.open(join(dataDir, 'data'));
  try {
    await change(records);
  } finally {
    await records.close();
  }
}

/** All visible text of a card (TextBlocks, facts, action titles), for assertions. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (node && typeof node === 'object') {
      const n = node as Record<string, unknown>;
      for (const key of ['text', 'title', 'value', 'label', 'placeholder']) if (typeof n[key] === 'string') out.push(n[key] as string);
      Object.values(n).forEach(walk);
    }
  };
  walk(card);
  return out.join('\n');
}
