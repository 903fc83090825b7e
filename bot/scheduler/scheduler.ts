// node-cron wiring of the service jobs. A job is a service function given the
// time; the scheduler only decides when to call it. Jobs can also be run on
// demand (at start-up to catch up, and by tests with an injected clock).
// At shutdown (the signal) no job starts, and the runs in progress end soon:
// their sends are dropped from the send queue and their waits end.
//
// Several Sidos instances may run on one database, each with this scheduler:
// every run takes the job's lease in the RecordStore first (and keeps it while
// it runs), so a job runs on one instance at a time; a cron tick also records
// itself in the job state under that lease, so each tick runs once across
// instances even when their timers fire a little apart.
import cron, { type ScheduledTask } from 'node-cron';
import { newHolderId } from '../delivery/holder.js';
import type { Clock } from '../services/clock.js';
import type { RecordStore } from '../store/records.js';

export interface Job {
  name: string;
  /** Cron expression, evaluated in `timeZone`. */
  cron: string;
  timeZone: string;
  /** Also run once right after start-up (to catch up on what was missed while down). */
  runAtStart: boolean;
  /** `signal` is aborted when Sidos stops: stop starting more work. */
  run(now: Date, signal: AbortSignal): Promise<void>;
}

/**
 * How long a job's lease holds without renewal; a run renews it every third of
 * that, so only an instance that died (or hangs) lets it lapse to another.
 */
export const LEASE_MS = 10 * 60_000;

const leaseName = (job: string) => `job:${job}`;
const tickState = (job: string) => `scheduler.tick.${job}`;

export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly holder = newHolderId();

  constructor(
    private readonly jobs: Job[],
    private readonly records: RecordStore,
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
    private readonly signal: AbortSignal = new AbortController().signal,
  ) {}

  start(): void {
    for (const job of this.jobs) {
      this.tasks.push(cron.schedule(job.cron, (tick) => void this.tick(job.name, tick.date), { timezone: job.timeZone, name: job.name, noOverlap: true }));
    }
    for (const job of this.jobs.filter((j) => j.runAtStart)) void this.run(job.name);
  }

  /** Runs a job now unless another instance is running it; a run already in progress here is joined, not doubled. */
  run(name: string): Promise<void> {
    return this.runLeased(name, null);
  }

  /** The cron tick `scheduledAt` of a job: runs it unless this tick ran (or runs) on some instance already. */
  tick(name: string, scheduledAt: Date): Promise<void> {
    return this.runLeased(name, scheduledAt);
  }

  /** Stops the timers and waits for runs in progress (abort the signal first, so that they end soon). */
  async stop(): Promise<void> {
    for (const task of this.tasks) await task.stop();
    await Promise.all(this.running.values());
  }

  private runLeased(name: string, tick: Date | null): Promise<void> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) return Promise.reject(new Error(`No job named "${name}"`));
    const existing = this.running.get(name);
    if (existing) return existing;
    if (this.signal.aborted) return Promise.resolve();
    const run = this.underLease(job, tick)
      .catch((err: Error) => this.log(this.signal.aborted ? `job ${name} stopped: Sidos is shutting down` : `job ${name} failed: ${err.stack ?? err.message}`))
      .finally(() => this.running.delete(name));
    this.running.set(name, run);
    return run;
  }

  private async underLease(job: Job, tick: Date | null): Promise<void> {
    if (!(await this.takeLease(job.name))) return;
    const renewal = setInterval(() => void this.renewLease(job.name), LEASE_MS / 3);
    renewal.unref();
    try {
      if (tick && !(await this.claimTick(job.name, tick))) return;
      await job.run(this.clock(), this.signal);
    } finally {
      clearInterval(renewal);
      await this.records.releaseLease(leaseName(job.name), this.holder);
    }
  }

  private takeLease(name: string): Promise<boolean> {
    const now = this.clock();
    return this.records.takeLease(leaseName(name), this.holder, new Date(now.getTime() + LEASE_MS).toISOString(), now.toISOString());
  }

  private async renewLease(name: string): Promise<void> {
    const kept = await this.takeLease(name).catch(() => false);
    if (!kept) this.log(`job ${name}: its lease could not be renewed; another instance may start it too`);
  }

  /** Records that the tick ran; false when it ran already (on this instance or another: the lease is held, so no one else decides meanwhile). */
  private claimTick(name: string, tick: Date): Promise<boolean> {
    // A tick is named by its minute: the jobs' cron times are whole minutes, and instances' clocks differ by less.
    const at = new Date(Math.floor(tick.getTime() / 60_000) * 60_000).toISOString();
    return this.records.transaction(async (tx) => {
      if (((await tx.jobState(tickState(name))) ?? '') >= at) return false;
      await tx.setJobState(tickState(name), at);
      return true;
    });
  }
}
