// Reads who is speaking, where, and in which language from a Teams activity.
import { TeamsInfo, TurnContext } from 'botbuilder';
import type { ConversationKind } from '../store/store.js';
import type { Identity } from '../services/people.js';
import type { SeenConversation } from '../services/conversations.js';

export function conversationKind(context: TurnContext): ConversationKind {
  const type = context.activity.conversation?.conversationType;
  return type === 'channel' || type === 'groupChat' ? type : 'personal';
}

export function tenantId(context: TurnContext): string | undefined {
  const channelData = context.activity.channelData as { tenant?: { id?: string } } | undefined;
  return channelData?.tenant?.id ?? context.activity.conversation?.tenantId;
}

/** The e-mail of a sender, asked from Teams once per process and person (the roster call is slow). */
const emailCache = new Map<string, string | null>();

export async function senderIdentity(context: TurnContext, needEmail: boolean): Promise<Identity> {
  const from = context.activity.from ?? { id: '', name: '' };
  const identity: Identity = { aadObjectId: from.aadObjectId, name: from.name };
  if (!needEmail || !from.id) return identity;
  const cacheKey = from.aadObjectId ?? from.id;
  if (!emailCache.has(cacheKey)) {
    try {
      const member = await TeamsInfo.getMember(context, from.id);
      emailCache.set(cacheKey, member.email ?? member.userPrincipalName ?? null);
    } catch {
      // Outside Teams (Emulator, local tests) there is no roster; identify by id only.
      emailCache.set(cacheKey, null);
    }
  }
  const email = emailCache.get(cacheKey);
  return email ? { ...identity, email } : identity;
}

export function seenConversation(context: TurnContext, identity: Identity): SeenConversation {
  // activityId and locale change with every message; keeping them would rewrite the store each time.
  const { activityId: _activityId, locale: _locale, ...reference } = TurnContext.getConversationReference(context.activity);
  return {
    kind: conversationKind(context),
    conversationId: context.activity.conversation.id,
    tenantId: tenantId(context),
    reference: reference as Record<string, unknown>,
    identity,
  };
}
