// node-cron wiring of the service jobs. A job is a service function given the
// time; the scheduler only decides when to call it. Jobs can also be run on
// demand (at start-up to catch up, and by tests with an injected clock).
// At shutdown (the signal) no job starts, and the runs in progress end soon:
// their sends are dropped from the send queue and their waits end.
import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../services/clock.js';

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

export class Scheduler {
  private readonly tasks: ScheduledTask[] = [];
  private readonly running = new Map<string, Promise<void>>();

  constructor(
    private readonly jobs: Job[],
    private readonly clock: Clock,
    private readonly log: (line: string) => void,
    private readonly signal: AbortSignal = new AbortController().signal,
  ) {}

  start(): void {
    for (const job of this.jobs) {
      this.tasks.push(cron.schedule(job.cron, () => void this.run(job.name), { timezone: job.timeZone, name: job.name, noOverlap: true }));
    }
    for (const job of this.jobs.filter((j) => j.runAtStart)) void this.run(job.name);
  }

  /** Runs a job now; a run already in progress is joined, not doubled. */
  run(name: string): Promise<void> {
    const job = this.jobs.find((j) => j.name === name);
    if (!job) return Promise.reject(new Error(`No job named "${name}"`));
    const existing = this.running.get(name);
    if (existing) return existing;
    if (this.signal.aborted) return Promise.resolve();
    const run = job
      .run(this.clock(), this.signal)
      .catch((err: Error) => this.log(this.signal.aborted ? `job ${name} stopped: Sidos is shutting down` : `job ${name} failed: ${err.stack ?? err.message}`))
      .finally(() => this.running.delete(name));
    this.running.set(name, run);
    return run;
  }

  /** Stops the timers and waits for runs in progress (abort the signal first, so that they end soon). */
  async stop(): Promise<void> {
    for (const task of this.tasks) await task.stop();
    await Promise.all(this.running.values());
  }
}
