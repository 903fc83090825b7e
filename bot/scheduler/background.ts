// Work started by a button press that goes on after the press is answered
// (sending invitations, updates and cancellations). Stop waits for it, and
// tests and the benchmark wait for it with idle().
export class BackgroundWork {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly log: (line: string) => void,
    private readonly signal: AbortSignal,
  ) {}

  /** Runs `task` without waiting for it; a failure is logged, and the scheduled jobs catch up what it did not do. */
  start(what: string, task: () => Promise<unknown>): void {
    if (this.signal.aborted) return;
    const run: Promise<void> = task()
      .then(
        () => undefined,
        (err: Error) => {
          // At shutdown the sends not done end with an AbortError; the next start sends them.
          if (!this.signal.aborted) this.log(`${what} failed (the scheduled job tries again): ${err.stack ?? err.message}`);
        },
      )
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves when no background work is running, including work started while waiting. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all(this.running);
  }
}
