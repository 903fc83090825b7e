import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateMeetingDate } from '../bot/domain/schedule.js';
import { translator } from '../bot/i18n.js';
import { executeActions, inputsOf, submission } from './harness/card-inputs.js';
import { FakeClock } from './harness/clock.js';
import { cardOf } from './harness/connector.js';
import { admin, coordinator, partner, swedishCoordinator, type TestUser } from './harness/people.js';
import { cardText, Harness } from './harness/sidos-harness.js';

type Card = Record<string, any>;

const ZONE = 'Europe/Helsinki';

describe('planning a year over HTTP', () => {
  const clock = new FakeClock('2026-12-01T10:00:00Z');
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.start({ clock: clock.now });
    h.connector.members.set(admin.id, { id: admin.id, aadObjectId: admin.aadObjectId, email: admin.email, name: admin.name });
  });
  afterAll(async () => {
    await h.stop();
  });

  /** Presses a button of `card` the way Teams does: the action's data plus every input, with `changes` typed in. */
  async function press(user: TestUser, card: Card, verb: string, changes: Record<string, string> = {}, locale = 'fi-FI', index = 0) {
    return h.click(user, verb, submission(card, verb, changes, index), { locale });
  }

  async function sayCard(user: TestUser, text: string, locale = 'fi-FI'): Promise<Card> {
    const [reply] = await h.say(user, text, { locale });
    const card = cardOf(reply);
    expect(card, `no card in reply to "${text}": ${JSON.stringify(reply?.activity.text)}`).toBeDefined();
    return card!;
  }

  /** The plans and meetings filed under 2027, as Sidos keeps them. */
  const year2027 = async () => ({ plans: await h.records.inYear('plans', 2027), meetings: await h.records.inYear('meetings', 2027) });
  const validPlan = {
    theme: 'Perintäasian ensimmäiset viikot',
    subThemes: 'Vireilletulo\nMaksusuunnitelmat\nPalkanulosmittaus\nVuokrasaatavat',
    segments: 'municipalities,debt-counsellors',
    place: 'Kokoushuone Aurora, Ratapihantie 9',
  };

  let preview: Card;
  let meetingIds: string[];

  it('opens the coming year from the help card’s plan button (December), and the current year before October', async () => {
    const [help] = await h.say(coordinator, 'help', { locale: 'fi-FI' });
    const buttons = JSON.stringify(cardOf(help)).match(/"value":"plan"/g);
    expect(buttons).toHaveLength(1);
    const form = await sayCard(coordinator, 'plan');
    expect(cardText(form)).toContain('Sidosryhmätapaamiset 2027');
    clock.set('2026-09-30T10:00:00Z');
    try {
      expect(cardText(await sayCard(coordinator, 'plan'))).toContain('Sidosryhmätapaamiset 2026');
    } finally {
      clock.set('2026-12-01T10:00:00Z');
    }
    expect(await h.records.years()).not.toContain(2027);
  });

  it('refuses a malformed or past year with an example', async () => {
    const [malformed] = await h.say(coordinator, 'plan ensi vuonna', { locale: 'fi-FI' });
    expect(malformed.activity.text).toBe('Mille vuodelle? Kirjoita vuosi komennon perään, esimerkiksi: plan 2027');
    const [past] = await h.say(coordinator, 'plan 2025', { locale: 'fi-FI' });
    expect(past.activity.text).toContain('Vuosi 2025 on jo mennyt');
  });

  it('walks a coordinator through plan → errors → preview → date errors → edits → confirm', async () => {
    const form = await sayCard(coordinator, 'plan 2027');
    expect(cardText(form)).toContain('Sidosryhmätapaamiset 2027');
    expect(cardText(form)).toContain('Toimisto: Uudenmaan aluetoimisto');
    const defaults = inputsOf(form);
    expect(defaults).toMatchObject({ count: '4', weekday: '2', time: '13:00', durationMinutes: '120' });
    expect(defaults).not.toHaveProperty('officeId');

    // Missing theme, three sub-themes for four meetings: the form again, in Finnish, values kept.
    const invalid = await press(coordinator, form, 'plan.preview', { ...validPlan, theme: '', subThemes: 'A\nB\nC' });
    expect(invalid.type).toBe('application/vnd.microsoft.card.adaptive');
    const invalidText = cardText(invalid.value);
    expect(invalidText).toContain('Vuoden teema: pakollinen tieto.');
    expect(invalidText).toContain('Tapaamisten määrä: 4 tapaamista mutta 3 alateemaa; anna yksi alateema tapaamista kohden.');
    expect(inputsOf(invalid.value)).toMatchObject({ subThemes: 'A\nB\nC', place: validPlan.place, count: '4' });
    expect(await h.records.years()).not.toContain(2027);

    // A coordinator cannot plan for another office by adding officeId to the submission.
    const valid = await press(coordinator, invalid.value, 'plan.preview', { ...validPlan, officeId: 'pohjanmaa' });
    preview = valid.value;
    const previewText = cardText(preview);
    expect(previewText).toContain('Ehdotetut päivät vuodelle 2027');
    expect(previewText).toContain('Uudenmaan aluetoimisto');
    expect(previewText).toContain('joka tiistai klo 13.00');
    const dates = [0, 1, 2, 3].map((n) => inputsOf(preview)[`date_${n}`]);
    for (const date of dates) {
      expect(DateTime.fromISO(date, { zone: ZONE }).weekday).toBe(2);
      expect(validateMeetingDate(date, 2027)).toBeNull();
    }
    expect(new Set(dates).size).toBe(4);
    expect(previewText).toContain(`ti ${DateTime.fromISO(dates[0]).toFormat('d.M.yyyy')} klo 13.00`);
    expect(inputsOf(preview).subTheme_3).toBe('Vuokrasaatavat');
    expect(await h.records.years()).not.toContain(2027);

    // "Back" returns the form with the plan as it travelled in the card data.
    const back = await press(coordinator, preview, 'plan.form');
    expect(inputsOf(back.value)).toMatchObject({ theme: validPlan.theme, subThemes: validPlan.subThemes, segments: validPlan.segments, count: '4' });

    // Independence Day is a holiday: the preview again with the error and the typed values.
    const holiday = await press(coordinator, preview, 'plan.confirm', { date_2: '2027-12-06', subTheme_0: 'Vireilletulo ja ensimmäiset kirjeet' });
    expect(cardText(holiday.value)).toContain('Tapaamisen 3 päivämäärä: on Suomessa yleinen vapaapäivä.');
    expect(inputsOf(holiday.value)).toMatchObject({ date_2: '2027-12-06', subTheme_0: 'Vireilletulo ja ensimmäiset kirjeet' });
    expect(await h.records.years()).not.toContain(2027);

    const confirmed = await press(coordinator, holiday.value, 'plan.confirm', {
      date_1: '2027-06-15',
      date_2: dates[2],
      subTheme_3: 'Vuokrasaatavat ja häädöt',
    });
    const confirmedText = cardText(confirmed.value);
    expect(confirmedText).toContain('Vuoden 2027 suunnitelma on tallennettu');
    expect(confirmedText).toContain('ti 15.6.2027 klo 13.00–15.00');

    const data = await year2027();
    expect(data.plans).toHaveLength(1);
    expect(data.plans[0]).toMatchObject({ officeId: 'uusimaa', year: 2027, theme: validPlan.theme, weekday: 2, time: '13:00', durationMinutes: 120 });
    expect(data.meetings).toHaveLength(4);
    meetingIds = data.meetings.map((m: any) => m.id);
    expect(data.meetings.map((m: any) => m.subTheme)).toEqual([
      'Vireilletulo ja ensimmäiset kirjeet',
      'Maksusuunnitelmat',
      'Palkanulosmittaus',
      'Vuokrasaatavat ja häädöt',
    ]);
    // 13:00 in Helsinki is 11:00Z in winter and 10:00Z in summer.
    expect(data.meetings[0].startsAt).toBe(`${dates[0]}T11:00:00.000Z`);
    expect(data.meetings[1]).toMatchObject({ startsAt: '2027-06-15T10:00:00.000Z', endsAt: '2027-06-15T12:00:00.000Z' });
    expect(data.meetings[3].startsAt).toBe(`${dates[3]}T11:00:00.000Z`);
    for (const m of data.meetings) {
      expect(m).toMatchObject({ officeId: 'uusimaa', status: 'scheduled', sequence: 0, uid: `${m.id}@sidos`, place: validPlan.place });
    }
  });

  it('lists the coming meetings with local times, answers and actions', async () => {
    const list = await sayCard(coordinator, 'meetings');
    const text = cardText(list);
    expect(text).toContain('Tulevat tapaamiset – Uudenmaan aluetoimisto');
    expect(text).toContain('ti 15.6.2027 klo 13.00–15.00');
    expect(text).toContain('Vuokrasaatavat ja häädöt');
    expect(text).toContain('Sidosryhmät: Kunnat, Talous- ja velkaneuvonta');
    expect(text).toContain('0 kutsuttua · tulee 0 · ehkä 0 · ei tule 0 · ei vastannut 0');
    expect(executeActions(list, 'invites.open').map((a) => a.data.meetingId)).toEqual(meetingIds);
    expect(executeActions(list, 'meeting.edit')).toHaveLength(4);
  });

  it('refuses a second plan for the year and a replayed confirm, and offers the saved plan instead', async () => {
    const before = await year2027();
    const exists = await sayCard(coordinator, 'plan 2027');
    expect(cardText(exists)).toContain('Toimistolla Uudenmaan aluetoimisto on jo suunnitelma vuodelle 2027');
    expect(executeActions(exists, 'plan.edit')[0].data).toEqual({ planId: before.plans[0].id });

    const replay = await press(coordinator, preview, 'plan.confirm');
    expect(cardText(replay.value)).toContain('on jo suunnitelma vuodelle 2027');
    expect(await year2027()).toEqual(before);

    // Re-open the plan: a new sub-theme for the second meeting re-sends only that one.
    const editCard = (await press(coordinator, exists, 'plan.edit')).value;
    expect(inputsOf(editCard)).toMatchObject({ theme: validPlan.theme, date_1: '2027-06-15', subTheme_1: 'Maksusuunnitelmat' });
    const blocked = await press(coordinator, editCard, 'plan.update', { date_0: '2027-07-06' });
    expect(cardText(blocked.value)).toContain('Tapaamisen 1 päivämäärä: osuu heinäkuun lomakauteen.');
    expect(await year2027()).toEqual(before);
    const updated = await press(coordinator, editCard, 'plan.update', { subTheme_1: 'Maksusuunnitelmat ja maksuajat' });
    expect(cardText(updated.value)).toContain('Muuttuneita tapaamisia: 1. Niihin ei ole vielä kutsuttu ketään, joten lähetettävää ei ollut.');
    const data = await year2027();
    expect(data.plans).toHaveLength(1);
    expect(data.meetings.map((m: any) => m.sequence)).toEqual([0, 1, 0, 0]);
  });

  it('answers "card is outdated" to plan card data of the wrong type, and changes nothing', async () => {
    const outdated = translator('fi')('error.cardOutdated');
    const form = await sayCard(coordinator, 'plan 2028');
    const before = await year2027();
    const years = await h.records.years();
    const posted = h.connector.posted.length;
    const crafted = [
      // An object where the form has a text input.
      { verb: 'plan.preview', data: { ...submission(form, 'plan.preview', validPlan), theme: { text: validPlan.theme } } },
      // The plan the preview's buttons carry, replaced by a text; a row's input as a list.
      { verb: 'plan.confirm', data: { ...submission(preview, 'plan.confirm'), plan: 'Perintäasian ensimmäiset viikot' } },
      { verb: 'plan.confirm', data: { ...submission(preview, 'plan.confirm'), date_0: ['2027-03-02'] } },
      { verb: 'plan.form', data: { ...submission(preview, 'plan.form'), subTheme_1: { text: 'Maksusuunnitelmat' } } },
      // The ids the saved plan's cards carry.
      { verb: 'plan.edit', data: { planId: [before.plans[0].id] } },
      { verb: 'plan.update', data: { planId: before.plans[0].id, meetingIds: meetingIds.join(','), theme: 'Uusi teema' } },
    ];
    for (const { verb, data } of crafted) {
      expect({ verb, answer: (await h.click(coordinator, verb, data, { locale: 'fi-FI' })).value }).toEqual({ verb, answer: outdated });
    }
    expect(await year2027()).toEqual(before);
    expect(await h.records.years()).toEqual(years);
    expect(h.connector.posted.length).toBe(posted);
  });

  it('edits one meeting’s time: validated in Finnish, then saved with sequence + 1', async () => {
    const list = await sayCard(coordinator, 'meetings');
    const form = (await press(coordinator, list, 'meeting.edit', {}, 'fi-FI', 0)).value;
    expect(inputsOf(form)).toMatchObject({ time: '13:00', subTheme: 'Vireilletulo ja ensimmäiset kirjeet' });

    const before = await year2027();
    const wrong = await press(coordinator, form, 'meeting.save', { time: '1330' });
    expect(cardText(wrong.value)).toContain('Alkamisaika: anna aika muodossa HH:mm, esim. 13:00.');
    expect(await year2027()).toEqual(before);

    const saved = await press(coordinator, form, 'meeting.save', { time: '09:30' });
    expect(cardText(saved.value)).toContain('"Vireilletulo ja ensimmäiset kirjeet" on päivitetty. Ketään ei ole vielä kutsuttu, joten lähetettävää ei ollut.');
    const meeting = (await year2027()).meetings[0];
    expect(meeting).toMatchObject({ sequence: 1, startsAt: `${inputsOf(form).date}T07:30:00.000Z` });
    expect(cardText(saved.value)).toContain('klo 09.30–11.30');
  });

  it('cancels a meeting only after an explicit confirmation; "keep" changes nothing', async () => {
    const list = await sayCard(coordinator, 'meetings');
    const ask = (await press(coordinator, list, 'meeting.cancel', {}, 'fi-FI', 2)).value;
    expect(cardText(ask)).toContain('Haluatko varmasti perua tämän tapaamisen?');
    expect(cardText(ask)).toContain('Palkanulosmittaus');

    const before = await year2027();
    const kept = await press(coordinator, ask, 'meetings.list');
    expect(executeActions(kept.value, 'meeting.edit')).toHaveLength(4);
    expect(await year2027()).toEqual(before);

    const done = await press(coordinator, ask, 'meeting.cancel.confirm');
    expect(cardText(done.value)).toContain('"Palkanulosmittaus" on peruttu. Kenellekään ei ollut lähetetty kutsua, joten lähetettävää ei ollut.');
    expect(executeActions(done.value, 'meeting.edit').map((a) => a.data.meetingId)).toEqual([meetingIds[0], meetingIds[1], meetingIds[3]]);
    expect((await year2027()).meetings[2]).toMatchObject({ status: 'cancelled', sequence: 1 });
    expect(cardText(await sayCard(coordinator, 'meetings'))).not.toContain('Palkanulosmittaus');

    // The confirmation clicked again: told it was already cancelled, nothing changes.
    const cancelled = await year2027();
    const replay = await press(coordinator, ask, 'meeting.cancel.confirm');
    expect(cardText(replay.value)).toContain('"Palkanulosmittaus" oli jo peruttu; mitään ei lähetetty uudelleen.');
    expect(cardText(replay.value)).not.toContain('on peruttu');
    expect(await year2027()).toEqual(cancelled);
  });

  it('lists the saved plan’s meetings by date, not in the order they were entered or edited', async () => {
    const meetingDays = (card: Card) => (card.body as Card[]).find((b) => b.type === 'FactSet')!.facts.map((f: Card) => f.title.split(' ')[1]);
    const form = await sayCard(coordinator, 'plan 2028');
    const preview2028 = (await press(coordinator, form, 'plan.preview', validPlan)).value;
    const entered = { date_0: '2028-11-14', date_1: '2028-02-15', date_2: '2028-09-12', date_3: '2028-05-16' };
    const saved = (await press(coordinator, preview2028, 'plan.confirm', entered)).value;
    expect(meetingDays(saved)).toEqual(['15.2.2028', '16.5.2028', '12.9.2028', '14.11.2028']);

    const planId = (await h.records.inYear('plans', 2028))[0].id;
    const editCard = (await h.click(coordinator, 'plan.edit', { planId }, { locale: 'fi-FI' })).value;
    expect(inputsOf(editCard).date_0).toBe('2028-02-15');
    const updated = (await press(coordinator, editCard, 'plan.update', { date_0: '2028-12-12' })).value;
    expect(meetingDays(updated)).toEqual(['16.5.2028', '12.9.2028', '14.11.2028', '12.12.2028']);
  });

  it('politely refuses a partner, and nothing changes', async () => {
    const before = await year2027();
    const [reply] = await h.say(partner, 'plan 2027', { locale: 'fi-FI' });
    expect(reply.activity.text).toBe('Valitettavasti tämä on vain rooleille: koordinaattori, ylläpitäjä. Mitään ei muutettu.');
    const crafted = await h.click(partner, 'meeting.cancel.confirm', { meetingId: meetingIds[0] }, { locale: 'fi-FI' });
    expect(crafted.value).toContain('Valitettavasti tämä on vain rooleille');
    const list = await sayCard(partner, 'meetings');
    expect(cardText(list)).toContain('Sinulla ei ole kutsuja tuleviin tapaamisiin.');
    expect(await year2027()).toEqual(before);
  });

  it('answers the Swedish coordinator in Swedish and keeps them out of another office’s meetings', async () => {
    const form = await sayCard(swedishCoordinator, 'plan 2027', 'sv-SE');
    expect(cardText(form)).toContain('Intressentmöten 2027');
    expect(cardText(form)).toContain('Kontor: Österbottens regionkontor');
    const invalid = await press(swedishCoordinator, form, 'plan.preview', { ...validPlan, onlineUrl: 'http://teams.example/x' }, 'sv-SE');
    expect(cardText(invalid.value)).toContain('Länk till onlinemötet:');

    const before = await year2027();
    const save = await h.click(
      swedishCoordinator,
      'meeting.save',
      { meetingId: meetingIds[0], date: '2027-03-02', time: '10:00', subTheme: 'Kapad', place: 'Vasa' },
      { locale: 'sv-SE' },
    );
    expect(save.value).toBe('Tyvärr hör det till ett annat kontor; du kan bara ändra ditt eget kontors planer och möten. Ingenting ändrades.');
    const cancel = await h.click(swedishCoordinator, 'meeting.cancel.confirm', { meetingId: meetingIds[1] }, { locale: 'sv-SE' });
    expect(cancel.value).toContain('ett annat kontor');
    const reopen = await h.click(swedishCoordinator, 'plan.edit', { planId: before.plans[0].id }, { locale: 'sv-SE' });
    expect(reopen.value).toContain('ett annat kontor');
    expect(await year2027()).toEqual(before);

    expect(cardText(await sayCard(swedishCoordinator, 'meetings', 'sv-SE'))).toContain('Det finns inga kommande möten.');
  });

  it('says when fewer dates fit than asked and leaves the rest for the coordinator to choose', async () => {
    clock.set('2027-12-01T10:00:00Z');
    try {
      const form = await sayCard(swedishCoordinator, 'plan 2027', 'sv-SE');
      const five = { ...validPlan, count: '5', subThemes: 'A\nB\nC\nD\nE' };
      const short = (await press(swedishCoordinator, form, 'plan.preview', five, 'sv-SE')).value;
      expect(cardText(short)).toContain('Under resten av 2027 ryms bara 3 av 5 möten på den veckodagen.');
      expect(inputsOf(short)).toMatchObject({ date_0: '2027-12-07', date_1: '2027-12-14', date_2: '2027-12-21', date_3: '', date_4: '' });
      const missing = await press(swedishCoordinator, short, 'plan.confirm', {}, 'sv-SE');
      expect(cardText(missing.value)).toContain('Datum för möte 4:');
      expect((await year2027()).plans.map((p: any) => p.officeId)).toEqual(['uusimaa']);
    } finally {
      clock.set('2026-12-01T10:00:00Z');
    }
  });

  it('lets an admin pick the office, and shows every office’s meetings to the admin', async () => {
    const form = await sayCard(admin, 'plan 2027', 'en-GB');
    expect(inputsOf(form).officeId).toBe('uusimaa');
    const previewCard = (await press(admin, form, 'plan.preview', { ...validPlan, officeId: 'pohjanmaa', weekday: '3' }, 'en-GB')).value;
    expect(cardText(previewCard)).toContain('Ostrobothnia regional office');
    expect(cardText(previewCard)).toContain('Wednesdays at 13:00');
    await press(admin, previewCard, 'plan.confirm', {}, 'en-GB');

    const data = await year2027();
    expect(data.plans.map((p: any) => p.officeId)).toEqual(['uusimaa', 'pohjanmaa']);
    const list = cardText(await sayCard(admin, 'meetings', 'en-GB'));
    expect(list).toContain('Coming meetings of all offices');
    expect(list).toContain('Office: Ostrobothnia regional office');
    expect(list).toContain('Office: Uusimaa regional office');
    expect(cardText(await sayCard(swedishCoordinator, 'meetings', 'sv-SE'))).toContain('ons ');
  });
});
