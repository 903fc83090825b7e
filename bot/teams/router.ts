// Commands and card actions: who may use them and which handler runs.
import type { z } from 'zod';
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

/** Gets the card's data as its schema parsed it; returns the card that replaces the one clicked, or a short text. */
export type CardActionHandler<Data> = (turn: Turn, data: Data) => Promise<Reply>;

export type FileHandler = (turn: Turn, files: SentFile[]) => Promise<Reply | Reply[]>;

export interface CardAction {
  roles: readonly Role[];
  /** A payload that does not fit is an outdated or crafted card: app.ts answers so and runs nothing. */
  schema: z.ZodType<unknown, z.ZodTypeDef, unknown>;
  handle: CardActionHandler<unknown>;
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

  cardAction<Data>(verb: string, roles: readonly Role[], schema: z.ZodType<Data, z.ZodTypeDef, unknown>, handle: CardActionHandler<Data>): this {
    this.cardActions.set(verb, { roles, schema, handle: handle as CardActionHandler<unknown> });
    return this;
  }

  files(roles: readonly Role[], handle: FileHandler): this {
    this.fileHandler = { roles, handle };
    return this;
  }
}
