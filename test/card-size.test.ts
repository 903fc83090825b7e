// Every card that lists things stays within what Teams takes in one message
// when the lists hold 1,000+ items with texts as long as allowed: paged,
// summarised or cut, parsed by the adaptivecards library, and paging reaches
// the last item with the right counts. Driven over HTTP like Teams.
import { TestAdapter } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_BUDGET_BYTES, cardBytes, TEAMS_MESSAGE_LIMIT_BYTES } from '../bot/cards.js';
import { MAX_CSV_ROWS } from '../bot/domain/partner-csv.js';
import type { Announcement, Feedback, Invitation, Meeting, Partner, Plan, Proposal } from '../bot/domain/types.js';
import { translator } from '../bot/i18n.js';
import { cardSizeGuard } from '../bot/teams/app.js';
import { oversizedCards } from '../bot/teams/card-size-guard.js';
import { MEETINGS_PER_PAGE } from '../bot/teams/meeting-cards.js';
import { LIST_LIMIT } from '../bot/teams/partners.js';
import { PROPOSALS_PER_PAGE } from '../bot/teams/proposals.js';
import { STAFF_ANSWERS_PER_PAGE } from '../bot/teams/feedback.js';
import { checkCard } from './harness/card-check.js';
import { executeActions, inputsOf, submission } from './harness/card-inputs.js';
import { FakeClock } from './harness/clock.js';
import { cardOf } from './harness/connector.js';
import { admin, coordinator, national, partner, type TestUser } from './harness/people.js';
import { meetingFixture, partnerFixture, partnerFor } from './harness/seed.js';
import { cardText, Harness } from './harness/sidos-harness.js';
import { allRecords } from './harness/read-records.js';

const MANY = 1002;
const fi = translator('fi');
const long = (prefix: string, length: number) => `${prefix} ${'x'.repeat(length - prefix.length - 1)}`;
const pad = (i: number) => String(i).padStart(4, '0');
/** "1 002" as Finnish writes it (a no-break space between thousands). */
const number = (n: number) => new Intl.NumberFormat('fi').format(n);
const showing = (from: number, to: number, total: number) =>
  fi('paging.showing', { from: number(from), to: number(to), total: number(total) });

const pekka = partnerFor(partner);
const WEEK_START = '2027-03-02T10:00:00.000Z';

/** Partners of one segment with the longest names, organisations and addresses allowed. */
const registered: Partner[] = Array.from({ length: MANY }, (_, i) =>
  partnerFixture(`p-${pad(i)}`, {
    name: long(`Nimi ${pad(i)}`, 120),
    organisation: long(`Organisaatio ${pad(i)}`, 160),
    email: `${pad(i)}.${'e'.repeat(230)}@kunta.fi`,
  }),
);

const plan: Plan = {
  id: 'plan-1',
  officeId: 'uusimaa',
  year: 2027,
  theme: long('Teema', 200),
  segments: ['municipalities', 'debt-counsellors', 'collection-agencies', 'rental-agencies', 'authorities'],
  weekday: 2,
  time: '13:00',
  durationMinutes: 90,
  createdBy: 'test',
  createdAt: '2027-01-01T00:00:00.000Z',
  updatedAt: '2027-01-01T00:00:00.000Z',
};

/** Coming meetings every four hours from 4 March 2027, every text as long as allowed. */
const meetings: Meeting[] = Array.from({ length: MANY }, (_, i) => {
  const start = Date.parse('2027-03-04T08:00:00.000Z') + i * 4 * 3600_000;
  return meetingFixture({
    id: `m-${pad(i)}`,
    subTheme: long(`Alateema ${pad(i)}`, 200),
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + 90 * 60_000).toISOString(),
    segments: plan.segments,
    place: long('Paikka', 200),
    onlineUrl: `https://teams.example.fi/${'l'.repeat(180)}`,
  });
});
const pastMeeting = meetingFixture({ id: 'm-past', subTheme: long('Mennyt', 200), startsAt: '2027-02-02T11:00:00.000Z', endsAt: '2027-02-02T12:30:00.000Z' });

/** Answers to the past meeting by partners with the longest names: every text at its 2,000-character maximum. */
const feedback: Feedback[] = Array.from({ length: MANY }, (_, i) => ({
  id: `f-${pad(i)}`,
  kind: 'meeting',
  meetingId: pastMeeting.id,
  officeId: 'uusimaa',
  segment: 'municipalities',
  partnerId: registered[i].id,
  anonymous: false,
  rating: 2,
  works: long(`Toimii ${pad(i)}`, 2000),
  change: long('Muutettavaa', 2000),
  justification: long('Perustelu', 2000),
  submittedAt: WEEK_START,
  updatedAt: WEEK_START,
}));

