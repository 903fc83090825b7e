import { describe, expect, it } from 'vitest';
import { handledOffices, handlesEveryOffice, handlesOffice } from '../bot/domain/office-access.js';

describe('handlesOffice', () => {
  it('lets a coordinator handle their own office and an admin every office', () => {
    expect(handlesOffice({ role: 'coordinator', officeId: 'uusimaa' }, 'uusimaa')).toBe(true);
    expect(handlesOffice({ role: 'coordinator', officeId: 'pohjanmaa' }, 'uusimaa')).toBe(false);
    expect(handlesOffice({ role: 'admin', officeId: 'pohjanmaa' }, 'uusimaa')).toBe(true);
  });

  it('lets no one else handle an office, not even their own', () => {
    expect(handlesOffice({ role: 'national', officeId: 'uusimaa' }, 'uusimaa')).toBe(false);
    expect(handlesOffice({ role: 'partner', officeId: 'uusimaa' }, 'uusimaa')).toBe(false);
  });
});

describe('handlesEveryOffice', () => {
  it('is an admin only', () => {
    expect(handlesEveryOffice({ role: 'admin', officeId: 'lappi' })).toBe(true);
    for (const role of ['coordinator', 'national', 'partner'] as const) expect(handlesEveryOffice({ role, officeId: 'lappi' })).toBe(false);
  });
});

describe('handledOffices', () => {
  const offices = ['uusimaa', 'pohjanmaa', 'lappi'];

  it('keeps the offices the viewer handles, in the order given', () => {
    expect(handledOffices({ role: 'admin', officeId: 'lappi' }, offices)).toEqual(['uusimaa', 'pohjanmaa', 'lappi']);
    expect(handledOffices({ role: 'coordinator', officeId: 'pohjanmaa' }, offices)).toEqual(['pohjanmaa']);
    expect(handledOffices({ role: 'national', officeId: 'pohjanmaa' }, offices)).toEqual([]);
  });
});
