// Teams-shaped activities, as the Bot Framework service delivers them.
import { randomUUID } from 'node:crypto';
import type { TestUser } from './people.js';

export const TENANT_ID = '11111111-2222-4333-8444-555555555555';
export const BOT = { id: '28:sidos-bot', name: 'Sidos' };

export type Where = { kind: 'personal' } | { kind: 'channel'; teamId: string; channelId: string } | { kind: 'groupChat'; chatId: string };

export function conversationOf(user: TestUser, where: Where = { kind: 'personal' }) {
  if (where.kind === 'personal') return { id: `a:personal-${user.aadObjectId}`, conversationType: 'personal', tenantId: TENANT_ID };
  if (where.kind === 'channel') return { id: `${where.channelId};messageid=1`, conversationType: 'channel', isGroup: true, tenantId: TENANT_ID };
  return { id: where.chatId, conversationType: 'groupChat', isGroup: true, tenantId: TENANT_ID };
}

function base(serviceUrl: string, user: TestUser, where: Where, locale: string) {
  const channelData: Record<string, unknown> = { tenant: { id: TENANT_ID } };
  if (where.kind === 'channel') {
    channelData.team = { id: where.teamId };
    channelData.channel = { id: where.channelId };
  }
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
    recipient: BOT,
    conversation: conversationOf(user, where),
    channelData,
    locale,
  };
}

export function message(serviceUrl: string, user: TestUser, text: string, opts: { where?: Where; locale?: string } = {}) {
  const where = opts.where ?? { kind: 'personal' };
  const activity: Record<string, unknown> = { ...base(serviceUrl, user, where, opts.locale ?? 'fi-FI'), type: 'message', text, textFormat: 'plain' };
  if (where.kind !== 'personal') {
    // In channels the bot is @mentioned; Teams puts the mention in the text and in entities.
    activity.text = `<at>${BOT.name}</at> ${text}`;
    activity.entities = [{ type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: BOT }];
  }
  return activity;
}

export function installationAdd(serviceUrl: string, user: TestUser, opts: { where?: Where; locale?: string } = {}) {
  return { ...base(serviceUrl, user, opts.where ?? { kind: 'personal' }, opts.locale ?? 'fi-FI'), type: 'installationUpdate', action: 'add' };
}

export function botAdded(serviceUrl: string, user: TestUser, opts: { where?: Where; locale?: string } = {}) {
  return { ...base(serviceUrl, user, opts.where ?? { kind: 'personal' }, opts.locale ?? 'fi-FI'), type: 'conversationUpdate', membersAdded: [BOT] };
}

/** A click on an Action.Execute button: an adaptiveCard/action invoke. */
export function cardAction(
  serviceUrl: string,
  user: TestUser,
  verb: string,
  data: Record<string, unknown>,
  opts: { where?: Where; locale?: string; replyToId?: string } = {},
) {
  return {
    ...base(serviceUrl, user, opts.where ?? { kind: 'personal' }, opts.locale ?? 'fi-FI'),
    // The id of the message whose card was clicked: Teams always sends it with an Action.Execute.
    replyToId: opts.replyToId ?? `card-${randomUUID()}`,
    type: 'invoke',
    name: 'adaptiveCard/action',
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}
