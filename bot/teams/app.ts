// The teams-ai Application: install events, typed commands and card actions.
// Thin on purpose: find out who and where, check the role, call a handler.
import { Application, TeamsAdapter } from '@microsoft/teams-ai';
import {
  ActivityTypes,
  CardFactory,
  type Activity,
  ConfigurationServiceClientCredentialFactory,
  MemoryStorage,
  type Middleware,
  type TurnContext,
} from 'botbuilder';
import type { BotCredentials } from '../config.js';
import { localeFrom, translator } from '../i18n.js';
import { claimGreeting, rememberConversation } from '../services/conversations.js';
import { isKnownByAadObjectId, userOf } from '../services/people.js';
import { CommitOutcomeUnknownError, StorageUnavailableError } from '../store/records.js';
import { CARD_BUDGET_BYTES } from '../cards.js';
import { oversizedCards } from './card-size-guard.js';
import { sentFiles } from './file-download.js';
import { helpCard } from './help.js';
import { deliverRoleNotice } from './staff.js';
import type { BotDeps } from '../deps.js';
import type { Reply, Routes, Turn } from './router.js';
import { seenConversation, senderIdentity } from './turn.js';
import { officeOrFirst } from '../domain/office-name.js';

/** TeamsAdapter with its authenticate-and-run step public, for bot/server.ts. */
export class SidosAdapter extends TeamsAdapter {
  handleActivity(authorization: string, activity: Activity, logic: (context: TurnContext) => Promise<void>) {
    return this.processActivity(authorization, activity, logic);
  }
}

/**
 * `authSettings` are Bot Framework authentication settings (ChannelService,
 * ToBotFromChannelOpenIdMetadataUrl, …) for clouds other than the public one.
 */
export function createAdapter(credentials: BotCredentials | null, authSettings: Record<string, string> = {}): SidosAdapter {
  // With no credentials the factory disables authentication: local mode.
  const factory = new ConfigurationServiceClientCredentialFactory(
    credentials
      ? {
          MicrosoftAppId: credentials.appId,
          MicrosoftAppPassword: credentials.password,
          MicrosoftAppType: credentials.appType,
          MicrosoftAppTenantId: credentials.tenantId,
        }
      : {},
  );
  return new SidosAdapter(authSettings, factory);
}

async function loadTurn(context: TurnContext, deps: BotDeps): Promise<Turn> {
  const aadObjectId = context.activity.from?.aadObjectId;
  const needEmail = !(await isKnownByAadObjectId(deps.config, deps.records, aadObjectId));
  const identity = await senderIdentity(context, needEmail);
  const conversation = await rememberConversation(deps.records, seenConversation(context, identity), deps.clock());
  const user = await userOf(deps.config, deps.records, identity, localeFrom(context.activity.locale));
  const { activity } = context;
  return { teamsUserId: activity.from?.id ?? '', clickedActivityId: activity.replyToId, user, conversation, t: translator(user.locale), deps };
}

/** The one place a reply becomes an activity: a text, or a card as an Adaptive Card attachment. */
async function send(context: TurnContext, replies: Reply | Reply[]): Promise<void> {
  for (const reply of Array.isArray(replies) ? replies : [replies]) {
    await context.sendActivity(typeof reply === 'string' ? reply : { attachments: [CardFactory.adaptiveCard(reply)] });
  }
}

/**
 * Teams silently refuses a message over its size limit, so a card that has
 * outgrown the budget is logged as it goes out: messages, card action replies
 * and proactive sends all pass through the adapter's middleware.
 */
export function cardSizeGuard(log: (line: string) => void): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>) {
      context.onSendActivities(async (_context, activities, sendAll) => {
        for (const activity of activities) {
          for (const bytes of oversizedCards(activity)) {
            log(`card of ${bytes} bytes in a ${activity.type} is over the ${CARD_BUDGET_BYTES}-byte budget: Teams may refuse it`);
          }
        }
        return sendAll();
      });
      await next();
    },
  };
}

function roleList(turn: Turn, roles: readonly string[]): string {
  return roles.map((r) => turn.t(`role.${r}`)).join(', ');
}

/** A store that cannot be used now is an outage, not a bug: one line in the log, no stack. */
function logStorageFailure(deps: BotDeps, context: TurnContext, err: StorageUnavailableError): void {
  deps.log(`storage unavailable while handling ${context.activity.type}: ${err.message}`);
}

