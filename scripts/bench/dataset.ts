// Writes a realistic Sidos data directory straight to disk: one year file with
// `records` answered feedback records, their requests, meetings, invitations,
// proposals and unanswered requests, a shared file with the partners, their
// chats and send records, and `open` open meeting requests, each of its own
// partner, for the benchmark to answer.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TurnContext, type Activity } from 'botbuilder';
import type {
  Feedback,
  FeedbackRequest,
  Invitation,
  Locale,
  Meeting,
  OfficeFeedback,
  Partner,
  Plan,
  Proposal,
  Survey,
  SurveyRound,
} from '../../bot/domain/types.js';
import { PROPOSAL_STATUSES } from '../../bot/domain/types.js';
import type { ConversationRecord, SendRecord, SharedData, YearData } from '../../bot/store/store.js';
import { cardAction } from '../../test/harness/activities.js';
import { feedbackSubmission } from '../../test/harness/card-inputs.js';
import { prng } from './prng.js';
import type { TestUser } from '../../test/harness/people.js';

export const BENCH_YEAR = 2027;
/** The benchmark's clock starts here: two days after the last meetings. */
export const BENCH_NOW = '2027-03-10T10:00:00.000Z';

export interface DatasetSpec {
  dir: string;
  records: number;
  open: number;
  serviceUrl: string;
}

/** One feedback answer to send: who, in which language, and the card's inputs. */
export interface Submission {
  user: TestUser;
  locale: Locale;
  data: Record<string, string>;
}

export interface Dataset {
  submissions: Submission[];
  yearBytes: number;
  sharedBytes: number;
  counts: Record<string, number>;
}

const OFFICES = [
  { id: 'uusimaa', locale: 'fi' as const },
  { id: 'pohjanmaa', locale: 'sv' as const },
];
export const SEGMENTS = ['municipalities', 'debt-counsellors', 'collection-agencies', 'rental-agencies', 'authorities'];
export const FIRST = ['Aino', 'Eero', 'Helmi', 'Juha', 'Kaisa', 'Lauri', 'Minna', 'Olli', 'Pekka', 'Riikka', 'Sanna', 'Timo', 'Ulla', 'Veikko'];
export const LAST = ['Virtanen', 'Korhonen', 'Mäkinen', 'Nieminen', 'Hämäläinen', 'Laine', 'Heikkinen', 'Koskinen', 'Järvinen', 'Lehtonen'];
export const ORGS = ['kaupunki', 'kunta', 'Perintä Oy', 'Asunnot Oy', 'talous- ja velkaneuvonta', 'Kela', 'Ulosotto'];
export const PLACES = ['Espoo', 'Vantaa', 'Helsinki', 'Kauniainen', 'Vaasa', 'Seinäjoki', 'Kokkola', 'Pietarsaari'];
export const SUB_THEMES = [
  'Perinnän ensimmäiset viikot',
  'Maksusuunnitelmat ja niiden seuranta',
  'Vuokravelat ja häätöjen ehkäisy',
  'Tiedonvaihto viranomaisten kesken',
  'Velallisen neuvonta ja ohjaus',
  'Sähköinen asiointi ja hakemukset',
];
const SENTENCES = [
  'Asialista tuli hyvissä ajoin ja aiheet olivat meille ajankohtaisia.',
  'Keskustelu oli avointa ja saimme vastauksia käytännön kysymyksiin.',
  'Esitykset veivät liikaa aikaa, keskustelulle jäi vain puoli tuntia.',
  'Toivomme, että esitysmateriaalit jaetaan etukäteen.',
  'Hakemuksen liitteiden vaatimukset ovat edelleen epäselviä.',
  'Yhteyshenkilöiden tiedot olisi hyvä päivittää verkkosivuille.',
  'Tapaamisen ajankohta sopi meille hyvin.',
  'Etäyhteys toimi hyvin, mutta äänenlaatu heikkeni loppua kohden.',
  'Määräajat ovat velallisen kannalta liian lyhyitä.',
  'Saimme hyviä vinkkejä maksusuunnitelmien käsittelyyn.',
];
const PROPOSALS = [
  'Kutsut kuukautta aiemmin ja asialista viikkoa ennen tapaamista',
  'Yhteinen lomake maksusuunnitelmien lähettämiseen',
  'Määräaikojen pidennys lakiin',
  'Neuvontapuhelimen aukioloajat iltaan',
  'Selkokielinen ohje velalliselle kirjeen liitteeksi',
];

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Choices and Finnish sentences drawn from `random`, the benchmark's seeded generator. */
export function randomWords(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const text = (sentences: number) => Array.from({ length: sentences }, () => pick(SENTENCES)).join(' ');
  return { pick, text };
}

