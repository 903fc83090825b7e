// The scheduled jobs of Sidos, each a service function run at a cron time,
// once across Sidos instances (see the leases in scheduler.ts).
import { deliverPendingAnnouncements } from '../services/announcement-delivery.js';
import { postMeetingsToChannels, type ChannelMeetingPorts } from '../services/channel-network.js';
import { deliverDigest, type DigestPorts } from '../services/digest.js';
import { createMeetingRequests, deliverNewRequests, remindAndClose, type FeedbackOutbox } from '../services/feedback-requests.js';
import { sendReminders } from '../services/invite-reminders.js';
import { syncAllPending } from '../services/invite-sync.js';
import { sendFeedbackPrompts } from '../services/office-feedback.js';
import { applyRetention } from '../services/privacy-retention.js';
import { createSurveyRounds } from '../services/surveys.js';
import type { BotDeps } from '../deps.js';
import type { Job } from './scheduler.js';

/** The messages and cards the jobs send, made by the Teams layer and handed in by the composition root (sidos.ts). */
export interface JobPorts {
  /** Replaces the coordinator's announcement card with the final counts once its sends end. */
  announcementSent: (id: string) => Promise<void>;
  meetingCard: ChannelMeetingPorts['meetingCard'];
  digestCard: DigestPorts['card'];
  feedbackOutbox: FeedbackOutbox;
}

export function buildJobs(deps: BotDeps, ports: JobPorts): Job[] {
  const timeZone = deps.config.offices[0].timeZone;
  const digestPorts = { ...deps, card: ports.digestCard };
  const feedback = deps.config.feedback;
  const outbox = ports.feedbackOutbox;
  return [
    // Catches up meeting changes made while down and retries failed invitation sends.
    { name: 'invites.sync', cron: '*/5 * * * *', timeZone, runAtStart: true, run: (now, signal) => syncAllPending(deps, now, signal) },
    // Finishes announcements cut short by a restart and retries failed sends.
    {
      name: 'announcements.sync',
      cron: '*/5 * * * *',
      timeZone,
      runAtStart: true,
      run: (now, signal) => deliverPendingAnnouncements(deps, now, signal, ports.announcementSent),
    },
    // Posts new meetings, their changes and cancellations once to the office's channels subscribed to meetings.
    {
      name: 'channels.meetings',
      cron: '*/5 * * * *',
      timeZone,
      runAtStart: true,
      run: (now, signal) => postMeetingsToChannels({ ...deps, meetingCard: ports.meetingCard }, now, signal),
    },
    { name: 'invites.reminders', cron: '*/15 * * * *', timeZone, runAtStart: true, run: (now) => sendReminders(deps, now) },
    // At start-up it delivers the last completed period if someone has not got it yet (missed while down, or failed).
    // Several instances started together: the scheduler's lease covers the whole run, deciding that the period is
    // due and sending it, rather than a job-state write in the deciding transaction. deliverDigest decides per
    // subscriber from the send records, which only exist once sends are claimed; under the lease one instance
    // decides and sends while the others skip, one coming after it finds the period sent, and the send claims
    // still keep each digest to one send should a lease lapse mid-run.
    {
      name: 'digest.deliver',
      cron: deps.config.digest.cron,
      timeZone: deps.config.digest.timeZone,
      runAtStart: true,
      run: async (now) => {
        await deliverDigest(digestPorts, now);
      },
    },
    // Retries failed digest sends soon instead of at the next scheduled delivery.
    {
      name: 'digest.retry',
      cron: '*/15 * * * *',
      timeZone: deps.config.digest.timeZone,
      runAtStart: false,
      run: async (now) => {
        await deliverDigest(digestPorts, now, 'failed');
      },
    },
    // Asks coordinators, once per meeting, for feedback to the organisations that attended.
    {
      name: 'office-feedback.requests',
      cron: '*/15 * * * *',
      timeZone,
      runAtStart: true,
      run: async (now) => {
        await sendFeedbackPrompts(deps, now);
      },
    },
    // After a meeting ends, each attendee gets a feedback card (once).
    {
      name: 'feedback.requests',
      cron: '*/15 * * * *',
      timeZone,
      runAtStart: true,
      run: async (now) => {
        await createMeetingRequests(deps.records, feedback, now);
        await deliverNewRequests(deps.records, outbox, feedback, 'meeting', now);
      },
    },
    {
      name: 'feedback.reminders',
      cron: '0 * * * *',
      timeZone,
      runAtStart: false,
      run: async (now) => {
        await remindAndClose(deps.records, outbox, feedback, now);
      },
    },
    // Each active survey's round once it is due (07:00 office time, see domain/survey-schedule.ts), sent once.
    // Checked every 15 minutes so offices in other time zones are not a day late; a run before the time sends nothing.
    {
      name: 'feedback.surveys',
      cron: '*/15 * * * *',
      timeZone,
      runAtStart: true,
      run: async (now) => {
        await createSurveyRounds(deps.records, deps.config, now);
        await deliverNewRequests(deps.records, outbox, feedback, 'survey', now);
      },
    },
    // Anonymises or deletes personal data older than retention.personalDataDays.
    {
      name: 'privacy.retention',
      cron: '0 3 * * *',
      timeZone,
      runAtStart: true,
      run: async (now) => {
        const summary = await applyRetention(deps.records, deps.config, now);
        const changed = Object.entries(summary).filter(([, n]) => n > 0);
        if (changed.length > 0) deps.log(`privacy.retention: ${changed.map(([what, n]) => `${what} ${n}`).join(', ')}`);
      },
    },
  ];
}