/** Pekka's: three proposals on each of the first answers, local and national alternately, all awaiting a decision. */
const proposals: Proposal[] = Array.from({ length: MANY }, (_, i) => ({
  id: `pr-${pad(i)}`,
  feedbackId: feedback[Math.floor(i / 3)].id,
  officeId: 'uusimaa',
  segment: 'municipalities',
  text: long(`Ehdotus ${pad(i)}`, 2000),
  level: i % 2 === 0 ? 'local' : 'national',
  justification: long('Perustelu', 2000),
  status: 'under-review',
  history: [
    { status: 'received', at: WEEK_START, by: 'test' },
    { status: 'under-review', at: WEEK_START, by: 'test', reason: long('Syy', 2000) },
  ],
  authorPartnerId: pekka.id,
  anonymous: false,
  createdAt: new Date(Date.parse(WEEK_START) + i * 1000).toISOString(),
}));

const invitations: Invitation[] = meetings.map((m) => ({
  id: `inv-${m.id}`,
  meetingId: m.id,
  partnerId: pekka.id,
  rsvp: 'accepted',
  sentSequence: 0,
  icsToken: `token-${m.id}`,
}));

/** Past announcements with the longest titles and texts; the first went to every partner, each acknowledging. */
const announcements: Announcement[] = Array.from({ length: MANY }, (_, i) => ({
  id: `an-${pad(i)}`,
  officeId: 'uusimaa',
  kind: 'disruption',
  title: long(`Tiedote ${pad(i)}`, 120),
  text: long('Teksti', 2000),
  segments: plan.segments,
  locale: 'fi',
  createdBy: 'test',
  createdAt: new Date(Date.parse(WEEK_START) - i * 60_000).toISOString(),
  recipients: i === 0 ? registered.map((p) => p.id) : [pekka.id],
  channels: [],
  acknowledgements: i === 0 ? registered.map((p) => ({ partnerId: p.id, at: WEEK_START })) : [],
}));