/** The partner's answer to `request`, given at `at`: a random rating (a low one justified), texts and anonymity. */
export function randomFeedback(random: () => number, id: string, request: FeedbackRequest, at: string): Feedback {
  const { text } = randomWords(random);
  const rating = 1 + Math.floor(random() * 5);
  return {
    id,
    requestId: request.id,
    kind: request.kind,
    ...(request.meetingId ? { meetingId: request.meetingId } : {}),
    ...(request.surveyRoundId ? { surveyRoundId: request.surveyRoundId } : {}),
    ...(request.kind === 'adhoc' ? { topic: 'general' } : {}),
    officeId: request.officeId,
    segment: request.segment,
    partnerId: request.partnerId,
    anonymous: random() < 0.2,
    rating,
    works: text(1 + Math.floor(random() * 3)),
    change: text(Math.floor(random() * 3)),
    ...(rating <= 2 ? { justification: text(1) } : {}),
    submittedAt: at,
    updatedAt: at,
  };
}

/** The year's plan of an office's benchmark meetings. */
export const benchPlan = (id: string, officeId: string, year: number, createdAt: string): Plan => ({
  id,
  officeId,
  year,
  theme: 'Perinnän ensimmäiset viikot',
  segments: SEGMENTS,
  weekday: 2,
  time: '13:00',
  durationMinutes: 120,
  place: 'Pasila',
  createdBy: 'bench',
  createdAt,
  updatedAt: createdAt,
});

/** A feedback card's inputs answering `requestId`: a rating, texts, sometimes a proposal. */
export function answerInputs(random: () => number, requestId: string): Record<string, string> {
  const { pick, text } = randomWords(random);
  const rating = 1 + Math.floor(random() * 5);
  const proposal = random() < 0.4;
  return feedbackSubmission(requestId, {
    rating: String(rating),
    works: text(1 + Math.floor(random() * 2)),
    change: text(1),
    justification: rating <= 2 ? text(1) : '',
    proposal_0: proposal ? pick(PROPOSALS) : '',
    level_0: proposal ? pick(['local', 'national']) : '',
    anonymous: random() < 0.2 ? 'true' : 'false',
  });
}

