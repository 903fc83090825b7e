// Proposals from partners: who sees which, deciding on them, and telling the
// author what was decided and why ("you said, we did").
import { canHandle, canMove, isProposalStatus, MIN_REASON, NEXT_STATUSES, REASON_REQUIRED, type ProposalFilter, type Viewer } from '../domain/proposal-rules.js';
import type { Proposal, ProposalStatus } from '../domain/types.js';
import type { RecordReader, RecordStore } from '../store/records.js';
import { addAudit, type NewAuditEntry } from './audit.js';
import { notifyPartner, type NotifyPorts, type NotifyResult } from './notify-partner.js';
import { authorMessage } from './proposal-messages.js';

export interface ProposalView {
  proposal: Proposal;
  /** null when the proposal is anonymous or its author is no longer in the register. */
  author: { name: string; organisation: string } | null;
  /** The statuses this proposal may move to next. */
  next: readonly ProposalStatus[];
}

/** The proposals `viewer` handles, from every year, newest first. */
export async function listProposals(reader: RecordReader, viewer: Viewer, filter: ProposalFilter = {}): Promise<ProposalView[]> {
  // A coordinator handles their office's proposals; national staff and admins those of every office.
  const candidates =
    viewer.role === 'coordinator'
      ? await reader.findBy('proposals', 'officeId', viewer.officeId)
      : (await Promise.all((await reader.years()).map((year) => reader.inYear('proposals', year)))).flat();
  const proposals = candidates
    .filter((p) => canHandle(viewer.role, viewer.officeId, p))
    .filter((p) => (!filter.status || p.status === filter.status) && (!filter.level || p.level === filter.level))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || a.id.localeCompare(b.id));
  return Promise.all(proposals.map((proposal) => proposalView(reader, proposal)));
}

export async function proposalView(reader: RecordReader, proposal: Proposal): Promise<ProposalView> {
  const partner = proposal.anonymous ? undefined : await reader.get('partners', proposal.authorPartnerId);
  return { proposal, author: partner ? { name: partner.name, organisation: partner.organisation } : null, next: NEXT_STATUSES[proposal.status] };
}

/** The proposal and its year, if there is one with this id. */
export async function findProposal(reader: RecordReader, proposalId: string): Promise<{ year: number; proposal: Proposal } | undefined> {
  const proposal = await reader.get('proposals', proposalId);
  const year = proposal && (await reader.yearOf('proposals', proposalId));
  return proposal && year !== undefined ? { year, proposal } : undefined;
}

export interface StatusChange {
  status: ProposalStatus;
  reason?: string;
}

/** Staff deciding on a proposal; `id` goes into the history. */
export interface Decider extends Viewer {
  id: string;
}

export type ChangeErrorCode = 'proposal-not-found' | 'proposal-not-allowed' | 'proposal-invalid-transition' | 'proposal-reason-required';

export type ChangeResult = { ok: true; proposal: Proposal } | { ok: false; code: ChangeErrorCode };

/** Why `viewer` may not move the proposal to `status` (whatever the reason given), if they may not. */
function moveRefusal(proposal: Proposal | undefined, status: string, viewer: Viewer): ChangeErrorCode | undefined {
  if (!proposal) return 'proposal-not-found';
  if (!canHandle(viewer.role, viewer.officeId, proposal)) return 'proposal-not-allowed';
  if (!isProposalStatus(status) || !canMove(proposal.status, status)) return 'proposal-invalid-transition';
  return undefined;
}

function refusal(proposal: Proposal | undefined, change: StatusChange, by: Decider): ChangeErrorCode | undefined {
  const code = moveRefusal(proposal, change.status, by);
  if (code) return code;
  if (REASON_REQUIRED.includes(change.status) && (change.reason ?? '').trim().length < MIN_REASON) return 'proposal-reason-required';
  return undefined;
}

/** A decision `viewer` may take: the proposal and the status asked for; a refusal names the proposal when there is one. */
export type Decision =
  | { ok: true; proposal: Proposal; status: ProposalStatus }
  | { ok: false; code: ChangeErrorCode; proposal?: Proposal };

/**
 * Whether `viewer` may move the proposal to `status` (as a status button or
 * form asks), by the same rules changeStatus applies before the reason is checked.
 */
export async function decisionFor(reader: RecordReader, viewer: Viewer, proposalId: string, status: string): Promise<Decision> {
  const proposal = (await findProposal(reader, proposalId))?.proposal;
  const code = moveRefusal(proposal, status, viewer);
  if (code || !proposal || !isProposalStatus(status)) return { ok: false, code: code ?? 'proposal-not-found', proposal };
  return { ok: true, proposal, status };
}

/**
 * Moves a proposal to a new status, if `by` may and the move is allowed; the
 * change is appended to its history and to the audit trail (as `actor`), in one write.
 */
export function changeStatus(
  records: RecordStore,
  proposalId: string,
  change: StatusChange,
  by: Decider,
  actor: NewAuditEntry['actor'],
  now: Date,
): Promise<ChangeResult> {
  return records.transaction(async (tx): Promise<ChangeResult> => {
    const found = await findProposal(tx, proposalId);
    const code = refusal(found?.proposal, change, by);
    if (code || !found) return { ok: false, code: code ?? 'proposal-not-found' };
    const reason = change.reason?.trim();
    const history = [...found.proposal.history, { status: change.status, at: now.toISOString(), by: by.id, ...(reason ? { reason } : {}) }];
    const proposal: Proposal = { ...found.proposal, status: change.status, history };
    await tx.putInYear('proposals', found.year, proposal);
    await addAudit(tx, { actor, action: 'proposal.decide', target: { ref: proposal.id }, details: { office: proposal.officeId, status: proposal.status } }, now);
    return { ok: true, proposal };
  });
}

/** How the author heard of the decision; 'anonymous' means nobody was told. */
export type AuthorNotice = NotifyResult | 'anonymous';

/** Tells the author (unless anonymous) the proposal's latest status and why, in their language. */
export async function notifyAuthor(ports: NotifyPorts, proposal: Proposal, now: Date): Promise<AuthorNotice> {
  if (proposal.anonymous) return 'anonymous';
  const author = await ports.records.get('partners', proposal.authorPartnerId);
  if (!author) return 'none';
  const latest = proposal.history[proposal.history.length - 1];
  const key = `proposal-status:${proposal.id}:${proposal.history.length}`;
  return notifyPartner(ports, author, key, authorMessage(author, proposal, latest.reason), `proposal status ${latest.status}`, now);
}