describe('card sizes with 1,000+ items', () => {
  const clock = new FakeClock('2027-03-03T09:00:00.000Z');
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start({
      clock: clock.now,
      seedRecords: (records) =>
        records.transaction(async (tx) => {
          for (const partner of [pekka, ...registered]) await tx.put('partners', partner);
          for (const announcement of announcements) await tx.put('announcements', announcement);
          await tx.putInYear('plans', 2027, plan);
          for (const meeting of [pastMeeting, ...meetings]) await tx.putInYear('meetings', 2027, meeting);
          for (const invitation of invitations) await tx.putInYear('invitations', 2027, invitation);
          for (const entry of feedback) await tx.putInYear('feedback', 2027, entry);
          for (const proposal of proposals) await tx.putInYear('proposals', 2027, proposal);
        }),
    });
    // The admin is known by e-mail, which Teams gives through the members API.
    h.connector.members.set(admin.id, { id: admin.id, aadObjectId: admin.aadObjectId, email: admin.email, name: admin.name });
  }, 60_000);
  afterAll(async () => {
    // No card that went out in these tests was over the budget.
    expect(h.logs.filter((line) => line.includes('-byte budget'))).toEqual([]);
    await h.stop();
  });

  /** The card must fit and parse. */
  function fits(card: any): any {
    expect(card, 'a card').toBeTruthy();
    expect(cardBytes(card)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
    expect(checkCard(card)).toEqual([]);
    return card;
  }
  const say = async (user: TestUser, text: string) => fits(cardOf((await h.say(user, text))[0]));
  const click = async (user: TestUser, verb: string, data: Record<string, unknown>) => fits((await h.click(user, verb, data)).value);
  const pagerButton = (card: any, title: string) => executeActions(card).find((a) => a.title === title);
  /** Clicks Next as Teams would: the button's verb and data. */
  const next = async (user: TestUser, card: any) => {
    const button = pagerButton(card, fi('paging.next'));
    expect(button, 'a Next button').toBeDefined();
    return click(user, button!.verb, button!.data);
  };

  it('keeps the budget below what Teams takes', () => {
    expect(TEAMS_MESSAGE_LIMIT_BYTES).toBe(28 * 1024);
    expect(CARD_BUDGET_BYTES).toBeLessThan(TEAMS_MESSAGE_LIMIT_BYTES);
  });

  it('partner register: counts per segment, then one segment page by page to its last partner', async () => {
    const summary = await say(coordinator, 'partners');
    expect(cardText(summary)).toContain(`Kunnat (${MANY + 1})`);

    const seen = new Set<string>();
    let card = await click(coordinator, 'partner.list', { segment: 'municipalities' });
    expect(cardText(card)).toContain(showing(1, LIST_LIMIT, MANY + 1));
    expect(pagerButton(card, fi('paging.previous'))).toBeUndefined();
    for (;;) {
      for (const a of executeActions(card, 'partner.edit')) seen.add(a.data.partnerId);
      if (!pagerButton(card, fi('paging.next'))) break;
      card = await next(coordinator, card);
    }
    const lastFrom = Math.floor(MANY / LIST_LIMIT) * LIST_LIMIT + 1;
    expect(cardText(card)).toContain(showing(lastFrom, MANY + 1, MANY + 1));
    expect(pagerButton(card, fi('paging.previous'))?.data).toEqual({ segment: 'municipalities', page: Math.floor(MANY / LIST_LIMIT) - 1 });
    expect(seen).toEqual(new Set([pekka.id, ...registered.map((p) => p.id)]));
  });

  it('announcements: the form, a preview to 1,003 partners, the card of one sent to 1,002, and 1,002 past ones page by page', async () => {
    await say(coordinator, 'announce');
    const preview = await click(coordinator, 'announce.preview', { kind: 'change', title: long('Otsikko', 120), text: long('Teksti', 2000), segments: '', link: '' });
    expect(cardText(preview)).toContain(fi('announce.preview.unreachable', { count: MANY + 1 }));
    const status = await click(coordinator, 'announce.open', { announcementId: announcements[0].id });
    expect(cardText(status)).toContain(`${MANY} / 0 Teamsissa`);
    let list = await say(coordinator, 'announcements');
    expect(cardText(list)).toContain(showing(1, 10, MANY));
    let pages = 1;
    while (pagerButton(list, fi('paging.next'))) {
      list = await next(coordinator, list);
      pages += 1;
    }
    expect(pages).toBe(Math.ceil(MANY / 10));
    expect(executeActions(list, 'announce.open').at(-1)?.data).toEqual({ announcementId: announcements.at(-1)!.id });
  });

  it('a stale or crafted page number shows the nearest page there is, never an error', async () => {
    const pages = Math.ceil((MANY + 1) / LIST_LIMIT);
    const last = await click(coordinator, 'partner.list', { segment: 'municipalities', page: 5000 });
    expect(cardText(last)).toContain(showing((pages - 1) * LIST_LIMIT + 1, MANY + 1, MANY + 1));
    for (const page of [-3, 'two', null, { x: 1 }]) {
      expect(cardText(await click(coordinator, 'partner.list', { segment: 'municipalities', page }))).toContain(showing(1, LIST_LIMIT, MANY + 1));
    }
  });

  it('meetings: staff and an invited partner page through 1,002 coming meetings', async () => {
    const first = await say(coordinator, 'meetings');
    expect(cardText(first)).toContain(showing(1, MEETINGS_PER_PAGE, MANY));
    expect(executeActions(first, 'meeting.edit').map((a) => a.data.meetingId)).toEqual(meetings.slice(0, MEETINGS_PER_PAGE).map((m) => m.id));
    const second = await next(coordinator, first);
    expect(executeActions(second, 'meeting.edit')[0].data.meetingId).toBe(meetings[MEETINGS_PER_PAGE].id);

    const lastPage = Math.ceil(MANY / MEETINGS_PER_PAGE) - 1;
    const last = await click(coordinator, 'meetings.list', { page: lastPage });
    expect(cardText(last)).toContain(showing(lastPage * MEETINGS_PER_PAGE + 1, MANY, MANY));
    expect(executeActions(last, 'meeting.edit').at(-1)!.data.meetingId).toBe(meetings.at(-1)!.id);
    expect(pagerButton(last, fi('paging.next'))).toBeUndefined();

    const invited = await say(partner, 'meetings');
    expect(cardText(invited)).toContain(showing(1, MEETINGS_PER_PAGE, MANY));
    const invitedLast = await click(partner, 'meetings.list', { page: lastPage });
    expect(cardText(invitedLast)).toContain(meetings.at(-1)!.subTheme);
  });

  it('proposals: pages keep the filter; a decision returns to the page it was made on', async () => {
    const all = await say(admin, 'proposals');
    expect(cardText(all)).toContain(showing(1, PROPOSALS_PER_PAGE, MANY));

    const nationalCount = proposals.filter((p) => p.level === 'national').length;
    const onlyNational = await say(national, 'proposals');
    expect(cardText(onlyNational)).toContain(showing(1, PROPOSALS_PER_PAGE, nationalCount));
    const second = await next(national, onlyNational);
    expect(cardText(second)).toContain(showing(PROPOSALS_PER_PAGE + 1, 2 * PROPOSALS_PER_PAGE, nationalCount));

    const filtered = await say(admin, 'proposals national');
    const nextButton = pagerButton(filtered, fi('paging.next'))!;
    expect(nextButton.data).toEqual({ filter: 'national', page: 1 });
    const lastPage = Math.ceil(nationalCount / PROPOSALS_PER_PAGE) - 1;
    const last = await click(admin, 'proposal.list', { filter: 'national', page: lastPage });
    expect(cardText(last)).toContain(showing(lastPage * PROPOSALS_PER_PAGE + 1, nationalCount, nationalCount));
    // Newest first: the oldest national proposal is the last item.
    const oldest = proposals.find((p) => p.level === 'national')!;
    const decide = executeActions(last, 'proposal.status').filter((a) => a.data.proposalId === oldest.id);
    expect(decide.length).toBeGreaterThan(0);

    const form = await click(admin, 'proposal.status', decide[0].data);
    const saved = await click(admin, 'proposal.status.save', { ...executeActions(form, 'proposal.status.save')[0].data, reason: 'Päätetty kansallisesti.' });
    expect(cardText(saved)).toContain(showing(lastPage * PROPOSALS_PER_PAGE + 1, nationalCount, nationalCount));
  });

  it('staff feedback view: 1,002 answers to one meeting, page by page, Next over HTTP and the last page', async () => {
    const first = await say(coordinator, 'feedback');
    const text = cardText(first);
    expect(text).toContain(fi('feedback.staff.summary', { count: MANY, average: '2,0' }));
    expect(text).toContain(showing(1, STAFF_ANSWERS_PER_PAGE, MANY));
    expect(text).toContain('Toimii: Toimii 0000');

    const second = await next(coordinator, first);
    expect(cardText(second)).toContain(showing(STAFF_ANSWERS_PER_PAGE + 1, 2 * STAFF_ANSWERS_PER_PAGE, MANY));
    expect(cardText(second)).toContain(`Toimii: Toimii ${pad(STAFF_ANSWERS_PER_PAGE)}`);
    expect(cardText(second)).not.toContain(`Toimii: Toimii ${pad(STAFF_ANSWERS_PER_PAGE - 1)}`);
    // The meeting's heading is on every page it continues on.
    expect(cardText(second)).toContain(fi('feedback.staff.summary', { count: MANY, average: '2,0' }));

    const last = await click(coordinator, 'feedback.staff', { year: 2027, page: 9999 });
    expect(cardText(last)).toContain(showing(MANY - (MANY % STAFF_ANSWERS_PER_PAGE) + 1, MANY, MANY));
    expect(cardText(last)).toContain(`Toimii: Toimii ${pad(MANY - 1)}`);
  });

  it('staff feedback view refuses partners, national users, channels and crafted years', async () => {
    for (const user of [partner, national]) {
      expect((await h.click(user, 'feedback.staff', { year: 2027 })).value).toBe(fi('error.notAllowed', { roles: `${fi('role.coordinator')}, ${fi('role.admin')}` }));
    }
    expect((await h.click(coordinator, 'feedback.staff', { year: 2027 }, { where: { kind: 'channel', teamId: 'team-1', channelId: '19:channel-1' } })).value).toBe(fi('error.personalChatOnly'));
    expect((await h.click(coordinator, 'feedback.staff', { year: 'x' })).value).toBe(fi('error.cardOutdated'));
  });

  it('digest: every office and segment, 501 national proposals awaiting a decision, texts as long as allowed', async () => {
    const card = await say(national, 'digest');
    const waiting = proposals.filter((p) => p.level === 'national').length;
    expect(cardText(card)).toContain(`(${waiting})`);
    // Texts are cut on the card; the full digest behind the links has them whole.
    const shown = cardText(card).split('\n').find((line) => line.startsWith('Ehdotus'))!;
    expect(shown).toMatch(/…$/);
    expect(shown.length).toBeLessThan(2000);
    expect(proposals.some((p) => p.level === 'national' && p.text.startsWith(shown.slice(0, -1)))).toBe(true);
    expect(executeActions(card)).toEqual([]);
    expect((card.actions as any[]).map((a) => a.type)).toEqual(['Action.OpenUrl', 'Action.OpenUrl']);
  });

  it('partner import of 2,000 rejected rows: counts, the first rows, how many more', async () => {
    const rows = Array.from({ length: MAX_CSV_ROWS }, (_, i) => `${long(`Nimi ${i}`, 130)},${long('Org', 170)},tuntematon,virhe${i}@`);
    const report = await click(coordinator, 'partners.import', { csv: ['name,organisation,segment,email', ...rows].join('\n') });
    const facts = report.body.find((b: any) => b.type === 'FactSet').facts;
    expect(facts.at(-1)).toEqual({ title: fi('import.report.rejected'), value: String(MAX_CSV_ROWS) });
    expect(cardText(report)).toContain(fi('import.report.more', { count: MAX_CSV_ROWS - 30 }));
    expect(await allRecords(h.records, 'partners')).toHaveLength(MANY + 1);
  });

  // Last: the plan adds meetings in 2028, which the meetings tests above do not count.
  it('plan: the most meetings a plan can have (24), every text as long as allowed, in the preview, the saved plan and the edit form', async () => {
    const form = await say(coordinator, 'plan 2028');
    const typed = {
      theme: long('Teema', 200),
      subThemes: Array.from({ length: 24 }, (_, i) => long(`Alateema ${i}`, 200)).join('\n'),
      segments: plan.segments.join(','),
      count: '24',
      place: long('Paikka', 200),
      onlineUrl: `https://teams.example.fi/${'l'.repeat(170)}`,
    };
    const preview = await click(coordinator, 'plan.preview', submission(form, 'plan.preview', typed));
    expect(executeActions(preview, 'plan.confirm')).toHaveLength(1);
    // The buttons carry the sub-themes once, in the rows' inputs: Back returns them as edited there.
    const back = await click(coordinator, 'plan.form', submission(preview, 'plan.form', { subTheme_0: 'Muokattu alateema' }));
    expect(inputsOf(back).subThemes.split('\n')).toEqual(['Muokattu alateema', ...typed.subThemes.split('\n').slice(1)]);
    const saved = await click(coordinator, 'plan.confirm', submission(preview, 'plan.confirm'));
    expect(cardText(saved)).toContain(long('Alateema 23', 200));
    const plans = await h.records.inYear('plans', 2028);
    await click(coordinator, 'plan.edit', { planId: plans[0].id });
  });

  it('my data and the admin view of a person with 1,000+ records: a summary and the full export link', async () => {
    for (const card of [await say(partner, 'my data'), await say(admin, `privacy ${pekka.email}`)]) {
      const text = cardText(card);
      expect(text).toContain(fi('privacy.more', { count: MANY - 10 }));
      const download = (card.actions as any[]).find((a) => a.type === 'Action.OpenUrl');
      expect(download.url).toMatch(/\/files\//);
    }
  });
});

