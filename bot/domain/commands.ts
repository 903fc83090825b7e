/**
 * Parses typed text into one of `commands` and its arguments; null when it is
 * none. Case and runs of spaces do not matter, and the longest words win
 * (`subscribe meetings` before `subscribe`).
 */
export function parseCommand<C extends { words: string }>(text: string, commands: readonly C[]): { command: C; args: string } | null {
  const normalised = text.trim().replace(/\s+/g, ' ');
  const lower = normalised.toLowerCase();
  const byLength = [...commands].sort((a, b) => b.words.length - a.words.length);
  for (const command of byLength) {
    const words = command.words;
    if (lower === words || lower.startsWith(`${words} `)) return { command, args: normalised.slice(words.length).trim() };
  }
  return null;
}
