// Commands and card actions: who may use them and which handler runs.
import type { Card } from '../cards.js';
import type { BotDeps } from '../deps.js';
import type { Command } from '../domain/commands.js';
import type { Role } from '../domain/types.js';
import type { Translate } from '../i18n.js';
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

/** Returns the card that replaces the one clicked, or a short text. */
export type CardActionHandler = (turn: Turn, data: Record<string, unknown>) => Promise<Reply>;

export type FileHandler = (turn: Turn, files: SentFile[]) => Promise<Reply | Reply[]>;

export interface CardAction {
  roles: readonly Role[];
  handle: CardActionHandler;
}

export class Routes {
  readonly commands = new Map<Command, CommandHandler>();
  readonly cardActions = new Map<string, CardAction>();
  /** Files sent in a personal chat go here instead of the command parser. */
  fileHandler: { roles: readonly Role[]; handle: FileHandler } | null = null;

  command(command: Command, handler: CommandHandler): this {
    this.commands.set(command, handler);
    return this;
  }

  cardAction(verb: string, roles: readonly Role[], handle: CardActionHandler): this {
    this.cardActions.set(verb, { roles, handle });
    return this;
  }

  files(roles: readonly Role[], handle: FileHandler): this {
    this.fileHandler = { roles, handle };
    return this;
  }
}
