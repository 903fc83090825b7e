// The process benchmark's lowdb data directory: Sidos opens it, it holds the
// stored feedback asked for, and every submission the benchmark sends answers
// an open request of the partner its Teams identity resolves to.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LowdbRecordStore } from '../bot/store/lowdb-records.js';
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
