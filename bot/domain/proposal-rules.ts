// The rules of a proposal's life: which status may follow which, who may
// decide, and what a status change must say. Errors are codes with params;
// the Teams layer translates them.
//
// A received proposal can be decided at once (planned, done, declined) or
// first taken under review; each change tells the author once. done and
// declined are final: the author has already been told the outcome, and
// reopening would later tell them something else. A change of mind is a new
// proposal.
import { z } from 'zod';
import { PROPOSAL_STATUSES, type Proposal, type ProposalLevel, type ProposalStatus, type Role } from './types.js';
import type { FieldError, ParseResult } from './field-errors.js';
import { freeText, singleLine } from './plain-text.js';

export const PROPOSAL_LEVELS: readonly ProposalLevel[] = ['local', 'national'];

export const NEXT_STATUSES: Record<ProposalStatus, readonly ProposalStatus[]> = {
  received: ['under-review', 'planned', 'done', 'declined'],
  'under-review': ['planned', 'done', 'declined'],
  planned: ['done', 'declined'],
  done: [],
  declined: [],
};

/** Statuses whose change must say why (declined, done) or what will be done (planned). */
export const REASON_REQUIRED: readonly ProposalStatus[] = ['planned', 'done', 'declined'];
export const MIN_REASON = 10;
export const MAX_REASON = 2000;

/** Who is looking at or deciding on proposals. */
export interface Viewer {
  role: Role;
  officeId: string;
}

export function isProposalStatus(value: unknown): value is ProposalStatus {
  return (PROPOSAL_STATUSES as readonly unknown[]).includes(value);
}

export function canMove(from: ProposalStatus, to: ProposalStatus): boolean {
  return NEXT_STATUSES[from].includes(to);
}

/** Coordinators handle their own office's local proposals, national users every national one, admins all. */
export function canHandle(role: Role, officeId: string, proposal: Pick<Proposal, 'level' | 'officeId'>): boolean {
  if (role === 'admin') return true;
  if (role === 'national') return proposal.level === 'national';
  if (role === 'coordinator') return proposal.level === 'local' && proposal.officeId === officeId;
  return false;
}

export const PROPOSAL_ERROR_CODES = [
  'required',
  'invalid',
  'too-long', // params: max
  'proposal-unknown-status', // params: value
  'proposal-reason-required', // params: min
  'proposal-reason-too-short', // params: min
  'control-characters', // a line break, control or text-direction character in a single-line field
] as const;
export type ProposalErrorCode = (typeof PROPOSAL_ERROR_CODES)[number];

export type ProposalFieldError = FieldError<ProposalErrorCode>;

export interface StatusChangeInput {
  proposalId: string;
  status: ProposalStatus;
  reason?: string;
}

export type StatusChangeResult = ParseResult<StatusChangeInput, ProposalErrorCode>;

const text = () => z.string({ required_error: 'required', invalid_type_error: 'invalid' }).trim();

const changeSchema = z.object({
  proposalId: singleLine(text().min(1, 'required').max(100, 'too-long')),
  status: singleLine(text().min(1, 'required'))
    .pipe(
      z.string().refine(isProposalStatus, (value) => ({
        message: 'proposal-unknown-status',
        params: { value },
      })),
    ),
  reason: freeText(z.preprocess((v) => (v === undefined || v === null ? '' : v), text().max(MAX_REASON, 'too-long'))),
});

function toFieldError(issue: z.ZodIssue): ProposalFieldError {
  const field = String(issue.path[0] ?? '');
  const code = (PROPOSAL_ERROR_CODES as readonly string[]).includes(issue.message) ? (issue.message as ProposalErrorCode) : 'invalid';
  if (issue.code === 'too_big') return { field, code, params: { max: Number(issue.maximum) } };
  if (issue.code === 'custom' && issue.params) return { field, code, params: issue.params };
  return { field, code };
}

/**
 * Validates a status change as the status form submits it: the proposal, the
 * new status and the reason (required for planned, done and declined). Whether
 * the move is allowed from the current status is for canMove.
 */
export function parseStatusChange(raw: unknown): StatusChangeResult {
  const parsed = changeSchema.safeParse(typeof raw === 'object' && raw !== null ? raw : {});
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map(toFieldError) };
  const { proposalId, reason } = parsed.data;
  const status = parsed.data.status as ProposalStatus;
  if (REASON_REQUIRED.includes(status) && reason === '') {
    return { ok: false, errors: [{ field: 'reason', code: 'proposal-reason-required', params: { min: MIN_REASON } }] };
  }
  if (reason !== '' && reason.length < MIN_REASON) {
    return { ok: false, errors: [{ field: 'reason', code: 'proposal-reason-too-short', params: { min: MIN_REASON } }] };
  }
  return { ok: true, value: reason === '' ? { proposalId, status } : { proposalId, status, reason } };
}

export interface ProposalFilter {
  status?: ProposalStatus;
  level?: ProposalLevel;
}

/** Reads the arguments of the `proposals` command, e.g. "received", "under-review national"; null when a word is neither. */
export function parseProposalFilter(args: string): ProposalFilter | null {
  const filter: ProposalFilter = {};
  const words = args.toLowerCase().replace(/under review/g, 'under-review').split(/\s+/).filter(Boolean);
  for (const word of words) {
    if (isProposalStatus(word) && !filter.status) filter.status = word;
    else if ((PROPOSAL_LEVELS as readonly string[]).includes(word) && !filter.level) filter.level = word as ProposalLevel;
    else return null;
  }
  return filter;
}

/** The filter as command arguments again, so a card can come back to the same list. */
export function filterArgs(filter: ProposalFilter): string {
  return [filter.status, filter.level].filter(Boolean).join(' ');
}
