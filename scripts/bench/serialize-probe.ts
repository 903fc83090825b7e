// Counts and times the store's whole-file serializations while installed.
// lowdb writes every batch as JSON.stringify(data, null, 2); nothing else on
// the request path indents, so calls with an indent of 2 are store writes.
export class SerializeProbe {
  calls = 0;
  ms = 0;
  largestBytes = 0;
  private original: typeof JSON.stringify | null = null;

  install(): void {
    const original = JSON.stringify;
    this.original = original;
    const probe = this;
    JSON.stringify = function (value: unknown, replacer?: any, space?: string | number) {
      if (space !== 2) return original(value, replacer, space);
      const started = performance.now();
      const text = original(value, replacer, space);
      probe.ms += performance.now() - started;
      probe.calls += 1;
      probe.largestBytes = Math.max(probe.largestBytes, text.length);
      return text;
    } as typeof JSON.stringify;
  }

  uninstall(): void {
    if (this.original) JSON.stringify = this.original;
    this.original = null;
  }
}
