// Renders the Adaptive Card templates in adaptive-cards/ with data. Templates
// hold layout only; every text (labels and user text) comes in the data, and
// binding it through the template keeps user text from changing the layout.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ACData from 'adaptivecards-templating';

export const CARD_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../adaptive-cards');

export type Card = Record<string, unknown>;

/** Teams refuses a message larger than about 28 KB, its card included. */
export const TEAMS_MESSAGE_LIMIT_BYTES = 28 * 1024;
/** What one card may take: the limit less room for the rest of the activity around it. */
export const CARD_BUDGET_BYTES = TEAMS_MESSAGE_LIMIT_BYTES - 2 * 1024;

/** The card's size as Teams counts it: its JSON in UTF-8. */
export const cardBytes = (card: unknown) => Buffer.byteLength(JSON.stringify(card), 'utf8');

// Parsed once: building a Template parses every ${…} expression, about 15× the cost of expanding it.
const templates = new Map<string, ACData.Template>(
  readdirSync(CARD_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => [basename(f, '.json'), new ACData.Template(JSON.parse(readFileSync(resolve(CARD_DIR, f), 'utf8')))]),
);

export function cardNames(): string[] {
  return [...templates.keys()].sort();
}

export function renderCard(name: string, data: object): Card {
  const template = templates.get(name);
  if (!template) throw new Error(`No card template "${name}" in adaptive-cards/`);
  return template.expand({ $root: withoutMarkdownLinks(data) }) as Card;
}

/**
 * Renders a self-updating card (invitation progress, announcement status):
 * while `sending` the clients of `viewers.refreshUserIds` refresh it by
 * themselves; a finished card drops the template's `refresh: null` and asks
 * Teams for nothing.
 */
export function renderSelfUpdatingCard(viewers: { refreshUserIds: readonly string[] }, name: string, sending: boolean, data: object): Card {
  const card = renderCard(name, { ...data, sending, refreshUserIds: viewers.refreshUserIds });
  if (!sending) delete card.refresh;
  return card;
}

/**
 * Teams renders Markdown in card text, so "[Pay here](https://…)" typed by
 * someone would show as a disguised link. A zero-width space between "]" and
 * "(" keeps the text readable and the link inert; Sidos's own strings have no
 * Markdown links.
 */
function withoutMarkdownLinks(value: unknown): any {
  if (typeof value === 'string') return value.replace(/\]\s*\(/g, ']\u200B(');
  if (Array.isArray(value)) return value.map(withoutMarkdownLinks);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutMarkdownLinks(v)]));
  }
  return value;
}
