// The register's partners counted per office and segment: what
// RecordStore.partnerCounts answers for the stored register, and the digest
// takes as its target groups.
import type { Partner, PartnerCount } from './types.js';

/** The partner counts of these partners, one entry per office and segment that has any. */
export function partnerCountsOf(partners: Iterable<Pick<Partner, 'officeId' | 'segment'>>): PartnerCount[] {
  const counts = new Map<string, PartnerCount>();
  for (const { officeId, segment } of partners) {
    const key = `${officeId}\u0000${segment}`;
    const group = counts.get(key) ?? counts.set(key, { officeId, segment, count: 0 }).get(key)!;
    group.count++;
  }
  return [...counts.values()];
}
