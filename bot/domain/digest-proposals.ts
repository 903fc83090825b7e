// Digest stage 3, the proposals: each proposal's status as of the cutoff (from
// its history), those still open or created or changed in the period listed
// (authors of anonymous ones left out, and their segment when naming it could
// identify them), national ones for the whole digest and local ones per office.
import type { DigestInput, DigestProposal, OfficeDigest } from './digest-types.js';
import { PROPOSAL_STATUSES, type Instant, type Partner, type Proposal, type ProposalStatus } from './types.js';

export interface ProposalContext {
  /** The digest period's start and cutoff, in ms. */
  start: number;
  cutoff: number;
  partners: Map<string, Partner>;
  anonymousFeedback: Set<string>;
  groupSize: (officeId: string, segment: string) => number;
}

export type OfficeProposals = Pick<OfficeDigest, 'openNationalProposals' | 'localProposals'>;

export interface DigestProposals {
  national: DigestProposal[];
  /** By office id, every office of the input. */
  byOffice: Map<string, OfficeProposals>;
}

const OPEN = new Set<ProposalStatus>(['received', 'under-review', 'planned']);

export function digestProposals(input: Pick<DigestInput, 'offices' | 'proposals' | 'anonymityMinimum'>, context: ProposalContext): DigestProposals {
  const proposals = selectProposals(input, context);
  const byOffice = new Map<string, OfficeProposals>(
    input.offices.map((office) => [office.id, { openNationalProposals: 0, localProposals: { counts: statusCounts(), items: [] } }]),
  );
  for (const proposal of proposals) {
    const office = byOffice.get(proposal.officeId);
    if (!office) continue;
    if (proposal.level === 'local') {
      office.localProposals.items.push(proposal);
      office.localProposals.counts[proposal.status]++;
    } else if (OPEN.has(proposal.status)) office.openNationalProposals++;
  }
  return { national: proposals.filter((p) => p.level === 'national'), byOffice };
}

function statusCounts(): Record<ProposalStatus, number> {
  return Object.fromEntries(PROPOSAL_STATUSES.map((s) => [s, 0])) as Record<ProposalStatus, number>;
}

function statusAt(proposal: Proposal, cutoff: number): { status: ProposalStatus; changedAt: Instant | null } {
  let last: { status: ProposalStatus; at: Instant; ms: number } | null = null;
  for (const change of proposal.history) {
    const ms = Date.parse(change.at);
    if (ms < cutoff && (last === null || ms >= last.ms)) last = { status: change.status, at: change.at, ms };
  }
  if (last) return { status: last.status, changedAt: last.at };
  // Every recorded change came later, so at the cutoff it was as first received.
  return { status: proposal.history.length > 0 ? 'received' : proposal.status, changedAt: null };
}

/** Proposals open at the cutoff or created or changed in the period, by office order then age. */
function selectProposals(input: Pick<DigestInput, 'offices' | 'proposals' | 'anonymityMinimum'>, context: ProposalContext): DigestProposal[] {
  const { start, cutoff, partners, anonymousFeedback, groupSize } = context;
  const officeOrder = new Map(input.offices.map((office, i) => [office.id, i]));
  const selected: { order: number; created: number; proposal: DigestProposal }[] = [];
  for (const proposal of input.proposals) {
    const order = officeOrder.get(proposal.officeId);
    const created = Date.parse(proposal.createdAt);
    if (order === undefined || !(created < cutoff)) continue;
    const { status, changedAt } = statusAt(proposal, cutoff);
    const recent = created >= start || (changedAt !== null && Date.parse(changedAt) >= start);
    if (!OPEN.has(status) && !recent) continue;
    const anonymous = proposal.anonymous || anonymousFeedback.has(proposal.feedbackId);
    const author = anonymous ? undefined : partners.get(proposal.authorPartnerId);
    selected.push({
      order,
      created,
      proposal: {
        id: proposal.id,
        officeId: proposal.officeId,
        segment: anonymous && groupSize(proposal.officeId, proposal.segment) < input.anonymityMinimum ? null : proposal.segment,
        level: proposal.level,
        text: proposal.text,
        justification: proposal.justification ?? null,
        status,
        createdAt: proposal.createdAt,
        changedAt,
        anonymous,
        author: author ? { name: author.name, organisation: author.organisation } : null,
      },
    });
  }
  return selected.sort((a, b) => a.order - b.order || a.created - b.created).map((s) => s.proposal);
}
