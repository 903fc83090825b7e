// Sidos on PostgreSQL when the database connection breaks while a turn's change
// is being committed: the sender is told that Sidos cannot confirm the change,
// not that nothing changed. The break is made by the database itself: a deferred
// trigger, which runs inside COMMIT, ends its own server process.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { national } from './harness/people.js';
import { Harness } from './harness/sidos-harness.js';

const UNKNOWN_EN =
  'I could not confirm that this was saved: the connection to the database broke at the last step. Please check (for example, open the list again) before you try again; if it keeps failing, tell your administrator.';

describe('a connection lost at COMMIT during a turn', () => {
  let h: Harness;
  let admin: pg.Client;
  beforeAll(async () => {
    h = await Harness.start({ store: 'postgres' });
    admin = new pg.Client({ connectionString: h.databaseUrl! });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await h.stop();
  });

  it('answers that the change cannot be confirmed, logs one line, and works again once the database does', async () => {
    await h.say(national, 'help', { locale: 'en-US' });
    await admin.query(`
      CREATE FUNCTION end_own_connection() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$;
      CREATE CONSTRAINT TRIGGER break_at_commit AFTER INSERT ON subscriptions
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION end_own_connection();`);

    const [reply] = await h.say(national, 'subscribe digest', { locale: 'en-US' });
    expect(reply.activity.text).toBe(UNKNOWN_EN);
    expect(h.logs.filter((line) => line.startsWith('storage unavailable while handling') && line.includes('COMMIT'))).toHaveLength(1);

    await admin.query('DROP TRIGGER break_at_commit ON subscriptions');
    const [done] = await h.say(national, 'subscribe digest', { locale: 'en-US' });
    expect(done.activity.text).not.toBe(UNKNOWN_EN);
    expect(await h.records.findBy('subscriptions', 'topic', 'digest')).toHaveLength(1);
  });
});
