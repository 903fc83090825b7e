import { renderCard, type Card } from '../cards.js';
import { COMMAND_TEXT, COMMANDS_BY_ROLE, type Command } from '../domain/commands.js';
import { officeName } from '../domain/office-name.js';
import type { Turn } from './router.js';

/** The help card: the commands this user's role may run, in their language. */
export function helpCard(turn: Turn, available: ReadonlySet<Command>, intro: string): Card {
  const { t, user, deps } = turn;
  const office = deps.config.offices.find((o) => o.id === user.officeId);
  const commands = COMMANDS_BY_ROLE[user.role]
    .filter((c) => available.has(c))
    .map((c) => ({
      title: t(`cmd.${c}.title`),
      description: t(`cmd.${c}.description`),
      command: COMMAND_TEXT[c],
      button: t('help.button'),
    }));
  return renderCard('help', {
    title: t('help.title'),
    intro,
    roleLine: t('help.role', { role: t(`role.${user.role}`), office: office ? officeName(office, user.locale) : user.officeId }),
    commands,
  });
}
