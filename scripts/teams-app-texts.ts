// The Teams app's texts: name, description and the command lists Teams
// suggests, in English for manifest.json and in Finnish and Swedish for the
// package's language files. All of it comes from config/locales, so the
// command descriptions are the ones the help card shows.
import type { Locale } from '../bot/domain/types.js';
import { loadLocaleStrings } from '../bot/i18n.js';
import type { CommandRegistration, TeamsScope } from '../bot/teams/router.js';
import { buildRoutes } from '../bot/teams/routes.js';

/** Teams accepts at most this many commands in one list. */
export const MAX_COMMANDS_PER_LIST = 12;

const SCOPES: readonly TeamsScope[] = ['personal', 'team', 'groupChat'];

export interface MenuList {
  scopes: TeamsScope[];
  commands: CommandRegistration[];
}

/**
 * The manifest's command lists, from the commands' `menu`: one list per set of
 * scopes that suggest the same commands, in registration order. A list over
 * Teams's limit stops the build here, naming the scope, rather than in Teams.
 */
export function menuLists(commands: readonly CommandRegistration[] = buildRoutes().commands): MenuList[] {
  const lists: MenuList[] = [];
  for (const scope of SCOPES) {
    const inMenu = commands.filter((c) => c.menu?.includes(scope));
    if (inMenu.length === 0) continue;
    if (inMenu.length > MAX_COMMANDS_PER_LIST) {
      throw new Error(
        `${inMenu.length} commands are in the ${scope} command menu, and Teams takes at most ${MAX_COMMANDS_PER_LIST}: take one off in its \`menu\` (${inMenu.map((c) => c.words).join(', ')})`,
      );
    }
    const same = lists.find((l) => l.commands.length === inMenu.length && l.commands.every((c, i) => c === inMenu[i]));
    if (same) same.scopes.push(scope);
    else lists.push({ scopes: [scope], commands: inMenu });
  }
  return lists;
}

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
    commandLists: menuLists().map((list) => ({
      scopes: list.scopes,
      commands: list.commands.map((c) => ({ title: c.words, description: strings[`cmd.${c.name}.description`] })),
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
