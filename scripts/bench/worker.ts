// Runs an exported async function of a TypeScript module in a worker thread,
// so its CPU time and memory stay off the thread being measured. tsx's loader
// hooks do not reach workers on Node 20: the worker imports through tsx's API.
import { Worker } from 'node:worker_threads';

const BOOT = `
  const { parentPort, workerData } = require('node:worker_threads');
  const mod = import('tsx/esm/api').then((tsx) => tsx.tsImport(workerData.moduleUrl, workerData.moduleUrl));
  parentPort.on('message', (arg) =>
    mod
      .then((m) => m[workerData.exportName](arg))
      .then((result) => parentPort.postMessage({ result }), (err) => parentPort.postMessage({ error: String(err?.stack ?? err) })));`;

/** A worker that keeps its module loaded (and its JIT warm) between calls; one call at a time. */
export class TsWorker<A, R> {
  private readonly worker: Worker;

  constructor(moduleUrl: string, private readonly exportName: string) {
    this.worker = new Worker(BOOT, { eval: true, workerData: { moduleUrl, exportName } });
  }

  call(arg: A): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.worker.once('error', onError);
      this.worker.once('message', (message: { result?: R; error?: string }) => {
        this.worker.off('error', onError);
        if (message.error !== undefined) reject(new Error(`${this.exportName} in a worker: ${message.error}`));
        else resolve(message.result as R);
      });
      this.worker.postMessage(arg);
    });
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }
}

/** One call in a fresh worker, which ends afterwards (and frees its memory). */
export async function inWorker<A, R>(moduleUrl: string, exportName: string, arg: A): Promise<R> {
  const worker = new TsWorker<A, R>(moduleUrl, exportName);
  try {
    return await worker.call(arg);
  } finally {
    await worker.stop();
  }
}
