// Every feature Sidos has in Teams, in the order the help card and the command menus list their commands.
import { announceFeature } from './announce.js';
import { auditFeature } from './audit.js';
import { channelNetworkFeature } from './channel-network.js';
import { contactsFeature } from './contacts.js';
import { digestFeature } from './digest.js';
import { feedbackFeature } from './feedback.js';
import { helpCard } from './help.js';
import { invitesFeature } from './invites.js';
import { languageFeature } from './language.js';
import { meetingsFeature } from './meetings.js';
import { officeFeedbackFeature } from './office-feedback.js';
import { partnerImportFeature } from './partners-import.js';
import { partnersFeature } from './partners.js';
import { planFeature } from './plan.js';
import { privacyFeature } from './privacy.js';
import { proposalsFeature } from './proposals.js';
import { EVERYONE } from './roles.js';
import { Routes, type Feature } from './router.js';
import { staffFeature } from './staff.js';
import { surveysFeature } from './surveys.js';

export const FEATURES: readonly Feature[] = [
  planFeature,
  meetingsFeature,
  partnersFeature,
  partnerImportFeature,
  invitesFeature,
  proposalsFeature,
  feedbackFeature,
  officeFeedbackFeature,
  surveysFeature,
  announceFeature,
  contactsFeature,
  channelNetworkFeature,
  digestFeature,
  privacyFeature,
  languageFeature,
  staffFeature,
  auditFeature,
];

export function buildRoutes(): Routes {
  const help: Feature = {
    commands: [
      {
        name: 'help',
        words: 'help',
        roles: EVERYONE,
        menu: ['personal', 'team', 'groupChat'],
        handle: async (turn) => helpCard(turn, routes.commands, turn.t('help.intro')),
      },
    ],
  };
  const routes = new Routes([help, ...FEATURES]);
  return routes;
}
