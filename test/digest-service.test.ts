// The digest service on a real lowdb RecordStore: which records a period
// reads, the download links and files, subscriptions, and delivery exactly
// once per subscriber (Teams through the real TeamsDelivery with a stand-in
// port, e-mail through a real SMTP server).
import { parse } from 'csv-parse/sync';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadConfig, type AppConfig } from '../bot/config.js';
import { createSmtpEmailSender, messageIdFor } from '../bot/delivery/email.js';
import { EmailDelivery } from '../bot/delivery/email-delivery.js';
import { SendError, type ConversationPort, type OutgoingMessage } from '../bot/delivery/outgoing.js';
import { TeamsDelivery } from '../bot/delivery/teams-delivery.js';
import { DIGEST_LABEL_KEYS, DIGEST_LABELS_EN } from '../bot/domain/digest-render.js';
import { parsePeriodKey } from '../bot/domain/periods.js';
import type { Feedback, Locale, Partner } from '../bot/domain/types.js';
import {
  buildDigestFor,
  deliverDigest,
  digestInput,
  digestLinks,
  resolveDigestDownload,
  subscribeDigest,
  undeliveredDigest,
  unsubscribeDigest,
  type DigestPorts,
} from '../bot/services/digest.js';
import { digestLabels } from '../bot/services/digest-messages.js';
import { createSurvey, createSurveyRounds } from '../bot/services/surveys.js';
import { translator } from '../bot/i18n.js';
import { LowdbRecordStore } from '../bot/store/lowdb-records.js';
import type { Kind, RecordKinds } from '../bot/store/record-kinds.js';
import type { RecordReader } from '../bot/store/records.js';
import type { ConversationKind } from '../bot/store/store.js';
import { parseMail, startSmtpCapture, type CapturedMail, type SmtpCapture } from './harness/smtp.js';
import { invitationFixture, officeFeedbackFixture, proposalChanges, proposalFixture, requestFixture } from './harness/record-fixtures.js';
import { meetingFixture } from './harness/seed.js';
import { tempRecords, type TempRecords } from './harness/temp-records.js';

const T0 = '2025-06-01T08:00:00.000Z';
const partner = (id: string): Partner => ({
  id, name: `Name ${id}`, organisation: `Org ${id}`, segment: 'municipalities', officeId: 'uusimaa', email: `${id}@example.fi`, locale: 'fi', createdAt: T0, updatedAt: T0,
});
const feedback = (id: string, partnerId: string, rating: number, submittedAt: string): Feedback => ({
  id, kind: 'survey', officeId: 'uusimaa', segment: 'municipalities', partnerId, anonymous: false, rating, works: 'ok', change: 'more',
  ...(rating <= 2 ? { justification: 'why' } : {}), submittedAt, updatedAt: submittedAt,
});

/** Every record of a kind, in the order kept: what the store holds after a use case. */
async function all<K extends Kind>(records: LowdbRecordStore, kind: K): Promise<RecordKinds[K][]> {
  const found: RecordKinds[K][] = [];
  for await (const filed of records.scan(kind)) found.push(filed.record);
  return found;
}

