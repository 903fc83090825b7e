// Samples the process's resident set size every 10 ms from a worker thread, so
// the samples keep coming while the main thread is blocked (e.g. serializing).
import { readFile } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';

const SAMPLER = `
  const { parentPort } = require('node:worker_threads');
  let peak = 0;
  const sample = () => { peak = Math.max(peak, process.memoryUsage.rss()); };
  setInterval(sample, 10);
  parentPort.on('message', () => { sample(); parentPort.postMessage(peak); peak = 0; });`;

export class RssSampler {
  private readonly worker = new Worker(SAMPLER, { eval: true });

  /** The highest RSS (bytes) since the previous call, or since start. */
  peakSinceLast(): Promise<number> {
    return new Promise((resolve) => {
      this.worker.once('message', resolve);
      this.worker.postMessage('peak');
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

export const mib = (bytes: number) => Math.round(bytes / 1_048_576);

/** VmRSS of another process (bytes), from /proc (Linux). */
async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}

/** Samples a child process's RSS every 100 ms: its peak, and its samples since the last mark. */
export class ChildRssSampler {
  peak = 0;
  private samples: number[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number) {
    this.timer = setInterval(() => void this.sample(), 100);
  }

  private async sample(): Promise<void> {
    const rss = await rssOf(this.pid);
    if (rss === 0) return;
    this.peak = Math.max(this.peak, rss);
    this.samples.push(rss);
  }

  /** The samples taken since the previous call. */
  async sinceLast(): Promise<number[]> {
    await this.sample();
    const taken = this.samples;
    this.samples = [];
    return taken;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
