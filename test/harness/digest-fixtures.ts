// Digest inputs for the digest stage tests: March 2027 in Helsinki
// (2027-02-28T22:00Z … 2027-03-31T21:00Z), now the 20th, two offices and two
// configured segments, and no records until a test gives them (the target
// groups are those of the partners given); and tallies.
import { emptyTally, type Tally } from '../../bot/domain/digest-tally.js';
import type { DigestInput, DigestThresholds } from '../../bot/domain/digest.js';
import { partnerCountsOf } from '../../bot/domain/partner-counts.js';
import { parsePeriodKey } from '../../bot/domain/periods.js';
import type { Office } from '../../bot/domain/types.js';
import { emptyYear } from '../../bot/store/store.js';

export const DIGEST_THRESHOLDS: DigestThresholds = {
  responseRate: { green: 0.6, yellow: 0.4, higherIsBetter: true },
  attendanceRate: { green: 0.6, yellow: 0.4, higherIsBetter: true },
  averageRating: { green: 4, yellow: 3, higherIsBetter: true },
  positiveShare: { green: 0.6, yellow: 0.4, higherIsBetter: true },
  criticalShare: { green: 0.15, yellow: 0.3, higherIsBetter: false },
};

export const officeFixture = (id: string): Office => ({ id, name: `Office ${id}`, timeZone: 'Europe/Helsinki', locale: 'fi', email: `${id}@example.fi` });

export const digestInput = (overrides: Partial<DigestInput> = {}): DigestInput => ({
  period: parsePeriodKey('2027-03')!,
  timeZone: 'Europe/Helsinki',
  now: '2027-03-20T10:00:00.000Z',
  offices: [officeFixture('uusimaa'), officeFixture('pohjanmaa')],
  segments: ['municipalities', 'debt-counsellors'],
  partners: [],
  // No records; the kinds a digest does not count (plans, survey rounds) are not read.
  ...emptyYear(),
  // The register the partners given make, unless a test gives target groups of its own.
  targetGroups: partnerCountsOf(overrides.partners ?? []),
  thresholds: DIGEST_THRESHOLDS,
  anonymityMinimum: 3,
  ...overrides,
});

/** A period's tally with the given figures, the rest 0; respondents as a list. */
export const tallyFixture = (figures: Partial<Omit<Tally, 'respondents'>> & { respondents?: string[] } = {}): Tally => ({
  ...emptyTally(),
  ...figures,
  respondents: new Set(figures.respondents ?? []),
});
