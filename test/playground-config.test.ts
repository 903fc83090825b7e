import { describe, expect, it } from 'vitest';
import { loadConfig } from '../bot/config.js';
import { userOf } from '../bot/services/people.js';
import type { RecordReader } from '../bot/store/records.js';
import { readPlaygroundSetup } from '../scripts/playground-config.js';

const setup = readPlaygroundSetup();

describe('npm run playground configuration', () => {
  const config = loadConfig({ SIDOS_CONFIG: 'config/playground/sidos.json', DATA_DIR: '.playground-data/data' });
  // An empty register: who is who comes from the configuration alone.
  const noData = { findBy: async () => [] } as unknown as RecordReader;
  const roleAt = async (port: number) => {
    const user = setup.users.find((u) => u.id === setup.playgrounds.find((p) => p.port === port)!.user)!;
    return (await userOf(config, noData, { aadObjectId: user.aadObjectId }, null)).role;
  };

  it('signs in the coordinator on :56150, the partner on :56151 and national leadership on :56152', async () => {
    expect(setup.playgrounds.map((p) => p.port)).toEqual([56150, 56151, 56152]);
    expect([await roleAt(56150), await roleAt(56151), await roleAt(56152)]).toEqual(['coordinator', 'partner', 'national']);
  });

  it('gives every Playground user a GUID object id and an e-mail, as Teams does', () => {
    // The Playground's own sample users have 13-digit last groups, which are no GUIDs.
    for (const user of setup.users) {
      expect(user.aadObjectId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(user.email).toMatch(/@example\.com$/);
    }
    // Each Playground lists exactly five users besides the one signed in.
    expect(new Set(setup.users.map((u) => u.id)).size).toBe(6);
  });
});
