// Whose office records a member of staff works on.
import type { Viewer } from './proposal-rules.js';

/** A coordinator handles their own office's announcements and invitations; an admin every office's. */
export function handlesOffice(viewer: Viewer, officeId: string): boolean {
  return viewer.role === 'admin' || (viewer.role === 'coordinator' && viewer.officeId === officeId);
}
