// The staff service: the rule that over HTTP cannot be reached through a
// second admin, that the last administrator cannot be removed or demoted (with
// the Teams check in front, the one acting is always an admin, so never the
// last); and a message in every language for each refusal and input error.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../bot/config.js';
import { STAFF_INPUT_ERROR_CODES } from '../bot/domain/staff-input.js';
import { LOCALES } from '../bot/domain/types.js';
import { loadLocaleStrings } from '../bot/i18n.js';
import { addStaff, changeStaff, removeStaff, STAFF_REFUSALS } from '../bot/services/staff.js';
import { roleAssignmentId } from '../bot/store/record-kinds.js';
import type { RecordStore } from '../bot/store/records.js';
import { readDataFile } from './harness/data-files.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';

const NOW = new Date('2027-03-01T09:00:00.000Z');
const OWNER = '00000000-0000-4000-8000-0000000000aa';
const actor = { identity: { aadObjectId: '00000000-0000-4000-8000-0000000000bb', name: 'Service account' }, role: 'admin' as const };

describe('staff service: the last administrator', () => {
  let temp: TempRecords;
  let records: RecordStore;
  let config: AppConfig;

  beforeEach(async () => {
    temp = await tempRecords();
    records = temp.records;
    // No admin in the configuration: the only one is given in Sidos.
    config = { ...loadConfig({ PORT: '0', DATA_DIR: temp.dir }), people: [] };
    const owner = { aadObjectId: OWNER, role: 'admin' as const };
    await records.transaction((tx) => tx.put('roleAssignments', { ...owner, id: roleAssignmentId(owner) }));
  });
  afterEach(async () => {
    await temp.cleanup();
  });

  const onDisk = async () => {
    const d = await readDataFile(join(temp.dir, 'shared.json'));
    return { roles: d.roleAssignments, audit: d.audit, jobState: d.jobState };
  };

  it('is neither removed nor demoted, and nothing changes', async () => {
    const before = await onDisk();
    const shown = { role: 'admin', office: '' };
    expect(await removeStaff(records, config, actor, OWNER, shown, NOW)).toEqual({ ok: false, code: 'last-admin' });
    expect(await changeStaff(records, config, actor, OWNER, shown, { role: 'national' }, NOW)).toEqual({ ok: false, code: 'last-admin' });
    expect(await onDisk()).toEqual(before);
  });

  it('can be changed once there is a second administrator', async () => {
    expect((await addStaff(records, config, actor, { email: 'second@office.example.fi' }, { role: 'admin' }, NOW)).ok).toBe(true);
    const result = await changeStaff(records, config, actor, OWNER, { role: 'admin', office: '' }, { role: 'national' }, NOW);
    expect(result.ok).toBe(true);
    // A changed assignment is a new record (its id names the role): it comes last.
    expect((await onDisk()).roles).toEqual([
      { email: 'second@office.example.fi', role: 'admin' },
      { aadObjectId: OWNER, role: 'national' },
    ]);
  });
});

describe('staff messages', () => {
  it('every refusal and every input error has a message in fi, sv and en', () => {
    for (const locale of LOCALES) {
      const strings = loadLocaleStrings(locale);
      for (const code of STAFF_REFUSALS) expect(strings, `${locale} staff.refused.${code}`).toHaveProperty(`staff.refused.${code}`);
      for (const code of STAFF_INPUT_ERROR_CODES) expect(strings, `${locale} validation.${code}`).toHaveProperty(`validation.${code}`);
    }
  });
});
