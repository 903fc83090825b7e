// A feature of Sidos in Teams is one object: its commands, its card actions
// (each with the roles that may use it and a schema for its data) and its jobs.
// `Routes` indexes the registered features for app.ts; the help card and the
// manifest's command lists are generated from the same registrations.
import type { z } from 'zod';
import type { Card } from '../cards.js';
import type { BotDeps } from '../deps.js';
import { parseCommand } from '../domain/commands.js';
import type { Role } from '../domain/types.js';
import type { Translate } from '../i18n.js';
import type { Job } from '../scheduler/scheduler.js';
import type { UserContext } from '../services/people.js';
import type { SentFile } from './file-download.js';
import type { ConversationRecord } from '../store/store.js';

export interface Turn {
  /** The sender's Teams user id (the one a card's refresh names). */
  teamsUserId: string;
  /** The message a clicked card is in, so a later update can replace it. */
  clickedActivityId?: string;
  user: UserContext;
  conversation: ConversationRecord;
  t: Translate;
  deps: BotDeps;
}

/** What a handler answers with: a card or a short text; app.ts sends it. */
export type Reply = Card | string;

/** Returns the messages to send, in order. */
export type CommandHandler = (turn: Turn, args: string) => Promise<Reply | Reply[]>;

/** Gets the card's data as its schema parsed it; returns the card that replaces the one clicked, or a short text. */
export type CardActionHandler<Data> = (turn: Turn, data: Data) => Promise<Reply>;

export type FileHandler = (turn: Turn, files: SentFile[]) => Promise<Reply | Reply[]>;

/** Where a Teams client shows a bot's command menu. */
export type TeamsScope = 'personal' | 'team' | 'groupChat';

export interface CommandRegistration {
  /** Its help strings are `cmd.<name>.title` and `cmd.<name>.description` (help card and manifest). */
  name: string;
  /** What users type, and what the help card's button sends (English in every language). */
  words: string;
  /** Who may run it; the help card shows each role exactly these. */
  roles: readonly Role[];
  /** Where the Teams command menu suggests it; without it, it still works when typed and is on the help card. */
  menu?: readonly TeamsScope[];
  handle: CommandHandler;
}

export interface CardAction {
  verb: string;
  roles: readonly Role[];
  /** A payload that does not fit is an outdated or crafted card: app.ts answers so and runs nothing. */
  schema: z.ZodType<unknown, z.ZodTypeDef, unknown>;
  handle: CardActionHandler<unknown>;
}

export interface FileAction {
  roles: readonly Role[];
  handle: FileHandler;
}

export interface Feature {
  commands?: readonly CommandRegistration[];
  cardActions?: readonly CardAction[];
  /** Files sent in a personal chat go here instead of the command parser (one feature may take them). */
  files?: FileAction;
  /** Its scheduled jobs, each run once across Sidos instances (scheduler.ts). */
  jobs?: (deps: BotDeps) => Job[];
}

/** The time zone of office jobs' cron times: the first office's (an instance serves offices of one region). */
export function officeTimeZone(deps: BotDeps): string {
  return deps.config.offices[0].timeZone;
}

/** A card action whose handler gets the data as `schema` parsed it. */
export function cardAction<Data>(
  verb: string,
  roles: readonly Role[],
  schema: z.ZodType<Data, z.ZodTypeDef, unknown>,
  handle: CardActionHandler<Data>,
): CardAction {
  return { verb, roles, schema, handle: handle as CardActionHandler<unknown> };
}

/** The registered features, indexed; a name, words or verb registered twice is a programming error found at start. */
export class Routes {
  readonly commands: readonly CommandRegistration[];
  readonly cardActions: ReadonlyMap<string, CardAction>;
  readonly files: FileAction | null;

  constructor(readonly features: readonly Feature[]) {
    this.commands = features.flatMap((f) => f.commands ?? []);
    const actions = features.flatMap((f) => f.cardActions ?? []);
    const fileActions = features.flatMap((f) => (f.files ? [f.files] : []));
    for (const [what, values] of [
      ['command', this.commands.map((c) => c.name)],
      ['command words', this.commands.map((c) => c.words)],
      ['card verb', actions.map((a) => a.verb)],
    ] as const) {
      const twice = values.find((v, i) => values.indexOf(v) !== i);
      if (twice !== undefined) throw new Error(`${what} "${twice}" is registered twice`);
    }
    if (fileActions.length > 1) throw new Error('more than one feature takes files');
    this.cardActions = new Map(actions.map((a) => [a.verb, a]));
    this.files = fileActions[0] ?? null;
  }

  /** The command typed, and the rest of the text as its arguments; null when it is none. */
  command(text: string): { command: CommandRegistration; args: string } | null {
    return parseCommand(text, this.commands);
  }

  jobs(deps: BotDeps): Job[] {
    return this.features.flatMap((f) => f.jobs?.(deps) ?? []);
  }
}
