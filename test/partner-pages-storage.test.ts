// Partner pages while the store cannot be used, with Sidos on a PostgreSQL
// reached through a proxy the test cuts: a page (GET) and a form (POST) answer
// 503 with the storage message in the page's language, never 500, and nothing
// is saved; a form whose write waits on a lock past the statement timeout
// (DATABASE_URL's statement_timeout, lowered here) answers the same way.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackRequest } from '../bot/domain/types.js';
import { translator } from '../bot/i18n.js';
import { issuePartnerLinks } from '../bot/services/partner-links.js';
import { openPostgres } from '../bot/store/open-record-store.js';
import { FakeClock } from './harness/clock.js';
import { createTestDatabase } from './harness/postgres.js';
import { partnerFixture } from './harness/seed.js';
import { Harness } from './harness/sidos-harness.js';
import { startTcpProxy, type TcpProxy } from './harness/tcp-proxy.js';

const BASE = 'https://sidos.example.fi';
const NOW = new Date('2027-02-20T08:00:00.000Z');
const PARTNER = partnerFixture('partner-a', { name: 'Bertil Berg', locale: 'sv' });
const REQUEST: FeedbackRequest = {
  id: 'req-a',
  kind: 'adhoc',
  partnerId: PARTNER.id,
  officeId: 'uusimaa',
  segment: PARTNER.segment,
  sentAt: NOW.toISOString(),
  remindersSent: 0,
  status: 'open',
  closesAt: '2027-03-01T08:00:00.000Z',
};

describe('partner pages while the store cannot be used', () => {
  let databaseUrl: string;
  let proxy: TcpProxy;
  let h: Harness;
  let page = '';

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    const seeding = (await openPostgres(databaseUrl)).store;
    [page] = await seeding.transaction(async (tx) => {
      await tx.put('partners', PARTNER);
      await tx.putInYear('feedbackRequests', 2027, REQUEST);
      const config = { publicBaseUrl: BASE, links: { expireAfterDays: 30, partnerPageDays: 60 } };
      return issuePartnerLinks(tx, config, [{ kind: 'feedback', ref: REQUEST.id, partnerId: PARTNER.id }], NOW);
    });
    await seeding.close();
    proxy = await startTcpProxy(databaseUrl);
    const throughProxy = new URL(proxy.url);
    throughProxy.searchParams.set('statement_timeout', '500');
    h = await Harness.start({ clock: new FakeClock(NOW.toISOString()).now, env: { PUBLIC_BASE_URL: BASE, DATABASE_URL: throughProxy.href } });
  });
  afterAll(async () => {
    await h.stop();
    await proxy.close();
  });

  const local = (query = '') => `${page.replace(BASE, h.sidos.url)}${query}`;
  const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)![1];
  const post = (query: string, fields: Record<string, string>) =>
    fetch(local(query), { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const nothingSaved = async () => {
    expect(await h.records.findBy('feedback', 'partnerId', PARTNER.id)).toEqual([]);
    expect(await h.records.get('feedbackRequests', REQUEST.id)).toEqual(REQUEST);
  };

  it('answers a form whose write waits on a lock past the statement timeout with 503 and the storage message in the partner’s language', async () => {
    const csrf = csrfOf(await (await fetch(local())).text());
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM feedback_requests WHERE id = $1 FOR UPDATE', [REQUEST.id]);
      const res = await post('?lang=sv', { rating: '5', works: 'Bra', csrf });
      expect(res.status).toBe(503);
      const html = await res.text();
      expect(html).toContain('<html lang="sv">');
      expect(html).toContain(translator('sv')('web.error.storage'));
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    await nothingSaved();
  });

  it('tells the partner to look before sending again when the connection breaks during COMMIT', async () => {
    const csrf = csrfOf(await (await fetch(local())).text());
    const admin = new pg.Client({ connectionString: databaseUrl });
    await admin.connect();
    try {
      // A deferred trigger runs inside COMMIT: it ends its own connection there.
      await admin.query(`
        CREATE FUNCTION end_own_connection() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NULL; END $$;
        CREATE CONSTRAINT TRIGGER break_at_commit AFTER INSERT ON feedback
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION end_own_connection();`);
      const res = await post('?lang=en', { rating: '5', works: 'Good', csrf });
      expect(res.status).toBe(503);
      expect(await res.text()).toContain(translator('en')('web.error.storageUnknown'));
    } finally {
      await admin.query('DROP TRIGGER IF EXISTS break_at_commit ON feedback; DROP FUNCTION IF EXISTS end_own_connection()');
      await admin.end();
    }
    // Here the database rolled it back; the partner is told to look, and sees the form again.
    await nothingSaved();
    expect((await fetch(local())).status).toBe(200);
  });

  it('answers a page and a form with 503 and the storage message in the address’s language while the database is cut off', async () => {
    const csrf = csrfOf(await (await fetch(local())).text());
    await proxy.cut();
    try {
      const shown = await fetch(local('?lang=fi'));
      expect(shown.status).toBe(503);
      const shownHtml = await shown.text();
      expect(shownHtml).toContain('<html lang="fi">');
      expect(shownHtml).toContain(translator('fi')('web.error.storage'));

      const sent = await post('?lang=en', { rating: '2', works: 'Slow', change: 'Faster', justification: 'Took weeks', csrf });
      expect(sent.status).toBe(503);
      expect(await sent.text()).toContain(translator('en')('web.error.storage'));
    } finally {
      await proxy.resume();
    }
    await nothingSaved();
    expect((await fetch(local())).status).toBe(200);
    const logged = h.logs.filter((line) => line.startsWith('storage unavailable while serving a partner page'));
    expect(logged.length).toBeGreaterThanOrEqual(2);
    expect(logged.some((line) => line.includes('\n'))).toBe(false);
  });
});
