// Keeps the coordinator's invitations card up to date while its sends go out
// in the background: the message holding the card is replaced (updateActivity)
// at most every UPDATE_EVERY_MS while sending, and once more at the end with
// the final counts, who failed and a Retry failed button. The card also asks
// Teams to refresh it (Universal Actions) while it is shown, but a refresh only
// happens while someone looks at it, so the updates are what keeps it right.
import type { CardUpdatePort } from '../delivery/outgoing.js';
import { findMeeting, isSending, type InviteProgressPort } from '../services/invites.js';
import { storedCardView } from './card-view.js';
import { forgetProgressCard, manageCard, progressCardOf } from './invites.js';
import type { BotDeps } from '../deps.js';

const UPDATE_EVERY_MS = 2_000;

export class InviteProgressCards implements InviteProgressPort {
  private readonly lastUpdate = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** Per meeting, the updates in order: the last one written is the newest. */
  private readonly updating = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: BotDeps & { cards: CardUpdatePort },
    private readonly signal: AbortSignal,
    private readonly everyMs = UPDATE_EVERY_MS,
  ) {}

  changed(meetingId: string, sending: boolean): void {
    // At shutdown the run ends unfinished: the card keeps saying "sending" until the next start finishes it.
    if (this.signal.aborted) return;
    if (!sending) {
      clearTimeout(this.timers.get(meetingId));
      this.timers.delete(meetingId);
      this.enqueue(meetingId);
      return;
    }
    if (this.timers.has(meetingId)) return;
    const wait = Math.max(0, (this.lastUpdate.get(meetingId) ?? 0) + this.everyMs - Date.now());
    const timer = setTimeout(() => {
      this.timers.delete(meetingId);
      this.enqueue(meetingId);
    }, wait);
    timer.unref();
    this.timers.set(meetingId, timer);
  }

  /** Resolves when the updates due have been written (those waiting for their time are written now). */
  async idle(): Promise<void> {
    for (const [meetingId, timer] of this.timers) {
      clearTimeout(timer);
      this.timers.delete(meetingId);
      if (!this.signal.aborted) this.enqueue(meetingId);
    }
    while (this.updating.size > 0) await Promise.all(this.updating.values());
  }

  private enqueue(meetingId: string): void {
    const next = (this.updating.get(meetingId) ?? Promise.resolve()).then(() => this.update(meetingId));
    this.updating.set(meetingId, next);
    void next.then(() => {
      if (this.updating.get(meetingId) === next) this.updating.delete(meetingId);
    });
  }

  private async update(meetingId: string): Promise<void> {
    const { records, log } = this.deps;
    // Also when no card is tracked (a run of the job): changed() then asks again after everyMs, not at every send.
    this.lastUpdate.set(meetingId, Date.now());
    const card = await progressCardOf(records, meetingId);
    const meeting = card && (await findMeeting(records, meetingId))?.meeting;
    const conversation = card && (await records.get('conversations', card.conversationId));
    // A run cut short by shutdown is not done: its card is finished (and forgotten) after the next start.
    if (!card || !meeting || !conversation || this.signal.aborted) return;
    const done = !isSending(records, meetingId);
    try {
      const view = storedCardView(this.deps, card);
      await this.deps.cards.update(conversation.reference, card.activityId, { card: await manageCard(view, meeting) });
      if (done) await forgetProgressCard(records, meetingId, card);
    } catch (err) {
      log(`updating the invitations card of meeting ${meetingId} failed: ${(err as Error).message}`);
    }
  }
}
