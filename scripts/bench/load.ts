// The load: `concurrency` senders POST the given activities to /api/messages,
// each sender one request at a time, until all are sent. Runs in a worker
// thread (LoadClient), so the client does not compete with the server's event
// loop; both share the machine's two cores.
import { TsWorker } from './worker.js';

export interface LoadJob {
  url: string;
  /** JSON bodies, one request each. */
  bodies: string[];
  concurrency: number;
}

export interface LoadResult {
  /** Per request, in the order of `bodies`. */
  latencyMs: number[];
  status: number[];
  response: string[];
  wallMs: number;
}

const emptyResult = (n: number): LoadResult => ({ latencyMs: new Array(n), status: new Array(n), response: new Array(n), wallMs: 0 });

/** POSTs body i and keeps its answer, status (0 when it could not be sent) and latency at i in `result`. */
async function post(url: string, bodies: string[], i: number, result: LoadResult): Promise<void> {
  const started = performance.now();
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: bodies[i] });
    result.response[i] = await res.text();
    result.status[i] = res.status;
  } catch (err) {
    result.response[i] = String(err);
    result.status[i] = 0;
  }
  result.latencyMs[i] = performance.now() - started;
}

/** Sends the job's requests; runs inside the worker, where LoadClient calls it by name. */
export async function sendAll(job: LoadJob): Promise<LoadResult> {
  const n = job.bodies.length;
  const result = emptyResult(n);
  let next = 0;
  const sender = async () => {
    while (next < n) await post(job.url, job.bodies, next++, result);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(job.concurrency, n) }, sender));
  result.wallMs = performance.now() - started;
  return result;
}

export interface PacedJob {
  url: string;
  bodies: string[];
  perSecond: number;
}

/**
 * Open loop: request i is sent at i / perSecond seconds whatever the earlier
 * ones are doing, so a slow answer delays nothing after it (as Teams' users
 * would not wait for each other). Runs inside a worker (TsWorker by name).
 */
export async function sendAtRate(job: PacedJob): Promise<LoadResult> {
  const n = job.bodies.length;
  const result = emptyResult(n);
  const started = performance.now();
  const sendOne = async (i: number) => {
    const wait = started + (i * 1000) / job.perSecond - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await post(job.url, job.bodies, i, result);
  };
  await Promise.all(Array.from({ length: n }, (_, i) => sendOne(i)));
  result.wallMs = performance.now() - started;
  return result;
}

/** The load generator's worker: one for the whole benchmark, so its HTTP client is warm for every run. */
export class LoadClient {
  private readonly worker = new TsWorker<LoadJob, LoadResult>(import.meta.url, 'sendAll');

  run(job: LoadJob): Promise<LoadResult> {
    return this.worker.call(job);
  }

  stop(): Promise<void> {
    return this.worker.stop();
  }
}

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Runs taken together: their requests, and their wall times added up. */
export function merged(results: readonly LoadResult[]): LoadResult {
  return {
    latencyMs: results.flatMap((r) => r.latencyMs),
    status: results.flatMap((r) => r.status),
    response: results.flatMap((r) => r.response),
    wallMs: results.reduce((sum, r) => sum + r.wallMs, 0),
  };
}

export interface LoadFigures {
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export function figures(result: LoadResult): LoadFigures {
  return {
    requests: result.latencyMs.length,
    perSecond: result.latencyMs.length / (result.wallMs / 1000),
    p50: percentile(result.latencyMs, 50),
    p99: percentile(result.latencyMs, 99),
  };
}
