import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cleanFreeText, freeText, singleLine, stripToSingleLine } from '../bot/domain/plain-text.js';

// One of each kind: line breaks, C0 (NUL, ESC), DEL, C1 (NEL, CSI), direction overrides, embeddings, isolates and marks.
const UNWANTED = ['\n', '\r', '\r\n', '\t', '\u0000', '\u001b', '\u007f', '\u0085', '\u009b', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f'];

describe('plain text', () => {
  const name = singleLine(z.string().max(20, 'too-long'));

  it('a single-line field refuses line breaks, control characters and text-direction controls', () => {
    for (const c of UNWANTED) {
      const result = name.safeParse(`Espoo${c}kaupunki`);
      expect(result.success, JSON.stringify(c)).toBe(false);
      expect(result.error?.issues[0].message).toBe('control-characters');
    }
  });

  it('a single-line field keeps its other checks and accepts ordinary text in any script', () => {
    for (const ok of ['Jänis Järvinen', 'Åsa Öberg', 'شركة', 'ООО «Ромашка»', 'a\u200db 👩‍👩‍👧', 'x\u00a0y']) {
      expect(name.safeParse(ok).success, ok).toBe(true);
    }
    expect(name.safeParse('x'.repeat(21)).error?.issues[0].message).toBe('too-long');
    expect(singleLine(z.string(), 'allowed: one line').safeParse('a\nb').error?.issues[0].message).toBe('allowed: one line');
  });

  it('free text keeps line breaks as LF, turns tabs into spaces and drops other control and direction characters', () => {
    expect(cleanFreeText('one\r\ntwo\rthree\nfour')).toBe('one\ntwo\nthree\nfour');
    expect(cleanFreeText('a\tb')).toBe('a b');
    expect(cleanFreeText('evil\u202etxt.exe\u0000\u001b[31m\u0085\u2066x\u2069\u200f')).toBe('eviltxt.exe[31mx');
    expect(freeText(z.string().max(5)).safeParse('a\u202eb\r\nc')).toEqual({ success: true, data: 'ab\nc' });
    // Cleaned before the length is checked.
    expect(freeText(z.string().max(3)).safeParse('\u202e\u202e\u202eabc').success).toBe(true);
  });

  it('stripping for imports makes one line: line breaks and tabs become spaces, the rest is dropped', () => {
    expect(stripToSingleLine('Espoon\r\nkaupunki\tx')).toBe('Espoon kaupunki x');
    for (const c of UNWANTED.filter((c) => !/[\r\n\t]/.test(c))) expect(stripToSingleLine(`a${c}b`), JSON.stringify(c)).toBe('ab');
  });
});
