// Every command and card action the bot understands, registered in one place.
import { registerAnnounce } from './announce.js';
import { registerAudit } from './audit.js';
import { registerChannelNetwork } from './channel-network.js';
import { registerContacts } from './contacts.js';
import { registerDigest } from './digest.js';
import { registerFeedback } from './feedback.js';
import { helpCard } from './help.js';
import { registerInvites } from './invites.js';
import { registerLanguage } from './language.js';
import { registerMeetingRoutes } from './meetings.js';
import { registerOfficeFeedback } from './office-feedback.js';
import { registerPartners } from './partners.js';
import { registerPlanRoutes } from './plan.js';
import { registerPrivacy } from './privacy.js';
import { registerProposals } from './proposals.js';
import { Routes } from './router.js';
import { registerStaff } from './staff.js';
import { registerSurveys } from './surveys.js';

export function buildRoutes(): Routes {
  const routes = new Routes();
  routes.command('help', async (turn) => helpCard(turn, new Set(routes.commands.keys()), turn.t('help.intro')));
  registerPlanRoutes(routes);
  registerMeetingRoutes(routes);
  registerPartners(routes);
  registerInvites(routes);
  registerDigest(routes);
  registerProposals(routes);
  registerOfficeFeedback(routes);
  registerFeedback(routes);
  registerSurveys(routes);
  registerPrivacy(routes);
  registerLanguage(routes);
  registerStaff(routes);
  registerAudit(routes);
  registerAnnounce(routes);
  registerContacts(routes);
  registerChannelNetwork(routes);
  return routes;
}
