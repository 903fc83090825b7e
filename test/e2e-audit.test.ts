// The audit trail over HTTP: every audited action, done through the cards and
// commands, writes exactly one entry; "audit" shows them with a CSV download;
// "my data" shows a person the entries naming them; erasing the person leaves
// no name or address of theirs in the trail.
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, type AuditAction } from '../bot/services/audit.js';
import { submission } from './harness/card-inputs.js';
import { FakeClock } from './harness/clock.js';
import { cardOf } from './harness/connector.js';
import { dataFileText } from './harness/data-files.js';
import { admin, coordinator, national, partner, type TestUser } from './harness/people.js';
import { partnerFor } from './harness/seed.js';
import { cardText, Harness, testStore } from './harness/sidos-harness.js';
import { allRecords, sharedRecords, yearRecords } from './harness/read-records.js';
import { proposalChanges, proposalFixture } from './harness/record-fixtures.js';

const pekka = partnerFor(partner, { id: 'partner-pekka-0001', organisation: 'Espoon kaupunki' });
const liisa: TestUser = { id: '29:user-7', aadObjectId: '00000000-0000-4000-8000-000000000007', name: 'Liisa Laine', email: 'liisa@office.example.fi' };
const CHANNEL = { kind: 'channel' as const, teamId: '19:team', channelId: '19:leaders@thread.tacv2' };

const proposal = proposalFixture('prop-1', {
  text: 'Maksusuunnitelman malli ensimmäisen kirjeen mukaan.',
  level: 'local',
  authorPartnerId: pekka.id,
  ...proposalChanges([['received', '2026-11-02T14:00:00.000Z']], pekka.id),
});

