import { describe, expect, it } from 'vitest';
import {
  canHandle,
  canMove,
  filterArgs,
  isProposalStatus,
  MAX_REASON,
  NEXT_STATUSES,
  parseProposalFilter,
  parseStatusChange,
} from '../bot/domain/proposal-rules.js';
import { PROPOSAL_STATUSES, type ProposalStatus } from '../bot/domain/types.js';

const ALLOWED: [ProposalStatus, ProposalStatus][] = [
  ['received', 'under-review'],
  ['received', 'planned'],
  ['received', 'done'],
  ['received', 'declined'],
  ['under-review', 'planned'],
  ['under-review', 'done'],
  ['under-review', 'declined'],
  ['planned', 'done'],
  ['planned', 'declined'],
];

describe('status transitions', () => {
  for (const from of PROPOSAL_STATUSES) {
    for (const to of PROPOSAL_STATUSES) {
      const allowed = ALLOWED.some(([f, t]) => f === from && t === to);
      it(`${from} → ${to} is ${allowed ? 'allowed' : 'refused'}`, () => {
        expect(canMove(from, to)).toBe(allowed);
      });
    }
  }

  it('treats done and declined as final and never goes back to received', () => {
    expect(NEXT_STATUSES.done).toEqual([]);
    expect(NEXT_STATUSES.declined).toEqual([]);
    expect(PROPOSAL_STATUSES.some((s) => canMove(s, 'received'))).toBe(false);
  });

  it('recognises statuses', () => {
    expect(PROPOSAL_STATUSES.every(isProposalStatus)).toBe(true);
    expect(isProposalStatus('under review')).toBe(false);
    expect(isProposalStatus(undefined)).toBe(false);
  });
});

describe('canHandle', () => {
  const local = { level: 'local' as const, officeId: 'uusimaa' };
  const national = { level: 'national' as const, officeId: 'uusimaa' };

  it('lets a coordinator handle only local proposals of their own office', () => {
    expect(canHandle('coordinator', 'uusimaa', local)).toBe(true);
    expect(canHandle('coordinator', 'pohjanmaa', local)).toBe(false);
    expect(canHandle('coordinator', 'uusimaa', national)).toBe(false);
  });

  it('lets national leadership handle national proposals of any office, and no local ones', () => {
    expect(canHandle('national', 'uusimaa', national)).toBe(true);
    expect(canHandle('national', 'pohjanmaa', national)).toBe(true);
    expect(canHandle('national', 'uusimaa', local)).toBe(false);
  });

  it('lets an admin handle everything and a partner nothing', () => {
    for (const proposal of [local, national, { level: 'local' as const, officeId: 'pohjanmaa' }]) {
      expect(canHandle('admin', 'uusimaa', proposal)).toBe(true);
      expect(canHandle('partner', proposal.officeId, proposal)).toBe(false);
    }
  });
});

describe('parseStatusChange', () => {
  const reason = 'Malli lisätään kirjepohjaan.';

  it('accepts under-review without a reason and trims', () => {
    expect(parseStatusChange({ proposalId: ' p-1 ', status: ' under-review ', reason: '  ' })).toEqual({
      ok: true,
      value: { proposalId: 'p-1', status: 'under-review' },
    });
  });

  it('keeps a trimmed reason; other keys of the submission are ignored', () => {
    expect(parseStatusChange({ proposalId: 'p-1', status: 'planned', reason: `  ${reason}\n`, filter: 'received', verb: 'x' })).toEqual({
      ok: true,
      value: { proposalId: 'p-1', status: 'planned', reason },
    });
  });

  for (const status of ['planned', 'done', 'declined']) {
    it(`requires a reason for ${status}`, () => {
      expect(parseStatusChange({ proposalId: 'p-1', status })).toEqual({
        ok: false,
        errors: [{ field: 'reason', code: 'proposal-reason-required', params: { min: 10 } }],
      });
      expect(parseStatusChange({ proposalId: 'p-1', status, reason: '   ' }).ok).toBe(false);
    });
  }

  it('needs at least 10 characters in a reason, also an optional one', () => {
    const short = { field: 'reason', code: 'proposal-reason-too-short', params: { min: 10 } };
    expect(parseStatusChange({ proposalId: 'p-1', status: 'declined', reason: '123456789' })).toEqual({ ok: false, errors: [short] });
    expect(parseStatusChange({ proposalId: 'p-1', status: 'under-review', reason: 'too short' })).toEqual({ ok: false, errors: [short] });
    expect(parseStatusChange({ proposalId: 'p-1', status: 'declined', reason: '1234567890' }).ok).toBe(true);
  });

  it('limits a reason to 2000 characters', () => {
    expect(parseStatusChange({ proposalId: 'p-1', status: 'done', reason: 'x'.repeat(MAX_REASON) }).ok).toBe(true);
    expect(parseStatusChange({ proposalId: 'p-1', status: 'done', reason: 'x'.repeat(MAX_REASON + 1) })).toEqual({
      ok: false,
      errors: [{ field: 'reason', code: 'too-long', params: { max: 2000 } }],
    });
  });

  it('names an unknown status', () => {
    expect(parseStatusChange({ proposalId: 'p-1', status: 'approved', reason })).toEqual({
      ok: false,
      errors: [{ field: 'status', code: 'proposal-unknown-status', params: { value: 'approved' } }],
    });
  });

  it('reports missing and wrongly typed fields', () => {
    expect(parseStatusChange(null)).toEqual({
      ok: false,
      errors: [
        { field: 'proposalId', code: 'required' },
        { field: 'status', code: 'required' },
      ],
    });
    expect(parseStatusChange({ proposalId: 7, status: 'done', reason: ['x'] })).toEqual({
      ok: false,
      errors: [
        { field: 'proposalId', code: 'invalid' },
        { field: 'reason', code: 'invalid' },
      ],
    });
  });
});

describe('parseProposalFilter', () => {
  it('reads a status, a level, both or nothing', () => {
    expect(parseProposalFilter('')).toEqual({});
    expect(parseProposalFilter('received')).toEqual({ status: 'received' });
    expect(parseProposalFilter('Under Review')).toEqual({ status: 'under-review' });
    expect(parseProposalFilter('national  planned')).toEqual({ status: 'planned', level: 'national' });
  });

  it('refuses unknown words and two statuses', () => {
    expect(parseProposalFilter('open')).toBeNull();
    expect(parseProposalFilter('received done')).toBeNull();
    expect(parseProposalFilter('local national')).toBeNull();
  });

  it('writes a filter back as arguments that read the same', () => {
    for (const filter of [{}, { status: 'declined' as const }, { status: 'under-review' as const, level: 'local' as const }]) {
      expect(parseProposalFilter(filterArgs(filter))).toEqual(filter);
    }
  });
});

describe('status changes and control characters', () => {
  it('refuses them in the proposal id and status, and drops them from the reason, keeping line breaks', () => {
    expect(parseStatusChange({ proposalId: 'p-1\u202e', status: 'plan\u202ened', reason: 'Budjetoitu ensi vuodelle.' })).toEqual({
      ok: false,
      errors: [
        { field: 'proposalId', code: 'control-characters' },
        { field: 'status', code: 'control-characters' },
      ],
    });
    expect(parseStatusChange({ proposalId: 'p-1', status: 'planned', reason: 'Budjetoitu\r\nensi\u2066 vuodelle.\u0000' })).toEqual({
      ok: true,
      value: { proposalId: 'p-1', status: 'planned', reason: 'Budjetoitu\nensi vuodelle.' },
    });
  });
});
