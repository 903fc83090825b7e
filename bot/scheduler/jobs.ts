// The scheduled jobs of Sidos, each a service function run at a cron time.
import type { BotDeps } from '../teams/router.js';
import type { Job } from './scheduler.js';

export function buildJobs(_deps: BotDeps): Job[] {
  return [];
}
