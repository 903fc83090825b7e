// Every command and card action the bot understands, registered in one place.
import { CardFactory } from 'botbuilder';
import { helpCard } from './help.js';
import { Routes } from './router.js';

export function buildRoutes(): Routes {
  const routes = new Routes();
  routes.command('help', async (turn) => {
    const card = helpCard(turn, new Set(routes.commands.keys()), turn.t('help.intro'));
    await turn.context.sendActivity({ attachments: [CardFactory.adaptiveCard(card)] });
  });
  return routes;
}
