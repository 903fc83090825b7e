// What the partner register cards and the import share: the offices they
// offer, segment names, and error lines in the user's language.
import { handledOffices } from '../domain/office-access.js';
import { officeName as officeNameIn } from '../domain/office-name.js';
import type { PartnerFieldError } from '../domain/partner-input.js';
import { errorLines } from '../field-error-lines.js';
import type { Turn } from './router.js';

/** The offices whose partners this user keeps, as the list, the form and the import offer them; the services check each change. */
export function editableOffices(turn: Turn): string[] {
  return handledOffices(turn.user, turn.deps.config.offices.map((o) => o.id));
}

export function officeName(turn: Turn, officeId: string): string {
  const office = turn.deps.config.offices.find((o) => o.id === officeId);
  return office ? officeNameIn(office, turn.user.locale) : officeId;
}

/** The segment's name in the user's language; the id when the segment is no longer configured. */
export function segmentName(turn: Turn, segmentId: string): string {
  return turn.deps.config.segments.find((s) => s.id === segmentId)?.name[turn.user.locale] ?? segmentId;
}

/** "E-mail: not a valid e-mail address." with office ids shown as office names. */
export function partnerErrorLines(turn: Turn, errors: PartnerFieldError[]): string[] {
  return errorLines(
    turn.t,
    'partner',
    errors.map((e) => (e.params?.office ? { ...e, params: { ...e.params, office: officeName(turn, String(e.params.office)) } } : e)),
  );
}
