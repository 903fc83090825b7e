// The proposals stage of the digest: statuses as of the cutoff, which
// proposals are listed and in what order, anonymity, and the per-office
// national and local figures.
import { describe, expect, it } from 'vitest';
import { digestProposals, type ProposalContext } from '../bot/domain/digest-proposals.js';
import type { Proposal, ProposalStatus } from '../bot/domain/types.js';
import { digestInput } from './harness/digest-fixtures.js';
import { proposalChanges, proposalFixture } from './harness/record-fixtures.js';
import { partnerFixture } from './harness/seed.js';

/** A proposal whose history is `changes` (its status the last one's) and created at the first change, or at `createdAt`. */
const proposal = (id: string, changes: [ProposalStatus, string][], overrides: Partial<Proposal> = {}): Proposal =>
  proposalFixture(id, { feedbackId: `feedback-of-${id}`, authorPartnerId: 'p1', ...proposalChanges(changes), ...overrides });

const PO = { officeId: 'pohjanmaa' };
const proposals = [
  proposal('created-after-cutoff', [['received', '2027-03-25T10:00:00.000Z']], { level: 'local' }),
  proposal('open-national-declined-later', [['received', '2027-03-02T10:00:00.000Z'], ['declined', '2027-03-25T10:00:00.000Z']]),
  proposal('anonymous-small-group', [['received', '2027-02-20T10:00:00.000Z'], ['planned', '2027-02-25T10:00:00.000Z']], { ...PO, anonymous: true }),
  proposal('done-before', [['received', '2027-01-05T10:00:00.000Z'], ['done', '2027-02-01T10:00:00.000Z']], { level: 'local' }),
  proposal('other-office', [['received', '2027-03-02T10:00:00.000Z']], { officeId: 'elsewhere' }),
  proposal('done-in-period', [['received', '2027-01-05T10:00:00.000Z'], ['done', '2027-03-05T10:00:00.000Z']]),
  proposal('under-review', [['received', '2027-01-10T10:00:00.000Z'], ['under-review', '2027-02-01T10:00:00.000Z']], { level: 'local' }),
  proposal('of-anonymous-feedback', [['received', '2027-02-10T10:00:00.000Z']], { ...PO, level: 'local', segment: 'debt-counsellors' }),
  proposal('changed-only-later', [['planned', '2027-03-25T10:00:00.000Z']], { ...PO, level: 'local', createdAt: '2027-03-01T10:00:00.000Z' }),
  proposal('without-history', [], { level: 'local', status: 'planned', createdAt: '2027-01-20T10:00:00.000Z' }),
];
const context: ProposalContext = {
  start: Date.parse('2027-02-28T22:00:00.000Z'),
  cutoff: Date.parse('2027-03-20T10:00:00.000Z'),
  partners: new Map([['p1', partnerFixture('p1', { name: 'Per Partner', organisation: 'Vaasan kaupunki' })]]),
  anonymousFeedback: new Set(['feedback-of-of-anonymous-feedback']),
  groupSize: (officeId, segment) => (officeId === 'pohjanmaa' && segment === 'debt-counsellors' ? 5 : 1),
};

describe('digest proposals', () => {
  const { national, byOffice } = digestProposals(digestInput({ proposals }), context);
  const listed = [...national, ...[...byOffice.values()].flatMap((office) => office.localProposals.items)];
  const find = (id: string) => listed.find((p) => p.id === id);

  it('lists proposals open at the cutoff or created or changed in the period, by office order then age', () => {
    expect(national.map((p) => p.id)).toEqual(['done-in-period', 'open-national-declined-later', 'anonymous-small-group']);
    expect(byOffice.get('uusimaa')!.localProposals.items.map((p) => p.id)).toEqual(['under-review', 'without-history']);
    expect(byOffice.get('pohjanmaa')!.localProposals.items.map((p) => p.id)).toEqual(['of-anonymous-feedback', 'changed-only-later']);
    expect([...byOffice.keys()]).toEqual(['uusimaa', 'pohjanmaa']);
  });

  it('gives each proposal its status and last change as of the cutoff', () => {
    expect(find('open-national-declined-later')).toEqual({
      id: 'open-national-declined-later',
      officeId: 'uusimaa',
      segment: 'municipalities',
      level: 'national',
      text: 'Lomakkeeseen liitteiden lista',
      justification: null,
      status: 'received',
      createdAt: '2027-03-02T10:00:00.000Z',
      changedAt: '2027-03-02T10:00:00.000Z',
      anonymous: false,
      author: { name: 'Per Partner', organisation: 'Vaasan kaupunki' },
    });
    expect(find('done-in-period')).toMatchObject({ status: 'done', changedAt: '2027-03-05T10:00:00.000Z' });
    // Every change came after the cutoff: as first received.
    expect(find('changed-only-later')).toMatchObject({ status: 'received', changedAt: null });
    expect(find('without-history')).toMatchObject({ status: 'planned', changedAt: null });
  });

  it('names no author of an anonymous proposal, nor its segment where the group is small', () => {
    expect(find('anonymous-small-group')).toMatchObject({ anonymous: true, author: null, segment: null });
    expect(find('of-anonymous-feedback')).toMatchObject({ anonymous: true, author: null, segment: 'debt-counsellors' });
  });

  it('counts local proposals by status and the open national ones per office', () => {
    expect(byOffice.get('uusimaa')).toMatchObject({
      openNationalProposals: 1,
      localProposals: { counts: { received: 0, 'under-review': 1, planned: 1, done: 0, declined: 0 } },
    });
    expect(byOffice.get('pohjanmaa')).toMatchObject({
      openNationalProposals: 1,
      localProposals: { counts: { received: 2, 'under-review': 0, planned: 0, done: 0, declined: 0 } },
    });
  });
});
