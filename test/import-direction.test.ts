// Dependencies point down: the scheduler runs the jobs the features hand it,
// and what services send is built in their *-messages.ts modules, so neither
// they nor the domain and web pages import from bot/teams/.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const BOT = join(import.meta.dirname, '..', 'bot');
const LOWER_LAYERS = ['scheduler', 'services', 'domain', 'web'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(dir, name));
}

/** The module specifiers of a file's static and dynamic imports and re-exports. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)'([^']+)'/gm)].map((m) => m[1]);
}

describe('import direction', () => {
  it('finds the imports it checks', () => {
    expect(importsOf(join(BOT, 'scheduler', 'scheduler.ts'))).toContain('../store/records.js');
    expect(importsOf(join(BOT, 'teams', 'routes.ts'))).toContain('./announce.js');
  });

  it.each(LOWER_LAYERS)('bot/%s imports nothing from bot/teams/', (layer) => {
    const offending = sourceFiles(join(BOT, layer)).flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier.includes('/teams/'))
        .map((specifier) => `${relative(BOT, file)} → ${specifier}`),
    );
    expect(offending).toEqual([]);
  });
});
