// The Teams app's texts: name, description and the command lists Teams
// suggests, in English for manifest.json and in Finnish and Swedish for the
// package's language files. All of it comes from config/locales, so the
// command descriptions are the ones the help card shows.
import { COMMAND_TEXT, type Command } from '../bot/domain/commands.js';
import type { Locale } from '../bot/domain/types.js';
import { loadLocaleStrings } from '../bot/i18n.js';

export type TeamsScope = 'personal' | 'team' | 'groupChat';

/** Teams accepts at most this many commands in one list. */
export const MAX_COMMANDS_PER_LIST = 12;

/**
 * The commands Teams suggests, per scope. Shared chats and channels leave out
 * what only answers in a personal chat (the partner register and import,
 * my data, privacy); the personal list leaves out the rarest to stay within
 * the limit: `unsubscribe digest`, `language` (a partner's language is set on
 * import), the admin commands `staff` and `audit`, and the announcement and
 * contacts commands (`announce`, `announcements`, `contacts`). All of them still work
 * when typed, and the help card shows them to whoever may use them.
 */
export const COMMAND_LISTS: readonly { scopes: readonly TeamsScope[]; commands: readonly Command[] }[] = [
  {
    scopes: ['personal'],
    commands: ['help', 'plan', 'meetings', 'partners', 'import', 'feedback', 'proposals', 'survey', 'digest', 'subscribe', 'mydata', 'privacy'],
  },
  {
    scopes: ['team', 'groupChat'],
    // A team channel joins the office's network with `subscribe meetings` / `subscribe news`.
    commands: ['help', 'plan', 'meetings', 'feedback', 'proposals', 'survey', 'announce', 'digest', 'subscribe', 'unsubscribe', 'subscribeMeetings', 'subscribeNews'],
  },
];

/** The language of manifest.json itself; the others get a language file each. */
export const MANIFEST_LOCALE: Locale = 'en';
export const ADDITIONAL_LOCALES: readonly Locale[] = ['fi', 'sv'];

export interface CommandList {
  scopes: TeamsScope[];
  commands: { title: string; description: string }[];
}

export interface AppTexts {
  name: { short: string; full: string };
  description: { short: string; full: string };
  commandLists: CommandList[];
}

/**
 * Titles stay the English command words in every language: Teams sends the
 * title as the message, and Sidos understands the commands in English only.
 */
export function appTexts(locale: Locale): AppTexts {
  const strings = loadLocaleStrings(locale);
  return {
    name: { short: strings['teamsApp.name.short'], full: strings['teamsApp.name.full'] },
    description: { short: strings['teamsApp.description.short'], full: strings['teamsApp.description.full'] },
    commandLists: COMMAND_LISTS.map((list) => ({
      scopes: [...list.scopes],
      commands: list.commands.map((c) => ({ title: COMMAND_TEXT[c], description: strings[`cmd.${c}.description`] })),
    })),
  };
}

/** A Teams localization file: the translated strings keyed by their place in the manifest. */
export function localizationFile(locale: Locale, manifestVersion: string): Record<string, string> {
  const texts = appTexts(locale);
  const file: Record<string, string> = {
    $schema: `https://developer.microsoft.com/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.Localization.schema.json`,
    'name.short': texts.name.short,
    'name.full': texts.name.full,
    'description.short': texts.description.short,
    'description.full': texts.description.full,
  };
  texts.commandLists.forEach((list, i) =>
    list.commands.forEach((command, j) => {
      file[`bots[0].commandLists[${i}].commands[${j}].title`] = command.title;
      file[`bots[0].commandLists[${i}].commands[${j}].description`] = command.description;
    }),
  );
  return file;
}
