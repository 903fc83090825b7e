// The Bot Framework side of proactive sends (the retry and idempotency logic
// lives in bot/delivery/teams-delivery.ts).
import { CardFactory, type CloudAdapter, type ConversationReference, type TurnContext } from 'botbuilder';
import { SendError, type CardUpdatePort, type ConversationPort, type OutgoingMessage } from '../delivery/outgoing.js';

export function toActivity(message: OutgoingMessage) {
  return {
    type: 'message',
    ...(message.text ? { text: message.text } : {}),
    ...(message.card ? { attachments: [CardFactory.adaptiveCard(message.card)] } : {}),
  };
}

function retryAfterMs(err: { response?: { headers?: { get?: (name: string) => string | undefined } } }): number | null {
  const header = err.response?.headers?.get?.('retry-after');
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

/**
 * The connector client retries 429 and 5xx on its own; for proactive sends the
 * delivery helper does that (honouring Retry-After and recording attempts), so
 * the client's retry phase is removed to keep a single retry loop.
 */
function withoutClientRetries(connector: unknown): void {
  const pipeline = (connector as { client?: { pipeline?: { removePolicy(o: { phase: string }): unknown } } })?.client?.pipeline;
  pipeline?.removePolicy({ phase: 'Retry' });
}

export class AdapterConversationPort implements ConversationPort, CardUpdatePort {
  constructor(
    private readonly adapter: CloudAdapter,
    private readonly botAppId: string,
  ) {}

  async send(reference: Record<string, unknown>, message: OutgoingMessage): Promise<string | void> {
    const sent = await this.inConversation(reference, (context) => context.sendActivity(toActivity(message)));
    return sent?.id;
  }

  async update(reference: Record<string, unknown>, activityId: string, message: OutgoingMessage): Promise<void> {
    await this.inConversation(reference, (context) => context.updateActivity({ ...toActivity(message), id: activityId }));
  }

  private async inConversation<T>(reference: Record<string, unknown>, act: (context: TurnContext) => Promise<T>): Promise<T | undefined> {
    try {
      // The failure is carried out of the callback: an error thrown there would go
      // to the adapter's onTurnError (set by the teams-ai Application) and be swallowed.
      let failure: unknown;
      let result: T | undefined;
      await this.adapter.continueConversationAsync(this.botAppId, reference as Partial<ConversationReference>, async (context) => {
        withoutClientRetries(context.turnState.get(this.adapter.ConnectorClientKey));
        result = await act(context).catch((err: unknown) => {
          failure = err;
          return undefined;
        });
      });
      if (failure) throw failure;
      return result;
    } catch (err) {
      const e = err as Error & { statusCode?: number; response?: { headers?: { get?: (n: string) => string | undefined } } };
      throw new SendError(e.message, e.statusCode ?? null, retryAfterMs(e));
    }
  }
}