function failureText(context: TurnContext, turn: Turn, err: unknown): string {
  if (err instanceof StorageUnavailableError) {
    logStorageFailure(turn.deps, context, err);
    return turn.t(err instanceof CommitOutcomeUnknownError ? 'error.storageUnknown' : 'error.storage');
  }
  turn.deps.log(`error handling ${context.activity.type}: ${(err as Error).stack ?? String(err)}`);
  return turn.t('error.generic');
}

export function createTeamsApp(adapter: TeamsAdapter, botAppId: string, deps: BotDeps, routes: Routes): Application {
  const app = new Application({
    adapter,
    botAppId,
    // Turn state is not used: everything Sidos keeps is in its own store.
    storage: new MemoryStorage(),
    removeRecipientMention: true,
    startTypingTimer: false,
  });
  adapter.use(cardSizeGuard(deps.log));

  const greet = async (context: TurnContext) => {
    const turn = await loadTurn(context, deps);
    if (!(await claimGreeting(deps.records, turn.conversation.id, deps.clock()))) return;
    await send(context, helpCard(turn, routes.commands, turn.t('help.welcome')));
  };

  app.conversationUpdate('membersAdded', async (context) => {
    const botId = context.activity.recipient?.id;
    if (context.activity.membersAdded?.some((m) => m.id === botId)) await greet(context);
  });

  app.activity(ActivityTypes.InstallationUpdate, async (context) => {
    const action = context.activity.action ?? '';
    if (action === 'add' || action === 'add-upgrade') await greet(context);
  });

  app.activity(ActivityTypes.Message, async (context) => {
    const turn = await loadTurn(context, deps);
    await deliverRoleNotice(turn, (text) => send(context, text));
    const files = sentFiles(context.activity);
    const fileAction = routes.files;
    if (files.length > 0 && fileAction) {
      if (!fileAction.roles.includes(turn.user.role)) {
        await send(context, turn.t('error.notAllowed', { roles: roleList(turn, fileAction.roles) }));
        return;
      }
      await send(context, await fileAction.handle(turn, files).catch((err: unknown) => failureText(context, turn, err)));
      return;
    }
    const text = (context.activity.text ?? '').trim();
    const parsed = routes.command(text);
    if (!parsed) {
      await send(context, helpCard(turn, routes.commands, text ? turn.t('help.unknown', { text: text.slice(0, 80) }) : turn.t('help.intro')));
      return;
    }
    const { command, args } = parsed;
    if (!command.roles.includes(turn.user.role)) {
      await send(context, turn.t('error.notAllowed', { roles: roleList(turn, command.roles) }));
      return;
    }
    await send(context, await command.handle(turn, args).catch((err: unknown) => failureText(context, turn, err)));
  });

  app.adaptiveCards.actionExecute(/.*/, async (context, _state, data) => {
    const turn = await loadTurn(context, deps);
    const verb = String((context.activity.value as { action?: { verb?: string } })?.action?.verb ?? '');
    const action = routes.cardActions.get(verb);
    if (!action) return turn.t('error.cardOutdated');
    if (!action.roles.includes(turn.user.role)) return turn.t('error.notAllowed', { roles: roleList(turn, action.roles) });
    const parsed = action.schema.safeParse(data ?? {});
    if (!parsed.success) return turn.t('error.cardOutdated');
    try {
      const result = await action.handle(turn, parsed.data);
      return result as never;
    } catch (err) {
      return failureText(context, turn, err);
    }
  });

  app.error(async (context, err) => {
    if (err instanceof StorageUnavailableError) return answerStorageFailure(context, deps, err);
    deps.log(`unhandled error in turn ${context.activity?.type}: ${err.stack ?? err.message}`);
  });

  return app;
}

/**
 * The store failed before a handler ran (loading the turn reads and records the
 * conversation): the sender still gets the storage message, in the language of
 * their Teams client (else the default office's), as a reply or as the card action's answer.
 */
async function answerStorageFailure(context: TurnContext, deps: BotDeps, err: StorageUnavailableError): Promise<void> {
  logStorageFailure(deps, context, err);
  const { config } = deps;
  const office = officeOrFirst(config.offices, config.defaultOffice);
  const text = translator(localeFrom(context.activity.locale) ?? office.locale)('error.storage');
  if (context.activity.type !== ActivityTypes.Invoke) {
    await context.sendActivity(text);
    return;
  }
  const body = { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text };
  await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body } });
}
