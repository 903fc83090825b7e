// The people of `npm run playground` (config/playground/playground.json) and
// the Agents Playground configuration file for each of them.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SETUP_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../config/playground/playground.json');

export interface PlaygroundUser {
  id: string;
  name: string;
  aadObjectId: string;
  email: string;
}
export interface PlaygroundSetup {
  tenantId: string;
  users: PlaygroundUser[];
  playgrounds: { port: number; user: string }[];
}

/**
 * The Playground's configuration file with `user` signed in. Chat ids differ
 * per Playground so that Sidos keeps each person's chat apart. JSON is valid
 * YAML, which the Playground reads.
 */
export function playgroundConfig(setup: PlaygroundSetup, user: PlaygroundUser): string {
  const suffix = user.id;
  return JSON.stringify({
    version: '0.1.1',
    tenantId: setup.tenantId,
    bot: { id: '00000000-0000-4000-8000-000000000011', name: 'Sidos' },
    currentUser: user,
    users: setup.users.filter((u) => u.id !== user.id),
    personalChat: { id: `personal-${suffix}` },
    groupChat: { id: `group-${suffix}`, name: 'Stakeholder group' },
    team: {
      id: `team-${suffix}`,
      name: 'Regional office',
      aadGroupId: '00000000-0000-4000-8000-000000000031',
      channels: [{ id: `channel-${suffix}`, name: 'Announcements' }],
    },
  });
}

export function readPlaygroundSetup(): PlaygroundSetup {
  return JSON.parse(readFileSync(SETUP_FILE, 'utf8')) as PlaygroundSetup;
}
