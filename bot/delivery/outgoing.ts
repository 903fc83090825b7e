import type { Card } from '../cards.js';

/** What the bot sends into a chat: a text, a card, or both. */
export interface OutgoingMessage {
  text?: string;
  card?: Card;
}

/** Sends to a stored conversation. Implemented in bot/teams/ with the Bot Framework adapter. */
export interface ConversationPort {
  /** Resolves with the id of the message sent, when the service returns one. */
  send(reference: Record<string, unknown>, message: OutgoingMessage): Promise<string | void>;
}

/** Replaces a message the bot sent earlier, e.g. a card that shows progress. */
export interface CardUpdatePort {
  update(reference: Record<string, unknown>, activityId: string, message: OutgoingMessage): Promise<void>;
}

/** A send that failed with an HTTP status; 429 and 5xx are worth retrying. */
export class SendError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'SendError';
  }

  get retryable(): boolean {
    return this.status === null || this.status === 429 || this.status >= 500;
  }
}
