// The process benchmark's lowdb data directory: Sidos opens it, it holds the
// stored feedback asked for, and every submission the benchmark sends answers
// an open request of the partner its Teams identity resolves to; and the
// summary of the CPU profile it takes of the Sidos process.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { hotspots, inspectorUrl } from '../scripts/bench/cpu-profile.js';
import { BENCH_YEAR, writeDataset } from '../scripts/bench/dataset.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('bench-process lowdb dataset', () => {
  it('opens with the stored feedback and open requests of the answering partners', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-bench-test-'));
    const dataset = await writeDataset({ dir, records: 300, open: 12, serviceUrl: 'http://127.0.0.1:1/' });
    const records = await LowdbRecordStore.open(dir);
    try {
      expect(await records.inYear('feedback', BENCH_YEAR)).toHaveLength(300);
      expect(dataset.submissions).toHaveLength(12);
      for (const submission of dataset.submissions) {
        const [partner] = await records.findBy('partners', 'aadObjectId', submission.user.aadObjectId);
        const request = await records.get('feedbackRequests', submission.data.requestId);
        expect(request).toMatchObject({ partnerId: partner.id, status: 'open' });
      }
    } finally {
      await records.close();
    }
  });
});

describe('bench-process CPU profile summary', () => {
  it('sums self time per function over the samples, sets idle apart and names files relative to the project', () => {
    const frame = (functionName: string, url = '') => ({ functionName, url });
    const profile = {
      nodes: [
        { id: 1, callFrame: frame('(root)') },
        { id: 2, callFrame: frame('(idle)') },
        { id: 3, callFrame: frame('add', 'file:///repo/bot/store/lowdb-records.ts') },
        { id: 4, callFrame: frame('add', 'file:///repo/bot/store/lowdb-records.ts') },
        { id: 5, callFrame: frame('(garbage collector)') },
        { id: 6, callFrame: frame('', 'file:///repo/bot/cards.ts') },
      ],
      samples: [2, 2, 2, 2, 3, 4, 3, 5, 5, 6],
    };
    expect(hotspots(profile, '/repo', 2)).toEqual({
      idlePercent: 40,
      top: [
        { where: 'add bot/store/lowdb-records.ts', percent: 30 },
        { where: '(garbage collector)', percent: 20 },
      ],
    });
  });

  it('finds the inspector URL in what a process printed', () => {
    expect(inspectorUrl('Debugger listening on ws://127.0.0.1:40123/2b1e-77\nFor help, see: https://nodejs.org/en/docs/inspector\n')).toBe('ws://127.0.0.1:40123/2b1e-77');
    expect(inspectorUrl('Sidos running in LOCAL MODE')).toBeUndefined();
  });
});
