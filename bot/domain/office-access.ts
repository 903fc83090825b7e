// Whose office records a member of staff works on: the one rule every service
// applies to an office's plans, meetings, partners, surveys and feedback.
import type { Viewer } from './proposal-rules.js';

/** An admin handles every office's records. */
export function handlesEveryOffice(viewer: Viewer): boolean {
  return viewer.role === 'admin';
}

/** A coordinator handles their own office's records; an admin every office's; no one else any. */
export function handlesOffice(viewer: Viewer, officeId: string): boolean {
  return handlesEveryOffice(viewer) || (viewer.role === 'coordinator' && viewer.officeId === officeId);
}

/** The offices of `officeIds` that `viewer` handles, in the order given. */
export function handledOffices(viewer: Viewer, officeIds: readonly string[]): string[] {
  return officeIds.filter((officeId) => handlesOffice(viewer, officeId));
}
