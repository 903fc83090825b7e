// A store that cannot write during a turn (here lowdb's disk: its journal made
// unwritable): the sender gets the storage message in their language, whether the
// failure came in the handler or while the turn was being loaded, the log gets
// one line, nothing is kept, and the next turn works once the disk does.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardAction } from './harness/activities.js';
import { national, stranger } from './harness/people.js';
import { Harness } from './harness/sidos-harness.js';

const STORAGE_FI = 'Valitettavasti en saanut tallennettua tätä, joten mitään ei muutettu. Yritä uudelleen; jos virhe toistuu, kerro ylläpitäjälle.';
const STORAGE_EN = 'Sorry, I could not save that, so nothing was changed. Please try again; if it keeps failing, tell your administrator.';
const STORAGE_SV = 'Tyvärr kunde jag inte spara det, så ingenting ändrades. Försök igen; om felet kvarstår, kontakta administratören.';

describe('a storage failure during a turn', () => {
  let h: Harness;
  let journal: string;
  const storageLines = () => h.logs.filter((line) => line.startsWith('storage unavailable while handling'));
  beforeAll(async () => {
    h = await Harness.start();
    journal = join(h.dataDir, 'data', 'shared.json.journal');
  });
  afterAll(async () => {
    await h.stop();
  });

  // A directory where the journal goes makes the append fail like a full disk would.
  const breakDisk = async () => {
    await rm(journal, { force: true });
    await mkdir(journal);
  };

  it('answers with the storage message, logs one line each, keeps nothing, and works again once the disk does', async () => {
    // Known conversation first, so the failure comes in the command's own write.
    await h.say(national, 'help', { locale: 'fi-FI' });
    await breakDisk();

    const [failed] = await h.say(national, 'subscribe digest', { locale: 'fi-FI' });
    expect(failed.activity.text).toBe(STORAGE_FI);
    expect(await h.records.findBy('subscriptions', 'topic', 'digest')).toEqual([]);
    expect(storageLines()).toHaveLength(1);

    // A conversation not seen before: recording it while loading the turn fails, before any handler.
    const [unseen] = await h.say(stranger, 'help', { locale: 'en-US' });
    expect(unseen.activity.text).toBe(STORAGE_EN);
    const click = await h.post(cardAction(h.serviceUrl, stranger, 'announcement.ack', { announcementId: 'a1' }, { locale: 'sv-SE', where: { kind: 'groupChat', chatId: '19:chat-new' } }));
    expect(click).toEqual({ status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: STORAGE_SV } });
    expect(await h.records.get('conversations', `a:personal-${stranger.aadObjectId}`)).toBeUndefined();
    expect(storageLines()).toHaveLength(3);
    expect(h.logs.some((line) => line.includes('\n'))).toBe(false);

    await rm(journal, { recursive: true });
    const [done] = await h.say(national, 'subscribe digest', { locale: 'fi-FI' });
    expect(done.activity.text).not.toBe(STORAGE_FI);
    expect(await h.records.findBy('subscriptions', 'topic', 'digest')).toHaveLength(1);
  });
});
