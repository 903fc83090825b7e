// Samples the process's resident set size every 10 ms from a worker thread, so
// the samples keep coming while the main thread is blocked (e.g. serializing).
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
