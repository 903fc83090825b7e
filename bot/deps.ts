// The services the composition root (sidos.ts) builds once and hands to the
// Teams handlers and the scheduled jobs.
import type { AppConfig } from './config.js';
import type { EmailDelivery } from './delivery/email-delivery.js';
import type { CardUpdatePort } from './delivery/outgoing.js';
import type { TeamsDelivery } from './delivery/teams-delivery.js';
import type { BackgroundWork } from './scheduler/background.js';
import type { Clock } from './services/clock.js';
import type { InviteProgressPort } from './services/invites.js';
import type { RecordStore } from './store/records.js';

export interface BotDeps {
  config: AppConfig;
  /** What Sidos keeps: lowdb in DATA_DIR, or PostgreSQL. */
  records: RecordStore;
  clock: Clock;
  delivery: TeamsDelivery;
  /** null when SMTP_URL is not set. */
  email: EmailDelivery | null;
  log: (line: string) => void;
  /** Sends started by a button press run here, after the press is answered. */
  background: BackgroundWork;
  inviteProgress?: InviteProgressPort;
  /** Replaces a card the bot sent (the coordinator's announcement card when its sends end). */
  cards?: CardUpdatePort;
}
