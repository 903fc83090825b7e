// Every template in adaptive-cards/ renders with its sample data into a card
// the adaptivecards library accepts: no parse or validation errors, version
// 1.5 or lower (what Teams renders), nothing left unbound.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cardNames, renderCard } from '../bot/cards.js';
import { checkCard } from './harness/card-check.js';

const SAMPLES = join(import.meta.dirname, 'card-samples');

describe('card templates', () => {
  it('has at least the foundation cards', () => {
    expect(cardNames()).toEqual(expect.arrayContaining(['help', 'message']));
  });

  for (const name of cardNames()) {
    it(`renders ${name} into a valid Adaptive Card`, () => {
      const sampleFile = join(SAMPLES, `${name}.json`);
      expect(existsSync(sampleFile), `test/card-samples/${name}.json is missing`).toBe(true);
      const card = renderCard(name, JSON.parse(readFileSync(sampleFile, 'utf8')));
      expect(checkCard(card)).toEqual([]);
    });
  }

  it('leaves the people picker out of the staff form when it has no choice (the parser requires one)', () => {
    const sample = JSON.parse(readFileSync(join(SAMPLES, 'staff-form.json'), 'utf8'));
    const card = renderCard('staff-form', { ...sample, people: [] });
    expect(checkCard(card)).toEqual([]);
    expect(JSON.stringify(card)).not.toContain('graph.microsoft.com/users');
    expect(JSON.stringify(renderCard('staff-form', sample))).toContain('graph.microsoft.com/users');
  });

  it('binds user text as data: markup-like text cannot add elements or break the card', () => {
    const hostile = '"}]},{"type":"Action.OpenUrl","url":"https://evil.example"} ${title} <script>';
    const card = renderCard('message', { title: hostile, color: 'Attention', lines: [hostile] });
    expect(JSON.stringify(card)).not.toContain('"url":"https://evil.example"');
    expect((card.body as { text: string }[])[0].text).toBe(hostile);
  });

  it('keeps Markdown links in user text from becoming disguised links', () => {
    const card = renderCard('message', { title: 'x', color: 'Default', lines: ['See [the form](https://evil.example/pay) now'] });
    const text = (card.body as { text: string }[])[1].text;
    expect(text).not.toMatch(/\]\(/);
    expect(text.replace('\u200B', '')).toBe('See [the form](https://evil.example/pay) now');
  });

  it('the checker knows Teams charts: their data is checked, each needs a fallback, and the fallbacks must parse', () => {
    const data = [{ legend: 'Response rate', values: [{ x: '2027-W09', y: 86 }] }];
    const line = (chart: object) => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'Chart.Line', title: 'Trend', ...chart }] });
    expect(checkCard(line({ data, fallback: { type: 'TextBlock', text: 'Response rate: 2027-W09 86 %' } }))).toEqual([]);
    expect(checkCard(line({ data: [{ legend: 'Response rate', values: [{ x: '2027-W09', y: null }] }], fallback: 'drop' }))).toEqual([
      expect.stringContaining('Chart.Line has no valid data'),
    ]);
    expect(checkCard(line({ data }))).toEqual([expect.stringContaining('Chart.Line has no fallback')]);
    expect(checkCard(line({ data, fallback: { type: 'Chart.Nonsense' } }))).toEqual([expect.stringContaining('without charts: parse')]);
  });

  it('the checker itself rejects a broken card', () => {
    expect(checkCard({ type: 'AdaptiveCard', version: '1.6', body: [{ type: 'TextBlock', text: '${oops}' }] })).toEqual(
      expect.arrayContaining([expect.stringContaining('unresolved ${oops}'), expect.stringContaining('version 1.6')]),
    );
  });
});