/** Runs in a worker (scripts/bench.ts calls it by name), so the generated objects never sit in the measured heap. */
export async function writeDataset(spec: DatasetSpec): Promise<Dataset> {
  const random = prng(spec.records);
  const { pick, text } = randomWords(random);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
  const T0 = Date.parse('2027-01-04T08:00:00.000Z');
  const now = Date.parse(BENCH_NOW);

  // Partners: the first `open` ones answer during the benchmark; all of those have Teams.
  const partners: Partner[] = Array.from({ length: Math.max(spec.open, Math.ceil(spec.records / 10)) }, (_, i) => {
    const office = i % 5 === 4 ? OFFICES[1] : OFFICES[0];
    const name = `${pick(FIRST)} ${pick(LAST)}`;
    return {
      id: uuid(),
      name,
      organisation: `${pick(PLACES)} ${pick(ORGS)}`,
      segment: pick(SEGMENTS),
      officeId: office.id,
      email: `partner.${i}@org${i % 700}.example.fi`,
      ...(i < spec.open || random() < 0.8 ? { aadObjectId: uuid() } : {}),
      locale: office.locale,
      createdAt: iso(T0 - 30 * DAY),
      updatedAt: iso(T0 - 30 * DAY),
    };
  });
  const userOf = (p: Partner, i: number): TestUser => ({ id: `29:partner-${i}`, aadObjectId: p.aadObjectId!, name: p.name, email: p.email });
  const localeTag = (l: Locale) => (l === 'sv' ? 'sv-SE' : 'fi-FI');

  // Each Teams partner has a personal chat, stored as Sidos stores it (so answering does not rewrite the shared file).
  const conversations: ConversationRecord[] = [];
  partners.forEach((p, i) => {
    if (!p.aadObjectId) return;
    const activity = cardAction(spec.serviceUrl, userOf(p, i), 'feedback.submit', {}, { locale: localeTag(p.locale) });
    const { activityId: _activityId, locale: _locale, ...reference } = TurnContext.getConversationReference(activity as unknown as Partial<Activity>);
    conversations.push({
      id: activity.conversation.id,
      kind: 'personal',
      conversationId: activity.conversation.id,
      reference: reference as Record<string, unknown>,
      updatedAt: iso(T0),
      aadObjectId: p.aadObjectId,
      tenantId: activity.conversation.tenantId,
    });
  });

  const plans: Plan[] = OFFICES.map((o) => benchPlan(uuid(), o.id, BENCH_YEAR, iso(T0 - 60 * DAY)));
  // Meetings from early January until two days before the clock; the last ones are what the open requests are about.
  const meetingCount = Math.max(20, Math.ceil(spec.records / 50));
  const meetings: Meeting[] = Array.from({ length: meetingCount }, (_, j) => {
    const startsAt = T0 + Math.floor(((now - 2 * DAY - T0) * (j + 1)) / meetingCount) - 3 * 3_600_000;
    const plan = plans[j % plans.length];
    return {
      id: uuid(),
      planId: plan.id,
      officeId: plan.officeId,
      year: BENCH_YEAR,
      subTheme: pick(SUB_THEMES),
      startsAt: iso(startsAt),
      endsAt: iso(startsAt + 2 * 3_600_000),
      segments: [pick(SEGMENTS), pick(SEGMENTS)],
      place: `${pick(PLACES)}, neuvotteluhuone ${1 + Math.floor(random() * 9)}`,
      onlineUrl: `https://teams.microsoft.com/l/meetup-join/${hex(32)}`,
      status: j < meetingCount - 2 && random() < 0.03 ? 'cancelled' : 'scheduled',
      sequence: Math.floor(random() * 3),
      uid: `${uuid()}@sidos.example.fi`,
    };
  });
  const held = meetings.filter((m) => m.status === 'scheduled');
  const surveys: Survey[] = SEGMENTS.map((segment, k) => ({
    id: uuid(),
    officeId: OFFICES[k % 2].id,
    segment,
    topic: pick(SUB_THEMES),
    cadence: 'monthly',
    createdBy: 'bench',
    createdAt: iso(T0 - 60 * DAY),
    active: true,
  }));
  const surveyRounds: SurveyRound[] = surveys.flatMap((s) =>
    ['2027-01', '2027-02'].map((periodKey, k) => ({ id: uuid(), surveyId: s.id, periodKey, sentAt: iso(T0 + (k * 31 + 1) * DAY) })),
  );

  const invitations: Invitation[] = [];
  const feedbackRequests: FeedbackRequest[] = [];
  const feedback: Feedback[] = [];
  const proposals: Proposal[] = [];
  const sends: SendRecord[] = [];
  const request = (partner: Partner, answered: boolean): FeedbackRequest => {
    const kind = random() < 0.85 ? 'meeting' : random() < 0.66 ? 'survey' : 'adhoc';
    const meeting = pick(held);
    const round = pick(surveyRounds);
    const sentAt = kind === 'meeting' ? Date.parse(meeting.endsAt) + 600_000 : kind === 'survey' ? Date.parse(round.sentAt) : T0 + random() * (now - T0 - 9 * DAY);
    if (kind === 'meeting') {
      invitations.push({ id: uuid(), meetingId: meeting.id, partnerId: partner.id, rsvp: pick(['accepted', 'tentative'] as const), sentSequence: meeting.sequence, icsToken: hex(32), ...(random() < 0.5 ? { attended: true } : {}) });
    }
    const reminders = answered ? (random() < 0.3 ? 1 : 0) : 2;
    const r: FeedbackRequest = {
      id: uuid(),
      kind,
      ...(kind === 'meeting' ? { meetingId: meeting.id } : {}),
      ...(kind === 'survey' ? { surveyRoundId: round.id } : {}),
      partnerId: partner.id,
      officeId: partner.officeId,
      segment: partner.segment,
      sentAt: iso(sentAt),
      remindersSent: reminders,
      ...(reminders > 0 ? { lastReminderAt: iso(sentAt + 3 * DAY) } : {}),
      ...(answered ? { answeredAt: iso(sentAt + random() * 3 * DAY) } : {}),
      status: answered ? 'answered' : sentAt + 9 * DAY <= now ? 'closed' : 'open',
      closesAt: iso(sentAt + 9 * DAY),
    };
    feedbackRequests.push(r);
    sends.push({ id: `feedback-request:${r.id}`, channel: partner.aadObjectId ? 'teams' : 'email', target: partner.id, what: `feedback request ${r.id}`, status: 'sent', attempts: 1, at: r.sentAt });
    return r;
  };

  for (let i = 0; i < spec.records; i++) {
    const partner = pick(partners);
    const r = request(partner, true);
    const f = randomFeedback(random, uuid(), r, r.answeredAt!);
    feedback.push(f);
    for (let k = random() < 0.25 ? 1 + Math.floor(random() * 2) : 0; k > 0; k--) {
      const status = pick(PROPOSAL_STATUSES);
      proposals.push({
        id: uuid(),
        feedbackId: f.id,
        officeId: f.officeId,
        segment: f.segment,
        text: pick(PROPOSALS),
        level: random() < 0.3 ? 'national' : 'local',
        status,
        history: [
          { status: 'received', at: f.submittedAt, by: 'partner' },
          ...(status === 'received' ? [] : [{ status, at: iso(Date.parse(f.submittedAt) + 5 * DAY), by: 'coordinator' }]),
        ],
        authorPartnerId: partner.id,
        anonymous: f.anonymous,
        createdAt: f.submittedAt,
      });
    }
  }
  // About a quarter of the requests were never answered.
  for (let i = 0; i < Math.ceil(spec.records / 3); i++) request(pick(partners), false);

  // The open requests: partner i was asked about one of the two latest meetings of their office.
  const submissions: Submission[] = [];
  const sentAt = Date.parse(meetings[meetingCount - 1].endsAt) + 600_000;
  for (let i = 0; i < spec.open; i++) {
    const partner = partners[i];
    const meeting = meetings[meetingCount - 1 - (partner.officeId === meetings[meetingCount - 1].officeId ? 0 : 1)];
    const r: FeedbackRequest = {
      id: uuid(),
      kind: 'meeting',
      meetingId: meeting.id,
      partnerId: partner.id,
      officeId: partner.officeId,
      segment: partner.segment,
      sentAt: iso(sentAt),
      remindersSent: 0,
      status: 'open',
      closesAt: iso(sentAt + 9 * DAY),
    };
    feedbackRequests.push(r);
    invitations.push({ id: uuid(), meetingId: meeting.id, partnerId: partner.id, rsvp: 'accepted', sentSequence: meeting.sequence, icsToken: hex(32) });
    sends.push({ id: `feedback-request:${r.id}`, channel: 'teams', target: partner.id, what: `feedback request ${r.id}`, status: 'sent', attempts: 1, at: r.sentAt });
    submissions.push({ user: userOf(partner, i), locale: partner.locale, data: answerInputs(random, r.id) });
  }

  const officeFeedback: OfficeFeedback[] = Array.from({ length: Math.ceil(spec.records / 100) }, () => ({
    id: uuid(),
    officeId: pick(OFFICES).id,
    organisation: `${pick(PLACES)} ${pick(ORGS)}`,
    segment: pick(SEGMENTS),
    rating: 1 + Math.floor(random() * 5),
    works: text(1),
    couldDoDifferently: text(1),
    givenBy: 'bench',
    givenAt: iso(T0 + random() * (now - T0)),
  }));

  const year: YearData = { plans, meetings, invitations, feedbackRequests, feedback, proposals, officeFeedback, surveyRounds };
  const shared: SharedData = { partners, conversations, roleAssignments: [], subscriptions: [], sends, surveys, links: [], audit: [], announcements: [], segmentContacts: [], jobState: {} };
  // Written as lowdb writes them.
  const yearText = JSON.stringify(year, null, 2);
  const sharedText = JSON.stringify(shared, null, 2);
  await mkdir(spec.dir, { recursive: true });
  await writeFile(join(spec.dir, `${BENCH_YEAR}.json`), yearText);
  await writeFile(join(spec.dir, 'shared.json'), sharedText);
  const counts = Object.fromEntries(
    Object.entries({ ...year, partners, conversations, sends }).map(([k, v]) => [k, v.length]),
  );
  return { submissions, yearBytes: Buffer.byteLength(yearText), sharedBytes: Buffer.byteLength(sharedText), counts };
}
