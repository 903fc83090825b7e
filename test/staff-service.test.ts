// The staff service: the rule that over HTTP cannot be reached through a
// second admin, that the last administrator cannot be removed or demoted (with
// the Teams check in front, the one acting is always an admin, so never the
// last); and a message in every language for each refusal and input error.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, type AppConfig } from '../bot/config.js';
import { STAFF_INPUT_ERROR_CODES } from '../bot/domain/staff-input.js';
import { LOCALES } from '../bot/domain/types.js';
import { loadLocaleStrings } from '../bot/i18n.js';
import { addStaff, changeStaff, removeStaff, STAFF_REFUSALS } from '../bot/services/staff.js';
import { LowdbStore } from '../bot/store/lowdb-store.js';
import { readDataFile } from './harness/data-files.js';

const NOW = new Date('2027-03-01T09:00:00.000Z');
const OWNER = '00000000-0000-4000-8000-0000000000aa';
const actor = { identity: { aadObjectId: '00000000-0000-4000-8000-0000000000bb', name: 'Service account' }, role: 'admin' as const };

describe('staff service: the last administrator', () => {
  let dir: string;
  let store: LowdbStore;
  let config: AppConfig;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sidos-staff-'));
    store = await LowdbStore.open(dir);
    // No admin in the configuration: the only one is given in Sidos.
    config = { ...loadConfig({ PORT: '0', DATA_DIR: dir }), people: [] };
    await store.updateShared((d) => d.roleAssignments.push({ aadObjectId: OWNER, role: 'admin' }));
  });
  afterEach(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const onDisk = async () => {
    const d = await readDataFile(join(dir, 'shared.json'));
    return { roles: d.roleAssignments, audit: d.audit, jobState: d.jobState };
  };

  it('is neither removed nor demoted, and nothing changes', async () => {
    const before = await onDisk();
    const shown = { role: 'admin', office: '' };
    expect(await removeStaff(store, config, actor, OWNER, shown, NOW)).toEqual({ ok: false, code: 'last-admin' });
    expect(await changeStaff(store, config, actor, OWNER, shown, { role: 'national' }, NOW)).toEqual({ ok: false, code: 'last-admin' });
    expect(await onDisk()).toEqual(before);
  });

  it('can be changed once there is a second administrator', async () => {
    expect((await addStaff(store, config, actor, { email: 'second@office.example.fi' }, { role: 'admin' }, NOW)).ok).toBe(true);
    const result = await changeStaff(store, config, actor, OWNER, { role: 'admin', office: '' }, { role: 'national' }, NOW);
    expect(result.ok).toBe(true);
    expect((await onDisk()).roles).toEqual([
      { aadObjectId: OWNER, role: 'national' },
      { email: 'second@office.example.fi', role: 'admin' },
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
