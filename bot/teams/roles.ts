// The role lists features register their commands and card actions with.
import { ROLES, type Role } from '../domain/types.js';

export const EVERYONE: readonly Role[] = ROLES;
/** An office's staff: coordinators for their office, admins for every office. */
export const OFFICE_STAFF: readonly Role[] = ['coordinator', 'admin'];
export const ADMINS: readonly Role[] = ['admin'];
