// A CPU profile of another Node process over its inspector (started with
// --inspect=127.0.0.1:0): start and stop it around one phase of a benchmark and
// name the functions that took the most self time. Only the phase is profiled,
// not the start-up nor the other phases.
import WebSocket from 'ws';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}

interface Profile {
  nodes: ProfileNode[];
  samples?: number[];
}

export interface SelfTime {
  /** Function name and its file, relative to the project (tsx compiles a .ts file to one line: no line numbers). */
  where: string;
  /** Share of all samples of the phase (idle ones included), in per cent. */
  percent: number;
}

/** The inspector's WebSocket URL from a process's output ("Debugger listening on ws://…"). */
export function inspectorUrl(output: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1];
}

export class CpuProfiler {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (result: unknown) => void; reject: (err: Error) => void }>();

  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      const waiting = message.id === undefined ? undefined : this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id!);
      if (message.error) waiting.reject(new Error(message.error.message));
      else waiting.resolve(message.result);
    });
  }

  static async connect(url: string): Promise<CpuProfiler> {
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    return new CpuProfiler(socket);
  }

  private send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async start(): Promise<void> {
    await this.send('Profiler.enable');
    await this.send('Profiler.setSamplingInterval', { interval: 500 });
    await this.send('Profiler.start');
  }

  async stop(): Promise<Profile> {
    const { profile } = await this.send<{ profile: Profile }>('Profiler.stop');
    return profile;
  }

  close(): void {
    this.socket.close();
  }
}

export interface Hotspots {
  /** Share of the samples in which the process waited (on the network, the database, the disk), in per cent. */
  idlePercent: number;
  /** The `count` functions with the most self time, idle left out. */
  top: SelfTime[];
}

/** Where the process spent the profiled time; `root` is cut from the file URLs. */
export function hotspots(profile: Profile, root: string, count = 5): Hotspots {
  const hits = new Map<number, number>();
  for (const sample of profile.samples ?? []) hits.set(sample, (hits.get(sample) ?? 0) + 1);
  const total = profile.samples?.length ?? 0;
  const percent = (samples: number) => (total === 0 ? 0 : (100 * samples) / total);
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const samples = hits.get(node.id) ?? 0;
    if (samples === 0) continue;
    const { functionName, url } = node.callFrame;
    const file = url.replace(/^file:\/\//, '').replace(`${root}/`, '');
    const where = file ? `${functionName || '(anonymous)'} ${file}` : functionName;
    byFunction.set(where, (byFunction.get(where) ?? 0) + samples);
  }
  const idle = byFunction.get('(idle)') ?? 0;
  byFunction.delete('(idle)');
  const top = [...byFunction]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([where, samples]) => ({ where, percent: percent(samples) }));
  return { idlePercent: percent(idle), top };
}
