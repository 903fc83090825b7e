/** A clock the test moves by hand: jobs and services read time only from it. */
export class FakeClock {
  private current: Date;

  constructor(start: string) {
    this.current = new Date(start);
  }

  readonly now = (): Date => new Date(this.current);

  set(iso: string): void {
    this.current = new Date(iso);
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