describe('card size guard', () => {
  const bigCard = { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: 'x'.repeat(CARD_BUDGET_BYTES) }] };
  const smallCard = { type: 'AdaptiveCard', version: '1.5', body: [] };
  const attachment = (content: object) => ({ contentType: 'application/vnd.microsoft.card.adaptive', content });

  it('finds cards over the budget in messages and in card action replies', () => {
    expect(oversizedCards({ type: 'message', attachments: [attachment(smallCard), attachment(bigCard)] })).toEqual([cardBytes(bigCard)]);
    const reply = { type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: bigCard } } };
    expect(oversizedCards(reply as any)).toEqual([cardBytes(bigCard)]);
    expect(oversizedCards({ type: 'message', text: 'x'.repeat(40_000) })).toEqual([]);
  });

  it('logs an oversized card as it is sent, and still sends it', async () => {
    const logs: string[] = [];
    const adapter = new TestAdapter(async (context) => {
      await context.sendActivity({ attachments: [attachment(bigCard) as any] });
    }).use(cardSizeGuard((line) => logs.push(line)));
    await adapter.send('hi').assertReply((activity) => expect(activity.attachments?.[0].content).toEqual(bigCard));
    expect(logs).toEqual([`card of ${cardBytes(bigCard)} bytes in a message is over the ${CARD_BUDGET_BYTES}-byte budget: Teams may refuse it`]);
  });
});
