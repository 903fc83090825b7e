import { loadConfig } from '../bot/config.js';
import { EmailDelivery } from '../bot/delivery/email-delivery.js';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EmailMessage } from '../bot/delivery/email.js';
import type { OutgoingMessage } from '../bot/delivery/outgoing.js';
import { TeamsDelivery } from '../bot/delivery/teams-delivery.js';
import type { Proposal } from '../bot/domain/types.js';
import { changeStatus, listProposals, notifyAuthor } from '../bot/services/proposals.js';
import type { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import { partnerFixture as partner, personalChat } from './harness/seed.js';
import { cardText } from './harness/sidos-harness.js';
import { dataFileText, readDataFile } from './harness/data-files.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';
import { allRecords } from './harness/read-records.js';
import { proposalChanges, proposalFixture } from './harness/record-fixtures.js';

const now = new Date('2027-03-10T10:00:00.000Z');
const coordinator = { role: 'coordinator' as const, officeId: 'uusimaa', id: 'aad-coordinator' };
const national = { role: 'national' as const, officeId: 'uusimaa', id: 'aad-national' };
/** Who the audit trail names as having decided. */
const actor = { aadObjectId: 'aad-coordinator', name: 'Kaisa', role: 'coordinator' as const };

const proposal = (id: string, createdAt: string, patch: Partial<Proposal> = {}): Proposal =>
  proposalFixture(id, {
    feedbackId: `f-${id}`,
    text: `Proposal ${id}`,
    level: 'local',
    authorPartnerId: 'author',
    ...proposalChanges([['received', createdAt]], 'author'),
    ...patch,
  });

describe('proposals service', () => {
  let temp: TempRecords;
  let dir: string;
  let records: LowdbRecordStore;

  beforeEach(async () => {
    temp = await tempRecords();
    ({ dir, records } = temp);
    await records.transaction(async (tx) => {
      await tx.put('partners', partner('author', { aadObjectId: 'aad-author', locale: 'sv' }));
      await tx.put('partners', partner('other'));
      await tx.putInYear('proposals', 2026, proposal('old-local', '2026-11-01T10:00:00.000Z'));
      for (const p of [
        proposal('local', '2027-02-01T10:00:00.000Z'),
        proposal('anonymous', '2027-02-03T10:00:00.000Z', { anonymous: true, authorPartnerId: 'other' }),
        proposal('national', '2027-02-02T10:00:00.000Z', { level: 'national' }),
        proposal('other-office', '2027-02-04T10:00:00.000Z', { officeId: 'pohjanmaa' }),
        proposal('gone-author', '2027-01-15T10:00:00.000Z', { authorPartnerId: 'removed', status: 'planned' }),
      ]) {
        await tx.putInYear('proposals', 2027, p);
      }
    });
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  describe('listProposals', () => {
    it('shows a coordinator the local proposals of their office from every year, newest first', async () => {
      const views = await listProposals(records, coordinator);
      expect(views.map((v) => v.proposal.id)).toEqual(['anonymous', 'local', 'gone-author', 'old-local']);
      expect(views[1].next).toEqual(['under-review', 'planned', 'done', 'declined']);
    });

    it('shows national leadership the national ones and an admin all', async () => {
      expect((await listProposals(records, national)).map((v) => v.proposal.id)).toEqual(['national']);
      expect(await listProposals(records, { role: 'admin', officeId: 'pohjanmaa' })).toHaveLength(6);
      expect(await listProposals(records, { role: 'partner', officeId: 'uusimaa' })).toEqual([]);
    });

    it('names the author only when the proposal is not anonymous and the author is still registered', async () => {
      const byId = new Map((await listProposals(records, coordinator)).map((v) => [v.proposal.id, v]));
      expect(byId.get('local')!.author).toEqual({ name: 'Name author', organisation: 'Org author' });
      expect(byId.get('anonymous')!.author).toBeNull();
      expect(byId.get('gone-author')!.author).toBeNull();
    });

    it('filters by status and level', async () => {
      expect((await listProposals(records, coordinator, { status: 'planned' })).map((v) => v.proposal.id)).toEqual(['gone-author']);
      expect((await listProposals(records, { role: 'admin', officeId: 'uusimaa' }, { level: 'national' })).map((v) => v.proposal.id)).toEqual([
        'national',
      ]);
    });
  });

  describe('changeStatus', () => {
    it('moves the proposal and appends the change to its history, on disk', async () => {
      const result = await changeStatus(records, 'local', { status: 'under-review' }, coordinator, actor, now);
      expect(result.ok).toBe(true);
      const planned = await changeStatus(records, 'local', { status: 'planned', reason: 'Lisätään malli kirjeeseen.' }, coordinator, actor, now);
      expect(planned).toMatchObject({ ok: true, proposal: { status: 'planned' } });
      const onDisk = (await readDataFile(join(dir, '2027.json'))).proposals.find((p: Proposal) => p.id === 'local');
      expect(onDisk.status).toBe('planned');
      expect(onDisk.history).toEqual([
        { status: 'received', at: '2027-02-01T10:00:00.000Z', by: 'author' },
        { status: 'under-review', at: now.toISOString(), by: 'aad-coordinator' },
        { status: 'planned', at: now.toISOString(), by: 'aad-coordinator', reason: 'Lisätään malli kirjeeseen.' },
      ]);
      // Each decision is in the audit trail, written with the change itself.
      const audit = await records.auditSince('2027-01-01T00:00:00.000Z');
      expect(audit.map((e) => [e.action, e.actor, e.target, e.details])).toEqual([
        ['proposal.decide', actor, { ref: 'local' }, { office: 'uusimaa', status: 'planned' }],
        ['proposal.decide', actor, { ref: 'local' }, { office: 'uusimaa', status: 'under-review' }],
      ]);
    });

    it('finds proposals in earlier years', async () => {
      expect(await changeStatus(records, 'old-local', { status: 'declined', reason: 'Ei kuulu virastolle.' }, coordinator, actor, now)).toMatchObject({
        ok: true,
      });
      expect((await records.get('proposals', 'old-local'))!.status).toBe('declined');
    });

    it('refuses, changing nothing: wrong role or office, invalid move, missing reason, unknown proposal', async () => {
      const before = await dataFileText(join(dir, '2027.json'));
      const swedish = { role: 'coordinator' as const, officeId: 'pohjanmaa', id: 'aad-sven' };
      expect(await changeStatus(records, 'national', { status: 'under-review' }, coordinator, actor, now)).toEqual({ ok: false, code: 'proposal-not-allowed' });
      expect(await changeStatus(records, 'local', { status: 'under-review' }, national, actor, now)).toEqual({ ok: false, code: 'proposal-not-allowed' });
      expect(await changeStatus(records, 'local', { status: 'under-review' }, swedish, actor, now)).toEqual({ ok: false, code: 'proposal-not-allowed' });
      expect(await changeStatus(records, 'local', { status: 'received' }, coordinator, actor, now)).toEqual({
        ok: false,
        code: 'proposal-invalid-transition',
      });
      expect(await changeStatus(records, 'local', { status: 'declined', reason: 'lyhyt' }, coordinator, actor, now)).toEqual({
        ok: false,
        code: 'proposal-reason-required',
      });
      expect(await changeStatus(records, 'nope', { status: 'under-review' }, coordinator, actor, now)).toEqual({ ok: false, code: 'proposal-not-found' });
      expect(await dataFileText(join(dir, '2027.json'))).toBe(before);
      expect(await records.auditSince('2027-01-01T00:00:00.000Z')).toEqual([]);
    });

    it('validates inside the update: of two simultaneous identical moves only one happens', async () => {
      const results = await Promise.all([
        changeStatus(records, 'local', { status: 'under-review' }, coordinator, actor, now),
        changeStatus(records, 'local', { status: 'under-review' }, coordinator, actor, now),
      ]);
      expect(results.map((r) => r.ok).sort()).toEqual([false, true]);
      expect((await records.get('proposals', 'local'))!.history).toHaveLength(2);
    });
  });

  describe('notifyAuthor', () => {
    let teamsSent: { reference: Record<string, unknown>; message: OutgoingMessage }[];
    let emails: EmailMessage[];
    let delivery: TeamsDelivery;
    const config = loadConfig({});
    const emailSender = () => new EmailDelivery(records, { send: async (m) => void emails.push(m) }, () => new Date(), () => undefined);

    beforeEach(async () => {
      teamsSent = [];
      emails = [];
      const port = { send: async (reference: Record<string, unknown>, message: OutgoingMessage) => void teamsSent.push({ reference, message }) };
      delivery = new TeamsDelivery(records, port, () => now, () => undefined);
      await records.transaction((tx) => tx.put('conversations', personalChat('chat-author', 'aad-author', now, { chat: 'author' })));
    });

    const decide = async (id: string, status: 'under-review' | 'declined', reason?: string) => {
      const result = await changeStatus(records, id, { status, reason }, { role: 'admin', officeId: 'uusimaa', id: 'aad-admin' }, actor, now);
      if (!result.ok) throw new Error(result.code);
      return result.proposal;
    };

    it('tells the author in Teams, in their language, what was decided and why — once', async () => {
      const decided = await decide('local', 'declined', 'Lagen tillåter det inte.');
      const ports = { config, records, delivery, email: emailSender(), log: () => undefined };
      expect(await notifyAuthor(ports, decided, now)).toBe('teams');
      expect(await notifyAuthor(ports, decided, now)).toBe('teams');
      expect(teamsSent).toHaveLength(1);
      expect(teamsSent[0].reference).toEqual({ chat: 'author' });
      const text = cardText(teamsSent[0].message.card);
      expect(text).toContain('Ditt förslag har nu status "avslaget"');
      expect(text).toContain('Du föreslog');
      expect(text).toContain('Proposal local');
      expect(text).toContain('Vi beslutade att inte genomföra förslaget.');
      expect(text).toContain('Lagen tillåter det inte.');
      expect((await allRecords(records, 'sends')).map((s) => [s.id, s.status])).toEqual([['proposal-status:local:2', 'sent']]);
      expect(emails).toEqual([]);
    });

    it('tells nobody about an anonymous proposal', async () => {
      const decided = await decide('anonymous', 'under-review');
      expect(await notifyAuthor({ config, records, delivery, email: emailSender(), log: () => undefined }, decided, now)).toBe('anonymous');
      expect(teamsSent).toEqual([]);
      expect(emails).toEqual([]);
      expect(await allRecords(records, 'sends')).toEqual([]);
    });

    it('e-mails an author without a Teams chat when SMTP is set up, once; without SMTP nobody can be told', async () => {
      const decided = await decide('national', 'under-review');
      await records.transaction(async (tx) => {
        await tx.remove('conversations', 'chat-author');
      });
      const ports = { config, records, delivery, email: emailSender(), log: () => undefined };
      expect(await notifyAuthor({ ...ports, email: null }, decided, now)).toBe('none');
      expect(await notifyAuthor(ports, decided, now)).toBe('email');
      expect(await notifyAuthor(ports, decided, now)).toBe('email');
      expect(emails).toHaveLength(1);
      expect(emails[0]).toMatchObject({
        to: 'author@kunta.example.fi',
        subject: 'Ditt förslag har nu status "under behandling"',
        idempotencyKey: 'email:proposal-status:national:2',
        // From the author's office, named in the author's language.
        sender: { name: 'Nylands regionkontor', address: 'sidos-uusimaa@example.fi' },
      });
      expect(emails[0].html).toContain('<html lang="sv">');
      expect(emails[0].html).toContain('Du föreslog: Proposal national');
      expect(emails[0].text).toContain('Du föreslog: Proposal national');
      expect(emails[0].text).toContain('Vi gjorde: Vi har börjat behandla ditt förslag.');
      expect(emails[0].text).toContain('den nationella ledningen');
    });

    it('falls back to e-mail when Teams keeps failing, and records the failure', async () => {
      const failing = new TeamsDelivery(
        records,
        { send: async () => Promise.reject(new Error('gone')) },
        () => now,
        () => undefined,
        { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 },
      );
      const decided = await decide('local', 'under-review');
      expect(await notifyAuthor({ config, records, delivery: failing, email: emailSender(), log: () => undefined }, decided, now)).toBe('email');
      expect((await allRecords(records, 'sends')).map((s) => [s.id, s.channel, s.status])).toEqual([
        ['proposal-status:local:2', 'teams', 'failed'],
        ['email:proposal-status:local:2', 'email', 'sent'],
      ]);
    });
  });
});
