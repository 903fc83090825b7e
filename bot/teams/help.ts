import { renderCard, type Card } from '../cards.js';
import { officeName } from '../domain/office-name.js';
import type { CommandRegistration, Turn } from './router.js';

/** The help card: the commands this user's role may run, in their language. */
export function helpCard(turn: Turn, commands: readonly CommandRegistration[], intro: string): Card {
  const { t, user, deps } = turn;
  const office = deps.config.offices.find((o) => o.id === user.officeId);
  return renderCard('help', {
    title: t('help.title'),
    intro,
    roleLine: t('help.role', { role: t(`role.${user.role}`), office: office ? officeName(office, user.locale) : user.officeId }),
    commands: commands
      .filter((c) => c.roles.includes(user.role))
      .map((c) => ({ title: t(`cmd.${c.name}.title`), description: t(`cmd.${c.name}.description`), command: c.words, button: t('help.button') })),
  });
}
