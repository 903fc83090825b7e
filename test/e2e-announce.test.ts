// Announcements over HTTP: a coordinator announces a disruption to one segment;
// exactly that segment's partners of that office get it once (Teams or e-mail,
// in their language), the office's news channel gets one post, others nothing.
// Acknowledgements are counted on the coordinator's card. Marking it resolved
// replaces the same Teams cards and sends one e-mail follow-up. Bad input and
// the wrong people send nothing; a restart mid-send loses and doubles nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Partner } from '../bot/domain/types.js';
import { translator } from '../bot/i18n.js';
import type { RecordStore } from '../bot/store/records.js';
import { checkCard } from './harness/card-check.js';
import { FakeClock } from './harness/clock.js';
import { cardOf, type PostedActivity } from './harness/connector.js';
import { coordinator, swedishCoordinator, type TestUser } from './harness/people.js';
import { partnerChat, partnerFixture } from './harness/seed.js';
import { cardText, Harness } from './harness/sidos-harness.js';
import { parseMail, startSmtpCapture, type SmtpCapture } from './harness/smtp.js';
import { allRecords, sharedRecords, yearRecords } from './harness/read-records.js';

const NEWS = { kind: 'channel', teamId: '19:team-uusimaa', channelId: '19:news@thread.tacv2' } as const;
const teamsPartner = (id: string, overrides: Partial<Partner> = {}) => partnerFixture(id, { aadObjectId: `aad-${id}`, segment: 'debt-counsellors', ...overrides });
const userOf = (p: Partner): TestUser => ({ id: `29:${p.id}`, aadObjectId: p.aadObjectId!, name: p.name, email: p.email });

const counsellorsInTeams = [teamsPartner('dc-t1'), teamsPartner('dc-t2'), teamsPartner('dc-t3', { locale: 'sv' })];
const counsellorsByEmail = [partnerFixture('dc-e1', { segment: 'debt-counsellors' }), partnerFixture('dc-e2', { segment: 'debt-counsellors', locale: 'sv' })];
const others = [
  teamsPartner('mu-t1', { segment: 'municipalities' }),
  partnerFixture('mu-e1'),
  teamsPartner('po-t1', { officeId: 'pohjanmaa' }),
  partnerFixture('po-e1', { officeId: 'pohjanmaa', segment: 'debt-counsellors' }),
];
const landlords = Array.from({ length: 40 }, (_, i) => teamsPartner(`ra-${i}`, { segment: 'rental-agencies' }));

const chatOf = (p: Partner) => `a:chat-${p.id}`;
const postsTo = (posted: PostedActivity[], conversationId: string) => posted.filter((p) => p.conversationId === conversationId && p.activity.type === 'message');
const isNewsChannel = (p: PostedActivity) => p.conversationId.startsWith(NEWS.channelId);

async function seed(records: RecordStore, serviceUrl: string): Promise<void> {
  const all = [...counsellorsInTeams, ...counsellorsByEmail, ...others, ...landlords];
  await records.transaction(async (tx) => {
    for (const p of all) await tx.put('partners', p);
    for (const p of all.filter((p) => p.aadObjectId)) await tx.put('conversations', partnerChat(p, serviceUrl));
  });
}

const DISRUPTION = {
  kind: 'disruption',
  title: 'Sähköinen asiointi ei toimi',
  text: 'Ulosoton sähköinen asiointi on poissa käytöstä.\nKorjaamme vikaa.',
  segments: 'debt-counsellors',
  link: 'https://office.example.fi/tila',
};

