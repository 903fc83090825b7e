// Every button verb in a card template has a registered card action, and every
// registered card action has a button somewhere: a renamed verb cannot leave a
// dead button or an unreachable handler behind.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRoutes } from '../bot/teams/routes.js';

const CARDS_DIR = join(import.meta.dirname, '..', 'adaptive-cards');

/** The verbs written out in the templates; `${verb}` (the pager's buttons) is bound from code. */
async function templateVerbs(): Promise<Set<string>> {
  const verbs = new Set<string>();
  for (const name of (await readdir(CARDS_DIR)).filter((n) => n.endsWith('.json'))) {
    const text = await readFile(join(CARDS_DIR, name), 'utf8');
    for (const [, verb] of text.matchAll(/"verb"\s*:\s*"([^"]+)"/g)) if (verb !== '${verb}') verbs.add(verb);
  }
  return verbs;
}

// Verbs that only code builds: pager buttons (withPager's `verb`) whose action no template names.
const CODE_ONLY_VERBS = ['feedback.staff'];

describe('card verbs', () => {
  it('are the same in the templates and in the registered card actions', async () => {
    const inCards = [...(await templateVerbs()), ...CODE_ONLY_VERBS].sort();
    const registered = [...buildRoutes().cardActions.keys()].sort();
    expect(inCards).toEqual(registered);
  });
});
