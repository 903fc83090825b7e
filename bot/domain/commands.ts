import type { Role } from './types.js';

export const COMMANDS = [
  'help',
  'plan',
  'meetings',
  'partners',
  'import',
  'feedback',
  'proposals',
  'digest',
  'subscribe',
  'unsubscribe',
  'mydata',
  'survey',
  'privacy',
  'language',
  'staff',
  'audit',
  'announce',
  'announcements',
  'contacts',
  'subscribeMeetings',
  'subscribeNews',
  'unsubscribeMeetings',
  'unsubscribeNews',
] as const;
export type Command = (typeof COMMANDS)[number];

/** What an office's staff run: coordinators, and admins for every office. */
const OFFICE_WORK: readonly Command[] = [
  'plan',
  'meetings',
  'partners',
  'import',
  'proposals',
  'feedback',
  'survey',
  'announce',
  'announcements',
  'contacts',
  'subscribeMeetings',
  'subscribeNews',
  'unsubscribeMeetings',
  'unsubscribeNews',
];

/** What each role may run; the help card shows exactly these. */
export const COMMANDS_BY_ROLE: Record<Role, readonly Command[]> = {
  partner: ['feedback', 'meetings', 'contacts', 'mydata', 'language', 'help'],
  coordinator: [...OFFICE_WORK, 'mydata', 'help'],
  national: ['digest', 'subscribe', 'unsubscribe', 'proposals', 'mydata', 'help'],
  admin: [...OFFICE_WORK, 'digest', 'subscribe', 'unsubscribe', 'privacy', 'staff', 'audit', 'mydata', 'help'],
};

/** The text a button sends for a command (the words users type). */
export const COMMAND_TEXT: Record<Command, string> = {
  help: 'help',
  plan: 'plan',
  meetings: 'meetings',
  partners: 'partners',
  import: 'import',
  feedback: 'feedback',
  proposals: 'proposals',
  digest: 'digest',
  subscribe: 'subscribe digest',
  unsubscribe: 'unsubscribe digest',
  mydata: 'my data',
  survey: 'survey',
  privacy: 'privacy',
  language: 'language',
  staff: 'staff',
  audit: 'audit',
  announce: 'announce',
  announcements: 'announcements',
  contacts: 'contacts',
  subscribeMeetings: 'subscribe meetings',
  subscribeNews: 'subscribe news',
  unsubscribeMeetings: 'unsubscribe meetings',
  unsubscribeNews: 'unsubscribe news',
};

/** Parses typed text into a command and its arguments; null when it is not one. */
export function parseCommand(text: string): { command: Command; args: string } | null {
  const normalised = text.trim().replace(/\s+/g, ' ');
  const lower = normalised.toLowerCase();
  const byLength = [...COMMANDS].sort((a, b) => COMMAND_TEXT[b].length - COMMAND_TEXT[a].length);
  for (const command of byLength) {
    const word = COMMAND_TEXT[command];
    if (lower === word || lower.startsWith(`${word} `)) return { command, args: normalised.slice(word.length).trim() };
  }
  return null;
}

export function rolesAllowed(command: Command): Role[] {
  return (Object.keys(COMMANDS_BY_ROLE) as Role[]).filter((role) => COMMANDS_BY_ROLE[role].includes(command));
}
