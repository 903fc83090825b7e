// Counts and times the store's whole-file serializations while installed.
// The store writes every batch as JSON.stringify(<whole document>); a value
// with the top-level collections of a year or shared file is such a write.
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
      const isDocument = typeof value === 'object' && value !== null && ('feedbackRequests' in value || 'partners' in value);
      if (!isDocument) return original(value, replacer, space);
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
