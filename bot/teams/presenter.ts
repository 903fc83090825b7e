// The presenter of a turn: the user's language and the configuration.
import type { Presenter } from '../services/presenter.js';
import type { Turn } from './router.js';

export const presenterOf = (turn: Turn): Presenter => ({ t: turn.t, locale: turn.user.locale, config: turn.deps.config });
