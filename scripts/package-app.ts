// npm run package: builds dist/sidos-teams-app.zip for uploading to Teams.
// Reads MicrosoftAppId (required), PUBLIC_BASE_URL and the developer page URLs (optional).
import { relative } from 'node:path';
import {
  buildTeamsAppPackage,
  DEFAULT_OUT_FILE,
  DEFAULT_PUBLIC_BASE_URL,
  DEVELOPER_URL_ENV,
  TeamsAppPackageError,
  type DeveloperUrls,
} from './teams-app-package.js';

try {
  const publicBaseUrl = process.env.PUBLIC_BASE_URL?.trim() || DEFAULT_PUBLIC_BASE_URL;
  const developerUrls = Object.fromEntries(
    Object.entries(DEVELOPER_URL_ENV).map(([key, name]) => [key, process.env[name]]),
  ) as Partial<DeveloperUrls>;
  const file = await buildTeamsAppPackage({
    botId: process.env.MicrosoftAppId ?? '',
    publicBaseUrl,
    developerUrls,
    outFile: DEFAULT_OUT_FILE,
  });
  console.log(`Teams app package written to ${relative(process.cwd(), file) || file}`);
  console.log(`  bot: ${process.env.MicrosoftAppId?.trim()}  domain: ${new URL(publicBaseUrl).host}`);
  console.log('Next: in Teams open Apps → Manage your apps → Upload an app, and choose this file');
  console.log('(uploading custom apps must be allowed for you in the Teams admin center).');
} catch (err) {
  if (!(err instanceof TeamsAppPackageError)) throw err;
  console.error(`Cannot build the Teams app package: ${err.message}`);
  process.exitCode = 1;
}
