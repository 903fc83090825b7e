// Which office's plans and meetings a user may touch, and how a refused or
// failed change is explained to them.
import { DateTime } from 'luxon';
import { defaultPlanYear } from '../domain/plan-input.js';
import type { Office } from '../domain/types.js';
import type { Viewer } from '../domain/proposal-rules.js';
import type { PlanErrorCode } from '../services/plans.js';
import type { Decider } from '../services/proposals.js';
import type { Turn } from './router.js';

/** Who is asking, for the services' office rule (domain/office-access.ts). */
export function viewerOf(turn: Turn): Viewer {
  return { role: turn.user.role, officeId: turn.user.officeId };
}

/** The viewer as the one who decides, named by their Teams id (else e-mail) in what the service records. */
export function deciderOf(turn: Turn): Decider {
  const { identity } = turn.user;
  return { ...viewerOf(turn), id: identity.aadObjectId ?? identity.email ?? 'unknown' };
}

export function officeById(turn: Turn, officeId: string): Office {
  const office = turn.deps.config.offices.find((o) => o.id === officeId);
  if (!office) throw new Error(`Office "${officeId}" is not in the configuration`);
  return office;
}

const officeNow = (turn: Turn) => DateTime.fromJSDate(turn.deps.clock()).setZone(officeById(turn, turn.user.officeId).timeZone);

/** The current year in the user's office time zone. */
export function currentYear(turn: Turn): number {
  return officeNow(turn).year;
}

/** The year `plan` opens when the user gives none (the help card's button sends just `plan`). */
export function yearToPlan(turn: Turn): number {
  return defaultPlanYear(officeNow(turn));
}

export function failureText(turn: Turn, code: PlanErrorCode): string {
  return turn.t(`plan.failure.${code}`);
}
