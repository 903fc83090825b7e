// The audit trail's retention (its own period, longer than personal data's)
// and its CSV, on a real lowdb RecordStore.
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../bot/config.js';
import { addAudit, auditCsv, auditSince } from '../bot/services/audit.js';
import { applyRetention } from '../bot/services/privacy-retention.js';
import { readDataFile } from './harness/data-files.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';

const NOW = new Date('2030-06-01T09:00:00.000Z');
const DAY = 86_400_000;
const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);
const admin = { email: 'aino@office.example.fi', name: 'Aino Admin', role: 'admin' as const };

describe('audit service', () => {
  let temp: TempRecords;
  let config: AppConfig;

  beforeEach(async () => {
    temp = await tempRecords();
    config = loadConfig({ PORT: '0', DATA_DIR: temp.dir });
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  it('has its own retention, by default longer than personal data', () => {
    expect(config.retention.auditDays).toBeGreaterThan(config.retention.personalDataDays);
  });

  it('retention deletes entries older than retention.auditDays and keeps the rest, even those older than personalDataDays', async () => {
    const cfg: AppConfig = { ...config, retention: { personalDataDays: 30, auditDays: 365 } };
    await temp.records.transaction(async (tx) => {
      for (const [days, ref] of [[400, 'too-old'], [366, 'just-too-old'], [364, 'kept-old'], [31, 'older-than-personal-data'], [1, 'recent']] as const) {
        await addAudit(tx, { actor: admin, action: 'plan.confirm', target: { ref } }, daysAgo(days));
      }
    });
    const summary = await applyRetention(temp.records, cfg, NOW);
    expect(summary.audit).toBe(2);
    const refs = (await readDataFile(join(temp.dir, 'shared.json'))).audit.map((e: { target: { ref: string } }) => e.target.ref);
    expect(refs).toEqual(['kept-old', 'older-than-personal-data', 'recent']);
    expect((await applyRetention(temp.records, cfg, NOW)).audit).toBe(0);
  });

  it('lists the entries of the last days newest first, and writes them to a CSV a spreadsheet does not run', async () => {
    await temp.records.transaction(async (tx) => {
      await addAudit(tx, { actor: admin, action: 'role.add', target: { email: 'liisa@office.example.fi' }, details: { role: 'coordinator' } }, daysAgo(10));
      await addAudit(tx, { actor: { ...admin, name: '=HYPERLINK("http://evil")' }, action: 'partner.remove', target: { partnerId: 'p1', name: '+Pekka' } }, daysAgo(2));
    });
    expect((await auditSince(temp.records, 5, NOW)).map((e) => e.action)).toEqual(['partner.remove']);
    const entries = await auditSince(temp.records, 30, NOW);
    expect(entries.map((e) => e.action)).toEqual(['partner.remove', 'role.add']);
    const rows: Record<string, string>[] = parse(auditCsv(entries), { columns: true, bom: true });
    expect(rows[0]).toMatchObject({ action: 'partner.remove', actor_name: `'=HYPERLINK("http://evil")`, target_name: "'+Pekka", target_partner_id: 'p1' });
    expect(rows[1]).toMatchObject({ at: daysAgo(10).toISOString(), action: 'role.add', actor_email: admin.email, target_email: 'liisa@office.example.fi', details: 'role=coordinator' });
  });
});