describe('announcements', () => {
  let smtp: SmtpCapture;
  let h: Harness;
  let announcementId = '';

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    h = await Harness.start({ clock: new FakeClock('2027-02-20T08:00:00.000Z').now, env: { SMTP_URL: smtp.url } });
    await h.restart((records) => seed(records, h.serviceUrl));
    // The office's team channel subscribes to news.
    const [reply] = await h.say(coordinator, 'subscribe news', { where: NEWS });
    expect(reply.activity.text).toContain('tiedotteet');
  }, 60_000);
  afterAll(async () => {
    await h.stop();
    await smtp.close();
  });

  it('opens the form with `announce`, and previews the text with whom it reaches', async () => {
    const [form] = await h.say(coordinator, 'announce');
    expect(checkCard(cardOf(form)!)).toEqual([]);
    expect(cardText(cardOf(form))).toContain('Uusi tiedote');
    const preview = await h.click(coordinator, 'announce.preview', DISRUPTION);
    expect(checkCard(preview.value)).toEqual([]);
    expect(cardText(preview.value)).toContain('3 Teamsissa, 2 sähköpostilla, 1 kanava');
  });

  it('sends a disruption once to the segment’s partners of the office and once to the news channel, nothing to others, however often Send is clicked', async () => {
    const posts = h.connector.posted.length;
    const preview = await h.click(coordinator, 'announce.preview', DISRUPTION);
    const draft = (preview.value.actions as any[]).find((a) => a.verb === 'announce.send').data;
    const [first, second] = await Promise.all([
      h.click(coordinator, 'announce.send', draft, { replyToId: 'status-1' }),
      h.click(coordinator, 'announce.send', draft, { replyToId: 'status-1' }),
    ]);
    expect(checkCard(first.value)).toEqual([]);
    expect(cardText(second.value)).toContain('Häiriö: Sähköinen asiointi ei toimi');
    await h.idle();
    await h.runJob('announcements.sync');
    announcementId = draft.draftId;

    const sent = h.connector.posted.slice(posts);
    for (const p of counsellorsInTeams) expect(postsTo(sent, chatOf(p))).toHaveLength(1);
    for (const p of [...others, ...landlords].filter((p) => p.aadObjectId)) expect(postsTo(sent, chatOf(p))).toHaveLength(0);
    expect(sent.filter(isNewsChannel)).toHaveLength(1);
    expect(smtp.mails.map((m) => m.to).flat().sort()).toEqual(counsellorsByEmail.map((p) => p.email).sort());

    // Each in the partner's language; the card says when the text is in another one.
    const finnish = cardOf(postsTo(sent, chatOf(counsellorsInTeams[0]))[0])!;
    expect(checkCard(finnish)).toEqual([]);
    expect(cardText(finnish)).toContain('Häiriö: Sähköinen asiointi ei toimi');
    expect(cardText(finnish)).not.toContain('Toimisto kirjoitti');
    const swedish = cardText(cardOf(postsTo(sent, chatOf(counsellorsInTeams[2]))[0]));
    expect(swedish).toContain('Störning: Sähköinen asiointi ei toimi');
    expect(swedish).toContain('Kontoret skrev detta på finska.');
    const mail = await parseMail(smtp.mails.find((m) => m.to.includes(counsellorsByEmail[1].email))!);
    expect(mail.subject).toBe('Störning: Sähköinen asiointi ei toimi');
    expect(mail.text).toContain('Kontoret skrev detta på finska.');
    expect(mail.text).toContain('Ulosoton sähköinen asiointi on poissa käytöstä.');
    expect(mail.html).toContain('Kontoret skrev detta på finska.');
    expect(mail.html).toContain('href="https://office.example.fi/tila"');

    // The clicked card is replaced with the final counts.
    const final = h.connector.updated.filter((u) => u.replyToId === 'status-1').at(-1)!.activity.attachments[0].content;
    expect(checkCard(final)).toEqual([]);
    expect(cardText(final)).toContain('3 toimitettu, 0 epäonnistui');
    expect(cardText(final)).toContain('2 toimitettu, 0 epäonnistui');
    expect(final.refresh).toBeUndefined();
    const audit = (await allRecords(h.records, 'audit')).filter((e: any) => e.action === 'announcement.send');
    expect(audit).toHaveLength(1);
  });

  it('counts a partner’s Acknowledge once on the coordinator’s card', async () => {
    const reader = userOf(counsellorsInTeams[0]);
    const ack = await h.click(reader, 'announcement.ack', { announcementId });
    expect(cardText(ack.value)).toContain('Kiitos: kuittauksesi on kirjattu.');
    expect((ack.value.actions as any[]).some((a) => a.verb === 'announcement.ack')).toBe(false);
    await h.click(reader, 'announcement.ack', { announcementId });
    const outsider = await h.click(userOf(others[0]), 'announcement.ack', { announcementId });
    expect(outsider.value).toContain('ei lähetetty sinulle');
    const status = await h.click(coordinator, 'announce.open', { announcementId });
    expect(cardText(status.value)).toContain('1 / 3 Teamsissa');

    // From the channel's card the answer is private: a text to the one who clicked, the card stays as it is.
    const updates = h.connector.updated.length;
    const inChannel = await h.click(userOf(counsellorsInTeams[1]), 'announcement.ack', { announcementId }, { where: NEWS });
    expect(inChannel.value).toBe('Kiitos: kuittauksesi on kirjattu.');
    expect(h.connector.updated.slice(updates)).toEqual([]);
    expect(cardText((await h.click(coordinator, 'announce.open', { announcementId })).value)).toContain('2 / 3 Teamsissa');
  });

  it('updates the disruption’s text: the same Teams cards are replaced once, no new message and no e-mail', async () => {
    const posts = h.connector.posted.length;
    const mails = smtp.mails.length;
    const updates = h.connector.updated.length;
    const unchanged = await h.click(coordinator, 'announce.update', { announcementId, text: DISRUPTION.text });
    expect(cardText(unchanged.value)).toContain('Teksti on sama kuin ennen.');
    const empty = await h.click(coordinator, 'announce.update', { announcementId, text: ' ' });
    expect(cardText(empty.value)).toContain('Teksti: pakollinen tieto.');
    const updated = await h.click(coordinator, 'announce.update', { announcementId, text: 'Vika on paikannettu; korjaus valmistuu iltapäivällä.' });
    expect(checkCard(updated.value)).toEqual([]);
    await h.idle();
    await h.runJob('announcements.sync');
    expect(h.connector.posted.slice(posts).filter((p) => p.conversationId.startsWith('a:chat-') || isNewsChannel(p))).toEqual([]);
    expect(smtp.mails.length).toBe(mails);
    const replaced = h.connector.updated.slice(updates);
    for (const p of counsellorsInTeams) {
      const put = replaced.filter((u) => u.conversationId === chatOf(p));
      expect(put).toHaveLength(1);
      expect(cardText(put[0].activity.attachments[0].content)).toContain('Vika on paikannettu; korjaus valmistuu iltapäivällä.');
    }
    // The partner who acknowledged still sees it acknowledged.
    expect(cardText(replaced.find((u) => u.conversationId === chatOf(counsellorsInTeams[0]))!.activity.attachments[0].content)).toContain('kuittauksesi on kirjattu');
    expect(replaced.filter((u) => isNewsChannel(u))).toHaveLength(1);
  });

  it('marks the disruption resolved: the same Teams cards are replaced, e-mail recipients get one follow-up, a second click sends nothing', async () => {
    const posts = h.connector.posted.length;
    const mails = smtp.mails.length;
    const updates = h.connector.updated.length;
    const firstIds = new Map(counsellorsInTeams.map((p) => [chatOf(p), h.connector.posted.find((x) => x.conversationId === chatOf(p))!]));
    const resolved = await h.click(coordinator, 'announce.resolve', { announcementId, resolution: 'Palvelu toimii taas.' }, { replyToId: 'status-2' });
    expect(cardText(resolved.value)).toContain('Korjattu');
    await h.idle();
    const again = await h.click(coordinator, 'announce.resolve', { announcementId, resolution: 'Uudestaan' });
    expect(cardText(again.value)).toContain('on jo merkitty korjatuksi');
    await h.idle();
    await h.runJob('announcements.sync');

    expect(h.connector.posted.slice(posts).filter((p) => p.conversationId.startsWith('a:chat-') || isNewsChannel(p))).toEqual([]);
    const replaced = h.connector.updated.slice(updates);
    for (const [chat, original] of firstIds) {
      const put = replaced.filter((u) => u.conversationId === chat);
      expect(put).toHaveLength(1);
      expect(put[0].replyToId).toBe(`posted-${h.connector.posted.indexOf(original) + 1}`);
      expect(cardText(put[0].activity.attachments[0].content)).toContain('Palvelu toimii taas.');
    }
    expect(replaced.filter((u) => isNewsChannel(u))).toHaveLength(1);
    const followUps = smtp.mails.slice(mails);
    expect(followUps.map((m) => m.to).flat().sort()).toEqual(counsellorsByEmail.map((p) => p.email).sort());
    const followUp = await parseMail(followUps.find((m) => m.to.includes(counsellorsByEmail[0].email))!);
    expect(followUp.subject).toBe('Korjattu: Sähköinen asiointi ei toimi');
    expect(followUp.text).toContain('Palvelu toimii taas.');
    const status = await h.click(coordinator, 'announce.open', { announcementId });
    expect(cardText(status.value)).toMatch(/Korjattu: kortit päivitetty ja sähköpostit lähetetty\n5/);
  });

  it('lists past announcements with their counts', async () => {
    const [list] = await h.say(coordinator, 'announcements');
    expect(checkCard(cardOf(list)!)).toEqual([]);
    expect(cardText(cardOf(list))).toMatch(/Teams 3 · sähköposti 2 · epäonnistui 0 · kuitattu 2 · korjattu/);
  });

  it('refuses bad input with a clear message and sends nothing', async () => {
    const posts = h.connector.posted.length;
    const mails = smtp.mails.length;
    const partner = userOf(counsellorsInTeams[1]);
    const [refused] = await h.say(partner, 'announce');
    expect(refused.activity.text).toContain('tämä on vain rooleille');
    const byPartner = await h.click(partner, 'announce.send', { ...DISRUPTION, draftId: '00000000-0000-4000-8000-000000000001' });
    expect(byPartner.value).toContain('tämä on vain rooleille');
    const empty = await h.click(coordinator, 'announce.preview', { ...DISRUPTION, text: '  ' });
    expect(cardText(empty.value)).toContain('Teksti: pakollinen tieto.');
    const nobody = await h.click(coordinator, 'announce.preview', { ...DISRUPTION, segments: 'authorities' });
    expect(cardText(nobody.value)).toContain('Valituissa segmenteissä ei ole yhtään toimistosi kumppania');
    const nobodySend = await h.click(coordinator, 'announce.send', { ...DISRUPTION, segments: 'authorities', draftId: '00000000-0000-4000-8000-000000000002' });
    expect(cardText(nobodySend.value)).toContain('Valituissa segmenteissä ei ole yhtään toimistosi kumppania');
    const unknownSegment = await h.click(coordinator, 'announce.preview', { ...DISRUPTION, segments: 'pirates' });
    expect(cardText(unknownSegment.value)).toContain('"pirates"');
    const stale = await h.click(coordinator, 'announce.open', { announcementId: 'gone' });
    expect(stale.value).toContain('kortti on vanhentunut');
    const crafted = await h.click(coordinator, 'announce.send', { ...DISRUPTION, draftId: 'x' });
    expect(crafted.value).toContain('vanhentunut');
    const otherOffice = await h.click(swedishCoordinator, 'announce.resolve', { announcementId }, { locale: 'sv-SE' });
    expect(otherOffice.value).toContain('annat kontor');
    await h.idle();
    expect(h.connector.posted.slice(posts).filter((p) => p.conversationId.startsWith('a:chat-') || isNewsChannel(p))).toEqual([]);
    expect(smtp.mails.length).toBe(mails);
    const stored: string[] = [];
    for await (const { record } of h.records.scan('announcements')) stored.push(record.id);
    expect(stored).toHaveLength(1);
  });

  it('answers "card is outdated" to card data of the wrong type (an object or list where a text or id belongs) and changes nothing', async () => {
    await h.idle();
    const kept = async () => ({ shared: await sharedRecords(h.records), year: await yearRecords(h.records, 2027) });
    const before = await kept();
    const posts = h.connector.posted.length;
    const mails = smtp.mails.length;
    const reader = userOf(counsellorsInTeams[0]);
    const crafted: [TestUser, string, Record<string, unknown>][] = [
      [coordinator, 'announce.preview', { ...DISRUPTION, title: { fi: DISRUPTION.title } }],
      [coordinator, 'announce.edit', { ...DISRUPTION, segments: ['debt-counsellors'] }],
      [coordinator, 'announce.send', { ...DISRUPTION, draftId: ['00000000-0000-4000-8000-000000000003'] }],
      [coordinator, 'announce.send', { ...DISRUPTION, draftId: '00000000-0000-4000-8000-000000000004', text: { value: DISRUPTION.text } }],
      [coordinator, 'announce.open', { announcementId: { $ne: '' } }],
      [coordinator, 'announce.update', { announcementId, text: ['Uusi teksti.'] }],
      [coordinator, 'announce.resolve', { announcementId: [announcementId], resolution: 'Korjattu.' }],
      [reader, 'announcement.ack', { announcementId: { id: announcementId } }],
    ];
    const outdated = translator('fi')('error.cardOutdated');
    for (const [user, verb, data] of crafted) expect({ verb, answer: (await h.click(user, verb, data)).value }).toEqual({ verb, answer: outdated });
    await h.idle();
    expect(await kept()).toEqual(before);
    expect(h.connector.posted.length).toBe(posts);
    expect(smtp.mails.length).toBe(mails);
  });

  it('finishes an announcement cut short by a restart once per partner', async () => {
    const posts = h.connector.posted.length;
    const preview = await h.click(coordinator, 'announce.preview', { kind: 'change', title: 'Uudet aukioloajat', text: 'Palvelemme 1.3. alkaen klo 9–15.', segments: 'rental-agencies' });
    const draft = (preview.value.actions as any[]).find((a) => a.verb === 'announce.send').data;
    h.connector.hold();
    await h.click(coordinator, 'announce.send', draft, { replyToId: 'status-restart' });
    await h.connector.waitingAtGate(8);
    const stopping = h.sidos.stop();
    h.connector.release();
    await stopping;
    const perChat = () => {
      const counts = new Map<string, number>();
      for (const p of h.connector.messages(posts).filter((p) => p.conversationId.startsWith('a:chat-ra-'))) counts.set(p.conversationId, (counts.get(p.conversationId) ?? 0) + 1);
      return counts;
    };
    expect(perChat().size).toBeLessThan(landlords.length);

    await h.restart();
    await h.runJob('announcements.sync');
    await h.idle();
    await h.runJob('announcements.sync');
    expect(perChat().size).toBe(landlords.length);
    expect([...perChat().values()].every((n) => n === 1)).toBe(true);
    // Only the news channel's one post besides the partners' cards.
    expect(h.connector.messages(posts).filter(isNewsChannel)).toHaveLength(1);
    const final = h.connector.updated.filter((u) => u.replyToId === 'status-restart').at(-1)!.activity.attachments[0].content;
    expect(cardText(final)).toContain('40 toimitettu, 0 epäonnistui');
  }, 60_000);
});