describe('digest service', () => {
  let temp: TempRecords;
  let records: LowdbRecordStore;
  let config: AppConfig;

  beforeEach(async () => {
    temp = await tempRecords();
    ({ records } = temp);
    config = loadConfig({ PORT: '0', DATA_DIR: temp.dir, PUBLIC_BASE_URL: 'https://sidos.example.fi' });
    await records.transaction(async (tx) => {
      for (const p of ['a', 'b', 'c', 'd'].map(partner)) await tx.put('partners', p);
    });
  });
  afterEach(() => temp.cleanup());

  const putFeedback = (year: number, ...items: Feedback[]) =>
    records.transaction(async (tx) => {
      for (const item of items) await tx.putInYear('feedback', year, item);
    });

  describe('reading a period across year files', () => {
    beforeEach(async () => {
      await putFeedback(2025, feedback('f2025', 'a', 5, '2025-12-10T10:00:00.000Z'));
      await records.transaction((tx) => tx.putInYear('proposals', 2025, proposalFixture('p2025', {
        feedbackId: 'fb-p2025',
        text: 'Text p2025',
        authorPartnerId: 'a',
        ...proposalChanges([['received', '2025-11-01T10:00:00.000Z'], ['under-review', '2025-11-01T10:00:00.000Z']], 'x'),
      })));
      await putFeedback(
        2026,
        feedback('f-nov', 'a', 4, '2026-11-10T10:00:00.000Z'),
        feedback('f-dec29', 'b', 2, '2026-12-29T10:00:00.000Z'),
        // 00:30 on New Year's Day in Helsinki, still 2026 in UTC.
        feedback('f-newyear', 'c', 5, '2026-12-31T22:30:00.000Z'),
      );
      await putFeedback(2027, feedback('f-jan2', 'd', 4, '2027-01-02T10:00:00.000Z'), feedback('f-feb', 'a', 3, '2027-02-10T10:00:00.000Z'));
      await putFeedback(2028, feedback('f2028', 'a', 1, '2028-01-10T10:00:00.000Z'));
    });

    it('takes 300,000 invitations (more than a call can take as arguments)', async () => {
      const many = Array.from({ length: 300_000 }, (_, i) => ({ id: `inv-${i}`, meetingId: 'm', partnerId: 'a', rsvp: 'accepted' }));
      const big = {
        feedbackSubmitted: async () => [],
        meetingsStarting: async () => [{ id: 'm' }],
        requestsSent: async () => [],
        officeFeedbackGiven: async () => [],
        findByAny: async (kind: string) => (kind === 'invitations' ? many : []),
        findBy: async () => [],
        get: async () => undefined,
        getMany: async () => [],
        partnerCounts: async () => [],
      } as unknown as RecordReader;
      expect((await digestInput(big, config, parsePeriodKey('2027-Q1')!, new Date('2027-04-05T06:00:00.000Z'))).invitations).toHaveLength(300_000);
    });

    it('reads the feedback of the period and of the periods its history compares, and open proposals of any earlier year', async () => {
      // Q1 2027 charts eight quarters from Q2 2025: f2025 is read too, f2028 is not.
      const input = await digestInput(records, config, parsePeriodKey('2027-Q1')!, new Date('2027-04-05T06:00:00.000Z'));
      expect(input.feedback.map((f) => f.id).sort()).toEqual(['f-dec29', 'f-feb', 'f-jan2', 'f-newyear', 'f-nov', 'f2025']);
      const month = await digestInput(records, config, parsePeriodKey('2027-03')!, new Date('2027-04-05T06:00:00.000Z'));
      expect(month.feedback.map((f) => f.id).sort()).toEqual(['f-dec29', 'f-feb', 'f-jan2', 'f-newyear', 'f-nov']);
      // Week 8 of 2027 charts weeks 1–8, from Monday 4 January: 2 January is before them and not read.
      const week = await digestInput(records, config, parsePeriodKey('2027-W08')!, new Date('2027-04-05T06:00:00.000Z'));
      expect(week.feedback.map((f) => f.id).sort()).toEqual(['f-feb']);
      expect(input.proposals.map((p) => p.id)).toEqual(['p2025']);
      expect(input).toMatchObject({ timeZone: 'Europe/Helsinki', anonymityMinimum: 3, thresholds: config.thresholds, segments: config.segments.map((s) => s.id) });
      expect(input.partners).toHaveLength(4);
    });

    it('counts the target groups with one store query and reads only the partners of its offices that its records name', async () => {
      await records.transaction(async (tx) => {
        await tx.put('partners', partner('e')); // registered, named by no record
        await tx.put('partners', { ...partner('f'), segment: 'debt-counsellors' });
        await tx.put('partners', { ...partner('g'), officeId: 'not-configured' });
      });
      await putFeedback(2027, feedback('f-g', 'g', 4, '2027-02-11T10:00:00.000Z'));
      const findBy = vi.spyOn(records, 'findBy');
      const now = new Date('2027-04-05T06:00:00.000Z');
      const input = await digestInput(records, config, parsePeriodKey('2027-Q1')!, now);
      expect(findBy.mock.calls.filter(([kind]) => kind === 'partners')).toEqual([]);
      expect([...input.targetGroups].sort((x, y) => x.segment.localeCompare(y.segment))).toEqual([
        { officeId: 'uusimaa', segment: 'debt-counsellors', count: 1 },
        { officeId: 'uusimaa', segment: 'municipalities', count: 5 },
      ]);
      expect(input.partners.map((p) => p.id).sort()).toEqual(['a', 'b', 'c', 'd']);
      const quarter = await buildDigestFor(records, config, '2027-Q1', now);
      if (!quarter.ok) throw new Error(quarter.code);
      const uusimaa = quarter.digest.offices.find((o) => o.officeId === 'uusimaa')!;
      expect(uusimaa.total.targetGroupSize).toBe(6);
      expect(uusimaa.segments.map((row) => [row.segment, row.targetGroupSize])).toContainEqual(['municipalities', 5]);
      expect(uusimaa.segments.map((row) => [row.segment, row.targetGroupSize])).toContainEqual(['debt-counsellors', 1]);
    });

    it('reads the meetings, invitations and requests of the counted periods, the office feedback of the period, and the meetings asked about from before them', async () => {
      // Week 8 of 2027 (22–28 February) charts weeks 1–8, from Monday 4 January (Helsinki).
      await records.transaction(async (tx) => {
        await tx.putInYear('meetings', 2026, meetingFixture({ id: 'm-old', year: 2026, subTheme: 'Vanha', startsAt: '2026-12-20T10:00:00.000Z', endsAt: '2026-12-20T11:00:00.000Z' }));
        await tx.putInYear('meetings', 2027, meetingFixture({ id: 'm-in', startsAt: '2027-02-23T10:00:00.000Z', endsAt: '2027-02-23T11:00:00.000Z' }));
        await tx.putInYear('meetings', 2027, meetingFixture({ id: 'm-late', startsAt: '2027-03-02T10:00:00.000Z', endsAt: '2027-03-02T11:00:00.000Z' }));
        for (const meetingId of ['m-old', 'm-in', 'm-late']) await tx.putInYear('invitations', 2027, invitationFixture(`i-${meetingId}`, { meetingId, partnerId: 'a' }));
        // Asked in week 8 about a meeting of December: the round is named by that meeting.
        await tx.putInYear('feedbackRequests', 2026, requestFixture('r-old', { meetingId: 'm-old', partnerId: 'a', sentAt: '2027-02-23T12:00:00.000Z' }));
        await tx.putInYear('feedbackRequests', 2026, requestFixture('r-before', { meetingId: 'm-old', partnerId: 'b', sentAt: '2026-12-21T12:00:00.000Z' }));
        await tx.putInYear('feedbackRequests', 2027, requestFixture('r-adhoc', { kind: 'adhoc', meetingId: 'm-in', partnerId: 'c', sentAt: '2027-02-23T12:00:00.000Z' }));
        await tx.putInYear('feedbackRequests', 2027, requestFixture('r-late', { meetingId: 'm-late', partnerId: 'a', sentAt: '2027-03-02T12:00:00.000Z' }));
        for (const [id, givenAt] of [['o-w07', '2027-02-16T10:00:00.000Z'], ['o-w08', '2027-02-23T10:00:00.000Z'], ['o-late', '2027-03-02T10:00:00.000Z']]) {
          await tx.putInYear('officeFeedback', 2027, officeFeedbackFixture(id, { givenAt }));
        }
      });
      const now = new Date('2027-04-05T06:00:00.000Z');
      const input = await digestInput(records, config, parsePeriodKey('2027-W08')!, now);
      const ids = (items: { id: string }[]) => items.map((item) => item.id).sort();
      expect(ids(input.meetings)).toEqual(['m-in', 'm-old']);
      expect(ids(input.invitations)).toEqual(['i-m-in']);
      expect(ids(input.feedbackRequests)).toEqual(['r-old']);
      expect(ids(input.officeFeedback)).toEqual(['o-w08']);
      const week = await buildDigestFor(records, config, '2027-W08', now);
      if (!week.ok) throw new Error(week.code);
      expect(week.digest.offices.find((o) => o.officeId === 'uusimaa')!.rounds).toMatchObject([{ kind: 'meeting', ref: 'm-old', subTheme: 'Vanha', asked: 1 }]);
    });

    it('counts a quarter and a week that span New Year from both files, in the digest time zone', async () => {
      const now = new Date('2027-04-05T06:00:00.000Z');
      const quarter = await buildDigestFor(records, config, '2027-Q1', now);
      if (!quarter.ok) throw new Error(quarter.code);
      const total = quarter.digest.offices.find((o) => o.officeId === 'uusimaa')!.total;
      expect(total.feedbackCount).toBe(3); // f-newyear, f-jan2, f-feb
      expect(total.previous.feedbackCount).toBe(2); // f-nov, f-dec29
      expect(quarter.digest.nationalProposals.map((p) => p.id)).toEqual(['p2025']);

      // ISO week 53 of 2026 runs from Monday 28 December to Sunday 3 January.
      const week = await buildDigestFor(records, config, '2026-W53', now);
      if (!week.ok) throw new Error(week.code);
      expect(week.digest.offices[0].total.feedbackCount).toBe(3); // f-dec29, f-newyear, f-jan2
    });

    it('builds the running period so far, and refuses a malformed or future key', async () => {
      const now = new Date('2027-01-02T12:00:00.000Z');
      const current = await buildDigestFor(records, config, 'current', now);
      expect(current.ok && current.digest.periodKey).toBe('2026-W53');
      expect(current.ok && current.digest.offices[0].total.feedbackCount).toBe(3);
      for (const key of ['2027-Q5', '2027-W54', '2027-13', 'Q1', '2027-q1']) expect(await buildDigestFor(records, config, key, now)).toEqual({ ok: false, code: 'bad-period' });
      expect(await buildDigestFor(records, config, '2027-W01', now)).toEqual({ ok: false, code: 'future-period' });
      expect((await buildDigestFor(records, config, '2027-01', now)).ok).toBe(true);
    });
  });

  describe('survey rounds', () => {
    it('counts each round in the period it was sent in, also when rounds do not start with a calendar quarter', async () => {
      // Scheduled 29 June: rounds on 30 June (Q2) and 30 September (Q3), nothing on 1 July.
      const survey = await createSurvey(records, 'uusimaa', { segment: 'municipalities', topic: 'Neuvonta', cadence: 'quarterly' }, 'c', new Date('2027-06-29T10:00:00.000Z'));
      for (const at of ['2027-06-30T04:00:00.000Z', '2027-07-01T04:00:00.000Z', '2027-09-30T04:00:00.000Z']) {
        await createSurveyRounds(records, config, new Date(at));
      }
      expect((await records.findBy('surveyRounds', 'surveyId', survey.id)).map((r) => r.periodKey).sort()).toEqual(['2027-Q2', '2027-Q3']);

      const now = new Date('2027-10-10T10:00:00.000Z');
      const requests = async (key: string) => {
        const result = await buildDigestFor(records, config, key, now);
        if (!result.ok) throw new Error(result.code);
        return result.digest.offices.find((o) => o.officeId === 'uusimaa')!.total.feedbackRequests;
      };
      expect([await requests('2027-Q2'), await requests('2027-Q3')]).toEqual([4, 4]);
      expect([await requests('2027-06'), await requests('2027-07'), await requests('2027-09')]).toEqual([4, 0, 4]);
    });
  });

  describe('labels', () => {
    it('are translated for every digest label key; English matches the renderer', () => {
      const en = digestLabels(config, 'en');
      for (const key of DIGEST_LABEL_KEYS) expect(en[key], key).toBe(DIGEST_LABELS_EN[key]);
      for (const locale of ['fi', 'sv'] as const) {
        const labels = digestLabels(config, locale);
        expect(labels.locale).toBe(locale);
        for (const key of DIGEST_LABEL_KEYS) expect(labels[key], `${locale}:${key}`).not.toBe(`digest.label.${key}`);
        expect(labels['segment.debt-counsellors']).toBe(config.segments.find((s) => s.id === 'debt-counsellors')!.name[locale]);
      }
      expect(digestLabels(config, 'fi').responseRate).toBe('Vastausaste');
      expect(digestLabels(config, 'sv').responseRate).toBe('Svarsfrekvens');
    });
  });

  describe('download links', () => {
    const now = new Date('2027-03-08T06:00:00.000Z');
    const tokenOf = (url: string) => /\/files\/([A-Za-z0-9_-]+)\?/.exec(url)![1];

    it('makes one unguessable link per format and period, reused while valid, in the asked language', async () => {
      const first = await digestLinks(records, config, '2027-W09', 'fi', now);
      expect(first.html).toMatch(/^https:\/\/sidos\.example\.fi\/files\/[A-Za-z0-9_-]{32}\?lang=fi$/);
      const again = await digestLinks(records, config, '2027-W09', 'sv', new Date(now.getTime() + 86_400_000));
      expect(again).toEqual({ html: first.html.replace('lang=fi', 'lang=sv'), csv: first.csv.replace('lang=fi', 'lang=sv') });
      const other = await digestLinks(records, config, '2027-W10', 'fi', now);
      expect(tokenOf(other.html)).not.toBe(tokenOf(first.html));
      expect(await all(records, 'links')).toEqual([
        { id: tokenOf(first.html), kind: 'digest-html', ref: '2027-W09', expiresAt: '2027-04-07T06:00:00.000Z' },
        { id: tokenOf(first.csv), kind: 'digest-csv', ref: '2027-W09', expiresAt: '2027-04-07T06:00:00.000Z' },
        { id: tokenOf(other.html), kind: 'digest-html', ref: '2027-W10', expiresAt: '2027-04-07T06:00:00.000Z' },
        { id: tokenOf(other.csv), kind: 'digest-csv', ref: '2027-W10', expiresAt: '2027-04-07T06:00:00.000Z' },
      ]);
    });

    it('replaces expired links and drops them, leaving other kinds of link alone', async () => {
      await records.transaction((tx) => tx.put('links', { id: 'ics-token-that-is-long-enough', kind: 'ics', ref: 'inv-1', expiresAt: '2027-01-01T00:00:00.000Z' }));
      const first = await digestLinks(records, config, '2027-W09', 'fi', now);
      const later = new Date('2027-04-07T06:00:00.000Z'); // exactly when they expire
      const renewed = await digestLinks(records, config, '2027-W09', 'fi', later);
      expect(tokenOf(renewed.html)).not.toBe(tokenOf(first.html));
      expect((await all(records, 'links')).map((l) => l.id)).toEqual(['ics-token-that-is-long-enough', tokenOf(renewed.html), tokenOf(renewed.csv)]);
    });

    it('serves the HTML in the ?lang= language (default: the default office language) and the CSV', async () => {
      await putFeedback(2027, feedback('f1', 'a', 5, '2027-03-03T10:00:00.000Z'));
      const links = await digestLinks(records, config, '2027-W09', 'sv', now);
      const html = (await resolveDigestDownload(records, config, tokenOf(links.html), now, 'sv'))!;
      expect(html).toMatchObject({ contentType: 'text/html; charset=utf-8', fileName: 'sidos-digest-2027-W09.html', inline: true });
      expect(html.body).toContain('<h1>Sammanfattning av intressentresponsen 2027-W09</h1>');
      expect((await resolveDigestDownload(records, config, tokenOf(links.html), now, undefined))!.body).toContain('<html lang="fi">');
      expect((await resolveDigestDownload(records, config, tokenOf(links.html), now, 'de'))!.body).toContain('<html lang="fi">');

      const csv = (await resolveDigestDownload(records, config, tokenOf(links.csv), now, 'en'))!;
      expect(csv).toMatchObject({ contentType: 'text/csv; charset=utf-8', fileName: 'sidos-digest-2027-W09.csv' });
      const rows: Record<string, string>[] = parse(csv.body, { bom: true, columns: true });
      expect(rows.find((r) => r.Office === 'Uusimaa regional office' && r.Segment === 'Municipalities')).toMatchObject({ 'Feedback answers': '1' });

      expect(await resolveDigestDownload(records, config, 'unknown-token-unknown-token', now, 'fi')).toBeNull();
      expect(await resolveDigestDownload(records, config, tokenOf(links.html), new Date('2027-05-01T00:00:00.000Z'), 'fi')).toBeNull();
    });
  });

  describe('subscriptions', () => {
    it('keeps one subscription per conversation and removes it on unsubscribe', async () => {
      const now = new Date('2027-03-03T10:00:00.000Z');
      const who = { conversationRecordId: 'conv-1', by: 'aad-1', locale: 'sv' as Locale };
      expect(await subscribeDigest(records, who, now)).toBe('subscribed');
      expect(await subscribeDigest(records, { ...who, locale: 'en' }, now)).toBe('already-subscribed');
      expect(await all(records, 'subscriptions')).toEqual([
        { id: expect.stringMatching(/^[A-Za-z0-9_-]{12}$/), topic: 'digest', conversationRecordId: 'conv-1', by: 'aad-1', locale: 'sv', at: now.toISOString() },
      ]);
      expect(await unsubscribeDigest(records, 'conv-1')).toBe(true);
      expect(await unsubscribeDigest(records, 'conv-1')).toBe(false);
      expect(await all(records, 'subscriptions')).toEqual([]);
    });
  });

  describe('delivery', () => {
    const monday = new Date('2027-03-08T06:00:00.000Z');
    /** A stand-in for Teams: records what arrives where, and fails for the conversations in `down`. */
    const sent: { conversation: string; message: OutgoingMessage }[] = [];
    const down = new Set<string>();
    const port: ConversationPort = {
      async send(reference, message) {
        const conversation = (reference.conversation as { id: string }).id;
        if (down.has(conversation)) throw new SendError('service unavailable', 503);
        sent.push({ conversation, message });
      },
    };
    let ports: DigestPorts;
    /** The first line of a delivered digest card: its title and period, in the subscriber's language. */
    const cardTitle = (message: OutgoingMessage) => (message.card!.body as { text: string }[])[0].text;
    const digestTitle = (locale: Locale, period: string) => `${translator(locale)('digest.label.title')} ${period}`;
    /** The URL of a delivered digest card's "open" (HTML) button. */
    const htmlLink = (message: OutgoingMessage) => (message.card!.actions as { url: string }[])[0].url;

    const conversation = (id: string, kind: ConversationKind) => ({
      id, kind, conversationId: id, reference: { conversation: { id } }, updatedAt: monday.toISOString(),
    });

    beforeEach(async () => {
      sent.length = 0;
      down.clear();
      const delivery = new TeamsDelivery(records, port, () => monday, () => undefined, { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 }, async () => undefined);
      ports = {
        config,
        records,
        delivery,
        email: null,
        log: () => undefined,
      };
      await records.transaction(async (tx) => {
        await tx.put('conversations', conversation('chat-fi', 'personal'));
        await tx.put('conversations', conversation('channel-sv', 'channel'));
      });
      await subscribeDigest(records, { conversationRecordId: 'chat-fi', by: 'n1', locale: 'fi' }, monday);
      await subscribeDigest(records, { conversationRecordId: 'channel-sv', by: 'n1', locale: 'sv' }, monday);
    });

    it('delivers the last completed period once per subscriber, in its language, also when two runs overlap', async () => {
      const reports = await Promise.all([deliverDigest(ports, monday), deliverDigest(ports, monday)]);
      expect(reports.map((r) => r.periodKey)).toEqual(['2027-W09', '2027-W09']);
      expect(sent.map((s) => `${s.conversation}: ${cardTitle(s.message)}`).sort()).toEqual([
        `channel-sv: ${digestTitle('sv', '2027-W09')}`,
        `chat-fi: ${digestTitle('fi', '2027-W09')}`,
      ]);
      expect(await all(records, 'links')).toHaveLength(2);
      expect(htmlLink(sent.find((s) => s.conversation === 'channel-sv')!.message)).toMatch(/\?lang=sv$/);
      expect(await records.jobStates()).toEqual({ 'digest.lastDelivered': '2027-W09' });

      expect(await deliverDigest(ports, new Date('2027-03-10T12:00:00.000Z'))).toEqual({ periodKey: '2027-W09', sent: 0, failed: 0 });
      expect(sent).toHaveLength(2);
      const subscriptionIds = (await all(records, 'subscriptions')).map((s) => s.id);
      expect((await all(records, 'sends')).map((s) => s.id).sort()).toEqual(subscriptionIds.map((id) => `digest:2027-W09:${id}`).sort());
    });

    it('records a failed send, reports it, and retries only failures in the "failed" mode', async () => {
      down.add('channel-sv');
      expect(await deliverDigest(ports, monday)).toEqual({ periodKey: '2027-W09', sent: 1, failed: 1 });
      expect(await records.jobState('digest.lastDelivered')).toBeUndefined();
      expect(await undeliveredDigest(records, config, monday)).toEqual({
        periodKey: '2027-W09',
        recipients: [{ kind: 'channel', target: 'channel-sv', lastError: 'HTTP 503: service unavailable' }],
      });

      // Someone subscribes meanwhile: a retry run leaves them to the scheduled run.
      await records.transaction((tx) => tx.put('conversations', conversation('group-en', 'groupChat')));
      await subscribeDigest(records, { conversationRecordId: 'group-en', by: 'n2', locale: 'en' }, monday);
      down.clear();
      expect(await deliverDigest(ports, monday, 'failed')).toEqual({ periodKey: '2027-W09', sent: 1, failed: 0 });
      expect(sent.map((s) => s.conversation)).toEqual(['chat-fi', 'channel-sv']);
      expect(await records.jobState('digest.lastDelivered')).toBeUndefined();
      expect((await undeliveredDigest(records, config, monday)).recipients).toEqual([]);

      expect(await deliverDigest(ports, monday)).toEqual({ periodKey: '2027-W09', sent: 1, failed: 0 });
      expect(sent.map((s) => s.conversation)).toEqual(['chat-fi', 'channel-sv', 'group-en']);
      expect(await records.jobState('digest.lastDelivered')).toBe('2027-W09');
    });

    it('delivers nothing to an unsubscribed conversation, and a new period to everyone', async () => {
      await unsubscribeDigest(records, 'chat-fi');
      await deliverDigest(ports, monday);
      await deliverDigest(ports, new Date('2027-03-15T06:00:00.000Z'));
      expect(sent.map((s) => `${s.conversation} ${cardTitle(s.message)}`)).toEqual([
        `channel-sv ${digestTitle('sv', '2027-W09')}`,
        `channel-sv ${digestTitle('sv', '2027-W10')}`,
      ]);
    });

    describe('by e-mail', () => {
      const REJECTED = 'gone@national.example.fi';
      let smtp: SmtpCapture;
      let received: CapturedMail[];
      let sender: ReturnType<typeof createSmtpEmailSender>;

      beforeAll(async () => {
        smtp = await startSmtpCapture({ rejectRecipient: (address) => address === REJECTED });
        received = smtp.mails;
        sender = createSmtpEmailSender({ url: smtp.url, from: 'sidos@example.fi' });
      });
      afterAll(() => smtp.close());

      it('sends the HTML digest with the CSV attached once per address, and retries a rejected one', async () => {
        received.length = 0;
        await putFeedback(2027, feedback('f1', 'a', 5, '2027-03-03T10:00:00.000Z'));
        const email = new EmailDelivery(records, sender, () => monday, () => undefined);
        const withEmail = { ...ports, email, config: { ...config, digest: { ...config.digest, emails: ['johto@national.example.fi', REJECTED] } } };

        expect(await deliverDigest(withEmail, monday)).toEqual({ periodKey: '2027-W09', sent: 3, failed: 1 });
        expect(received.map((m) => m.to)).toEqual([['johto@national.example.fi']]);
        const mail = await parseMail(received[0]);
        expect(mail.subject).toBe('Sidos-kooste 2027-W09');
        expect(mail.messageId).toBe(messageIdFor('digest:2027-W09:email:johto@national.example.fi'));
        expect(mail.text).toContain('jaksolta 2027-W09');
        expect(mail.html).toContain('<h1>Sidosryhmäpalautteen kooste 2027-W09</h1>');
        expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['sidos-digest-2027-W09.csv', 'text/csv']]);
        const rows: string[][] = parse(mail.attachments[0].content.toString('utf8'), { bom: true });
        expect(rows[1].slice(0, 3)).toEqual(['2027-W09', 'Uudenmaan aluetoimisto', 'Kaikki sidosryhmät']);

        // The e-mails go out in parallel through the send queue: the send log is in the order they finished.
        const sends = async () => (await all(records, 'sends')).filter((s) => s.channel === 'email').sort((a, b) => a.id.localeCompare(b.id));
        expect(await sends()).toEqual([
          expect.objectContaining({ id: `digest:2027-W09:email:${REJECTED}`, status: 'failed', attempts: 1, lastError: expect.stringContaining('550') }),
          { id: 'digest:2027-W09:email:johto@national.example.fi', channel: 'email', target: 'johto@national.example.fi', what: 'Sidos-kooste 2027-W09', status: 'sent', attempts: 1, at: monday.toISOString() },
        ]);
        expect((await undeliveredDigest(records, withEmail.config, monday)).recipients).toEqual([
          { kind: 'email', target: REJECTED, lastError: expect.stringContaining('550') },
        ]);

        expect(await deliverDigest(withEmail, monday)).toEqual({ periodKey: '2027-W09', sent: 0, failed: 1 });
        expect(received).toHaveLength(1);
        expect((await sends())[0]).toMatchObject({ status: 'failed', attempts: 2 });
        expect(await records.jobState('digest.lastDelivered')).toBeUndefined();
      });
    });
  });
});