describe('audit trail end to end', () => {
  const clock = new FakeClock('2026-12-01T10:00:00.000Z');
  let h: Harness;
  const walked: AuditAction[] = [];

  const audit = async (): Promise<any[]> => allRecords(h.records, 'audit');
  /** Runs one action and checks it wrote exactly one entry, of this action; returns the entry. */
  async function once(action: AuditAction, run: () => Promise<unknown>): Promise<any> {
    const before = await audit();
    clock.advance(60_000);
    await run();
    const after = await audit();
    // Earlier entries stay (an erasure may anonymise them, nothing else changes them).
    const ids = (entries: any[]) => entries.map((e) => e.id);
    expect(ids(after.slice(0, before.length)), action).toEqual(ids(before));
    if (action !== 'privacy.erase') expect(after.slice(0, before.length), action).toEqual(before);
    expect(after.slice(before.length).map((e) => e.action), action).toEqual([action]);
    walked.push(action);
    return after.at(-1);
  }

  beforeAll(async () => {
    h = await Harness.start({
      clock: clock.now,
      seedRecords: (records) =>
        records.transaction(async (tx) => {
          await tx.put('partners', pekka);
          await tx.putInYear('proposals', 2026, proposal);
        }),
    });
    for (const person of [admin, liisa]) h.connector.members.set(person.id, { id: person.id, aadObjectId: person.aadObjectId, email: person.email, name: person.name });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('writes one entry for each audited action', async () => {
    const added = await once('role.add', async () => {
      const form = (await h.click(admin, 'staff.add', {})).value;
      await h.click(admin, 'staff.save', submission(form, 'staff.save', { email: liisa.email, role: 'coordinator', office: 'uusimaa' }));
    });
    expect(added).toMatchObject({
      at: '2026-12-01T10:01:00.000Z',
      actor: { aadObjectId: admin.aadObjectId, email: admin.email, name: admin.name, role: 'admin' },
      target: { email: liisa.email },
      details: { role: 'coordinator', office: 'uusimaa' },
    });
    await once('role.change', () => h.click(admin, 'staff.save', { key: liisa.email, shownRole: 'coordinator', shownOffice: 'uusimaa', role: 'national', office: '' }));
    await once('role.remove', () => h.click(admin, 'staff.remove.confirm', { key: liisa.email, shownRole: 'national', shownOffice: '' }));

    const removed = await once('partner.remove', () => h.click(coordinator, 'partner.remove.confirm', { partnerId: pekka.id }));
    expect(removed).toMatchObject({
      actor: { aadObjectId: coordinator.aadObjectId, role: 'coordinator' },
      target: { partnerId: pekka.id, name: pekka.name, email: pekka.email },
      details: { office: 'uusimaa', segment: 'municipalities' },
    });
    await once('partner.restore', () => h.click(coordinator, 'partner.restore', { partnerId: pekka.id }));
    const imported = await once('partners.import', () =>
      h.click(coordinator, 'partners.import', { csv: 'Nimi;Organisaatio;Segmentti;Sähköposti;Kieli\nMatti M;Vantaa;municipalities;matti@vantaa.fi;fi\nVirhe;Kunta;municipalities;x@@y;fi' }),
    );
    expect(imported.details).toEqual({ added: 1, updated: 0, unchanged: 0, rejected: 1 });

    const planned = await once('plan.confirm', async () => {
      const form = cardOf((await h.say(coordinator, 'plan 2027'))[0])!;
      const preview = (
        await h.click(coordinator, 'plan.preview', submission(form, 'plan.preview', {
          theme: 'Perintäasian ensimmäiset viikot',
          subThemes: 'Vireilletulo\nMaksusuunnitelmat',
          count: '2',
          segments: 'municipalities',
          place: 'Kokoushuone Aurora',
        }))
      ).value;
      await h.click(coordinator, 'plan.confirm', submission(preview, 'plan.confirm', { date_0: '2027-03-02' }));
    });
    const year = await yearRecords(h.records, 2027);
    expect(planned).toMatchObject({ target: { ref: year.plans[0].id }, details: { office: 'uusimaa', year: 2027, meetings: 2 } });
    await once('meeting.cancel', () => h.click(coordinator, 'meeting.cancel.confirm', { meetingId: year.meetings[0].id }));
    const decided = await once('proposal.decide', () => h.click(coordinator, 'proposal.status.save', { proposalId: proposal.id, status: 'under-review', reason: '', filter: '' }));
    expect(decided).toMatchObject({ target: { ref: proposal.id }, details: { status: 'under-review' } });

    await once('subscription.add', () => h.say(national, 'subscribe digest', { where: CHANNEL }));
    await once('subscription.remove', () => h.say(national, 'unsubscribe digest', { where: CHANNEL }));
    await once('channel.subscribe', () => h.say(coordinator, 'subscribe news', { where: CHANNEL }));
    await once('channel.unsubscribe', () => h.say(coordinator, 'unsubscribe news', { where: CHANNEL }));
    await once('contacts.set', () => h.click(coordinator, 'contacts.save', { contacts_municipalities: 'Maija Meikäläinen <maija@office.example.fi>' }));
    const preview = await h.click(coordinator, 'announce.preview', { kind: 'disruption', title: 'Katko', text: 'Palvelu on poissa käytöstä.', segments: 'municipalities' });
    const draft = (preview.value.actions as any[]).find((a) => a.verb === 'announce.send').data;
    const announced = await once('announcement.send', () => h.click(coordinator, 'announce.send', draft));
    expect(announced).toMatchObject({ target: { ref: draft.draftId }, details: { kind: 'disruption', segments: 'municipalities', recipients: expect.any(Number) } });
    await once('announcement.update', () => h.click(coordinator, 'announce.update', { announcementId: draft.draftId, text: 'Katko jatkuu iltaan.' }));
    await once('announcement.resolve', () => h.click(coordinator, 'announce.resolve', { announcementId: draft.draftId, resolution: '' }));
    await h.idle();

    const lookedUp = await once('privacy.lookup', () => h.say(admin, `privacy ${pekka.email}`));
    expect(lookedUp.target).toEqual({ email: pekka.email });
    const exported = await once('privacy.export', async () => {
      const [mine] = await h.say(partner, 'my data');
      // The person sees the entries naming them, newest first.
      const text = cardText(cardOf(mine));
      expect(text).toContain('Lokimerkinnät, joissa sinut mainitaan');
      expect(text).toContain('Henkilötietoja katsottu');
      expect(text).toContain('Kumppani poistettu');
      // The download has the entries too, without who looked Pekka up or removed him.
      const url = (cardOf(mine)!.actions as any[]).find((a) => a.type === 'Action.OpenUrl').url as string;
      const download: any = await (await fetch(`${h.sidos.url}${new URL(url).pathname}`)).json();
      expect(download.audit.map((e: any) => e.action)).toEqual(['partner.remove', 'partner.restore', 'privacy.lookup', 'privacy.export']);
      expect(download.audit[2]).toMatchObject({ actor: { role: 'admin' }, target: { email: pekka.email } });
      for (const staff of [admin.email, admin.name, coordinator.aadObjectId]) expect(JSON.stringify(download.audit)).not.toContain(staff);
    });
    expect(exported).toMatchObject({ actor: { aadObjectId: partner.aadObjectId, role: 'partner' }, target: { partnerId: pekka.id, email: pekka.email } });
    const erased = await once('privacy.erase', () => h.click(admin, 'privacy.erase.confirm', { email: pekka.email }));
    expect(erased.target).toEqual({ erased: true });

    expect([...walked].sort()).toEqual([...AUDIT_ACTIONS].sort());
    // Things that change nothing are not recorded: subscribing where already subscribed, an unknown partner.
    const before = await audit();
    await h.say(national, 'unsubscribe digest', { where: CHANNEL });
    await h.click(coordinator, 'partner.remove.confirm', { partnerId: 'no-such-partner' });
    expect(await audit()).toEqual(before);
  });

  it('erasure leaves the person in the trail only as "erased": no name, address or id', async () => {
    const trail = JSON.stringify(await audit());
    for (const trace of [pekka.email, pekka.name, pekka.id, partner.aadObjectId]) expect(trail).not.toContain(trace);
    expect((await audit()).filter((e) => e.actor.erased || e.target.erased).length).toBeGreaterThanOrEqual(5);
    const kept = JSON.stringify(await sharedRecords(h.records));
    expect(kept).not.toContain(pekka.email);
    expect(kept).not.toContain(pekka.name);
    if (testStore === 'lowdb') {
      const shared = await dataFileText(join(h.dataDir, 'data', 'shared.json'));
      expect(shared).not.toContain(pekka.email);
      expect(shared).not.toContain(pekka.name);
    }
  });

  it('"audit" shows the latest entries and links to a CSV of all of them', async () => {
    const [reply] = await h.say(admin, 'audit');
    const card = cardOf(reply)!;
    const text = cardText(card);
    expect(text).toContain('Lokitiedot, viimeiset 30 päivää');
    expect(text).toContain(`Viimeisimmät ${AUDIT_ACTIONS.length}/${AUDIT_ACTIONS.length} merkintää.`);
    expect(text).toContain('Henkilöstön rooli lisätty');
    expect(text).toContain(`tekijä Aino Admin ${admin.email} (ylläpitäjä)`);
    expect(text).toContain('(poistettu henkilö)');

    const url = (card.actions as any[]).find((a) => a.type === 'Action.OpenUrl').url as string;
    const res = await fetch(`${h.sidos.url}${new URL(url).pathname}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const rows: Record<string, string>[] = parse(await res.text(), { columns: true, bom: true });
    expect(rows.map((r) => r.action)).toEqual([...walked].reverse());
    expect(rows.find((r) => r.action === 'role.add')).toMatchObject({ actor_email: admin.email, actor_role: 'admin', target_email: liisa.email, details: 'role=coordinator; office=uusimaa' });
    expect(rows.find((r) => r.action === 'privacy.erase')).toMatchObject({ target_erased: 'yes', target_email: '' });

    // Older entries fall out of a shorter window; a day later the link has expired.
    clock.advance(2 * 86_400_000);
    const [twoDays] = await h.say(admin, 'audit 1');
    expect(cardText(cardOf(twoDays))).toContain('Viimeisten 1 päivän aikana ei kirjattu mitään.');
    expect((await fetch(`${h.sidos.url}${new URL(url).pathname}`)).status).toBe(404);
  });

  it('refuses a bad number of days, a channel and anyone but an admin', async () => {
    for (const args of ['abc', '0', '-5', '99999', '1.5']) {
      const [reply] = await h.say(admin, `audit ${args}`);
      expect(reply.activity.text, args).toContain('Kirjoita "audit" tai "audit" ja päivien määrä 1–3650');
    }
    const [inChannel] = await h.say(admin, 'audit', { where: CHANNEL });
    expect(inChannel.activity.text).toContain('henkilökohtaisessa keskustelussa');
    const [refused] = await h.say(coordinator, 'audit');
    expect(refused.activity.text).toBe('Valitettavasti tämä on vain rooleille: ylläpitäjä. Mitään ei muutettu.');
  });
});
