// The digest card at its largest: every office and segment of the default
// configuration with figures, a full trend, the answer split, more meetings
// and survey rounds than the card shows, long sub-themes and proposals. It
// fits what Teams takes, in every language, and parses with and without
// chart support. With many offices the card keeps to the side-by-side view.
import { describe, expect, it } from 'vitest';
import { CARD_BUDGET_BYTES, cardBytes, TEAMS_MESSAGE_LIMIT_BYTES } from '../bot/cards.js';
import { loadConfig, type AppConfig } from '../bot/config.js';
import { buildDigest, type DigestInput } from '../bot/domain/digest.js';
import { partnerCountsOf } from '../bot/domain/partner-counts.js';
import { parsePeriodKey } from '../bot/domain/periods.js';
import { LOCALES } from '../bot/domain/types.js';
import { CARD_OFFICE_SECTIONS, digestCard } from '../bot/services/digest-messages.js';
import { syntheticDigestInput } from '../scripts/bench-digest.js';
import { checkCard } from './harness/card-check.js';
import { cardText } from './harness/sidos-harness.js';

const config = loadConfig({ PORT: '0' });
const links = { html: `https://sidos.example.fi/files/${'h'.repeat(32)}?lang=fi`, csv: `https://sidos.example.fi/files/${'c'.repeat(32)}?lang=fi` };
const long = (prefix: string, length: number) => `${prefix} ${'x'.repeat(length - prefix.length - 1)}`;

/** Synthetic records (20 offices, 5 segments, February–March 2027) moved onto `officeIds`; every request belongs to a meeting. */
function recordsFor(officeIds: string[]): DigestInput {
  const input = syntheticDigestInput(20_000);
  const office = (id: string) => officeIds[Number(id.split('-')[1]) % officeIds.length];
  const partners = input.partners.map((p) => ({ ...p, officeId: office(p.officeId) }));
  const meetings = input.meetings.map((m, i) => ({ ...m, officeId: office(m.officeId), subTheme: long(`Alateema ${i}`, 200) }));
  return {
    ...input,
    offices: officeIds.map((id) => config.offices.find((o) => o.id === id) ?? { ...config.offices[0], id, name: { fi: long(`Toimisto ${id}`, 60), sv: `Kontor ${id}`, en: `Office ${id}` } }),
    segments: config.segments.map((s) => s.id),
    partners,
    targetGroups: partnerCountsOf(partners),
    meetings,
    feedbackRequests: input.feedbackRequests.map((r, i) => ({ ...r, officeId: office(r.officeId), meetingId: meetings[i % meetings.length].id })),
    feedback: input.feedback.map((f) => ({ ...f, officeId: office(f.officeId) })),
    proposals: input.proposals.map((p) => ({ ...p, officeId: office(p.officeId), text: long('Ehdotus', 2000), justification: long('Perustelu', 2000) })),
    officeFeedback: input.officeFeedback.map((o) => ({ ...o, officeId: office(o.officeId) })),
    period: parsePeriodKey('2027-03')!,
  };
}

describe('digest card size', () => {
  it('fits Teams with every office and segment of the default configuration, in every language', () => {
    const digest = buildDigest(recordsFor(config.offices.map((o) => o.id)));
    // The worst case is really there: every figure, the trend, the split, more rounds than the card lists.
    for (const office of digest.offices) {
      expect(office.segments.map((row) => row.metrics.responseRate).every((rate) => rate !== null)).toBe(true);
      expect(office.history.filter((p) => p.responseRate !== null).length).toBeGreaterThanOrEqual(2);
      expect(office.total.split).not.toBeNull();
      expect(office.rounds.length).toBeGreaterThan(5);
    }
    expect(digest.nationalProposals.length).toBeGreaterThan(5);
    for (const locale of LOCALES) {
      const card = digestCard(locale, config, digest, links);
      expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
      expect(cardBytes(card)).toBeLessThanOrEqual(TEAMS_MESSAGE_LIMIT_BYTES);
      expect(checkCard(card)).toEqual([]);
      expect(JSON.stringify(card)).toContain('"Chart.Line"');
    }
  });

  it('parses for a quiet period of several offices: no figures, so no side-by-side chart, only the table', () => {
    const quiet = recordsFor(config.offices.map((o) => o.id));
    const digest = buildDigest({ ...quiet, meetings: [], invitations: [], feedbackRequests: [], feedback: [], officeFeedback: [], proposals: [] });
    expect(digest.offices.length).toBeGreaterThan(1);
    for (const locale of LOCALES) {
      const card = digestCard(locale, config, digest, links);
      expect(checkCard(card)).toEqual([]);
      expect(JSON.stringify(card)).not.toContain('Chart.VerticalBar.Grouped');
    }
  });

  it(`shows more than ${CARD_OFFICE_SECTIONS} offices side by side only, and says how to open one`, () => {
    const many: AppConfig = { ...config, offices: Array.from({ length: 20 }, (_, i) => ({ ...config.offices[0], id: `office-${i}`, name: { fi: long(`Toimisto ${i}`, 60), sv: `Kontor ${i}`, en: `Office ${i}` } })) };
    const digest = buildDigest(recordsFor(many.offices.map((o) => o.id)));
    const card = digestCard('fi', many, digest, links);
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    expect(checkCard(card)).toEqual([]);
    const text = cardText(card);
    for (const office of many.offices) expect(text).toContain((office.name as { fi: string }).fi);
    expect(JSON.stringify(card)).not.toContain('"Chart.Line"');
    expect(text).toContain('tai avaa yksi toimisto komennolla "digest 2027-03 office-0"');
  });
});
