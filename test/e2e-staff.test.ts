// Staff roles managed in Teams over HTTP: an admin adds a coordinator by
// e-mail and a national user by picking them, changes and removes roles, and
// each person's next message sees the new role; every refused case changes
// nothing on disk.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../bot/i18n.js';
import { pendingRoleNotice } from '../bot/services/staff.js';
import { executeActions, inputElements, submission } from './harness/card-inputs.js';
import { cardOf } from './harness/connector.js';
import { admin, coordinator, type TestUser } from './harness/people.js';
import { cardText, Harness } from './harness/sidos-harness.js';
import { sharedRecords } from './harness/read-records.js';

const liisa: TestUser = { id: '29:user-7', aadObjectId: '00000000-0000-4000-8000-000000000007', name: 'Liisa Laine', email: 'liisa@office.example.fi' };
const olli: TestUser = { id: '29:user-8', aadObjectId: '00000000-0000-4000-8000-000000000008', name: 'Olle Öberg', email: 'olle@office.example.fi' };

const NOT_ALLOWED_LIISA = 'Valitettavasti tämä on vain rooleille: koordinaattori, ylläpitäjä. Mitään ei muutettu.';

describe('staff roles in Teams', () => {
  let h: Harness;

  const shared = async () => {
    const d = await sharedRecords(h.records);
    // Role assignments as the staff list keys them, without the store's id.
    return { ...d, roleAssignments: d.roleAssignments.map(({ id: _id, ...assignment }) => assignment) };
  };
  /** What a refusal must leave as it was: the roles, the trail and the notices. */
  const rolesState = async () => {
    const d = await shared();
    return { roles: d.roleAssignments, audit: d.audit, jobState: d.jobState };
  };
  const staffList = async () => cardOf((await h.say(admin, 'staff'))[0])!;
  /** The Change or Remove button of the person with this key on the staff card. */
  const buttonFor = (card: any, verb: string, key: string) => {
    const index = executeActions(card, verb).findIndex((a) => a.data.key === key);
    if (index < 0) throw new Error(`no ${verb} button for ${key}`);
    return submission(card, verb, {}, index);
  };
  const addForm = async () => (await h.click(admin, 'staff.add', {})).value;
  const add = async (typed: Record<string, string>) => {
    const form = await addForm();
    return (await h.click(admin, 'staff.save', submission(form, 'staff.save', typed))).value;
  };

  beforeAll(async () => {
    h = await Harness.start();
    for (const person of [admin, liisa, olli]) h.connector.members.set(person.id, { id: person.id, aadObjectId: person.aadObjectId, email: person.email, name: person.name });
  });
  afterAll(async () => {
    await h.stop();
  });

  it('lists staff by office; configured people are marked and cannot be changed; admins only, in a personal chat', async () => {
    const card = await staffList();
    const text = cardText(card);
    expect(text).toContain('Henkilöstön roolit');
    expect(text).toContain('Uudenmaan aluetoimisto');
    expect(text).toContain('asetustiedostosta');
    expect(executeActions(card, 'staff.edit')).toEqual([]);
    expect(executeActions(card, 'staff.remove')).toEqual([]);
    expect(executeActions(card, 'staff.add')).toHaveLength(1);
    // Nobody but the admin has a chat with Sidos yet: the picker would have no choice, so only the e-mail field is offered.
    const form = await addForm();
    expect([...inputElements(form).keys()]).toEqual(['email', 'role', 'office']);

    const [inChannel] = await h.say(admin, 'staff', { where: { kind: 'channel', teamId: 't1', channelId: '19:c1@thread.tacv2' } });
    expect(inChannel.activity.text).toContain('henkilötietoja');
    const [refused] = await h.say(coordinator, 'staff');
    expect(refused.activity.text).toBe('Valitettavasti tämä on vain rooleille: ylläpitäjä. Mitään ei muutettu.');
    const crafted = await h.click(coordinator, 'staff.save', { email: liisa.email, role: 'admin', office: 'uusimaa' });
    expect(crafted.value).toBe('Valitettavasti tämä on vain rooleille: ylläpitäjä. Mitään ei muutettu.');
    expect((await shared()).roleAssignments).toEqual([]);
  });

  it('adds a coordinator by e-mail; her next message is told the role and sees coordinator commands', async () => {
    const [before] = await h.say(liisa, 'partners');
    expect(before.activity.text).toBe(NOT_ALLOWED_LIISA);

    const form = await addForm();
    expect(inputElements(form).get('email')).toMatchObject({ type: 'Input.Text', style: 'Email' });
    const saved = await h.click(admin, 'staff.save', submission(form, 'staff.save', { person: '', email: ' Liisa@Office.example.fi ', role: 'coordinator', office: 'uusimaa' }));
    expect(cardText(saved.value)).toContain('Henkilöllä liisa@office.example.fi on nyt henkilöstön rooli. Hänelle kerrotaan, kun hän seuraavan kerran kirjoittaa Sidosille.');
    const d = await shared();
    expect(d.roleAssignments).toEqual([{ email: 'liisa@office.example.fi', role: 'coordinator', office: 'uusimaa' }]);
    expect(executeActions(saved.value, 'staff.edit').map((a) => a.data)).toEqual([{ key: 'liisa@office.example.fi', shownRole: 'coordinator', shownOffice: 'uusimaa' }]);

    const replies = await h.say(liisa, 'partners', { locale: 'sv-SE' });
    expect(replies[0].activity.text).toBe('Din roll i Sidos är nu: koordinator, Nylands regionkontor. Skriv "help" för att se vad du kan göra.');
    expect(cardText(cardOf(replies[1]))).toContain('Nylands regionkontor');
    expect(replies).toHaveLength(2);
    // Told once: the next message has no notice.
    const again = await h.say(liisa, 'help', { locale: 'sv-SE' });
    expect(again).toHaveLength(1);
    expect(cardText(cardOf(again[0]))).toContain('koordinator');
  });

  it('adds a national user picked in Teams (an Entra object id) and tells them at once in their chat', async () => {
    await h.say(olli, 'help');
    const form = await addForm();
    const picker = inputElements(form).get('person');
    expect(picker['choices.data']).toEqual({ type: 'Data.Query', dataset: 'graph.microsoft.com/users' });
    expect(picker.choices).toEqual(expect.arrayContaining([{ title: olli.name, value: olli.aadObjectId }]));

    const from = h.connector.posted.length;
    const saved = await h.click(admin, 'staff.save', submission(form, 'staff.save', { person: olli.aadObjectId, email: '', role: 'national', office: '' }));
    expect(cardText(saved.value)).toContain(`Henkilöllä ${olli.name} on nyt henkilöstön rooli. Hänelle kerrottiin Teamsissa.`);
    const told = h.connector.messages(from).filter((p) => p.conversationId === `a:personal-${olli.aadObjectId}`);
    expect(told.map((p) => p.activity.text)).toEqual(['Roolisi Sidosissa on nyt: valtakunnallinen johto. Kirjoita "help" nähdäksesi, mitä voit tehdä.']);
    expect((await shared()).roleAssignments).toContainEqual({ aadObjectId: olli.aadObjectId, role: 'national' });
    expect((await shared()).audit.at(-1)?.target).toEqual({ aadObjectId: olli.aadObjectId, name: olli.name });
    expect(await pendingRoleNotice(h.records, olli)).toBeNull();

    const [digest] = await h.say(olli, 'digest');
    expect(digest.activity.text ?? '').not.toContain('Valitettavasti');
    expect(cardOf(digest)).toBeDefined();
  });

  it('refuses bad input with a clear message and changes nothing', async () => {
    const before = await rolesState();
    const cases: [Record<string, string>, string][] = [
      [{ email: 'liisa.office.example.fi', role: 'coordinator', office: 'uusimaa' }, 'Sähköposti: sähköpostiosoite ei kelpaa.'],
      [{ email: '', role: 'coordinator', office: 'uusimaa' }, 'Sähköposti: pakollinen tieto.'],
      [{ email: 'new@office.example.fi', role: 'superuser', office: 'uusimaa' }, 'Rooli: "superuser" ei ole rooli'],
      [{ email: 'new@office.example.fi', role: 'coordinator', office: 'lappi' }, 'Toimisto: ei ole mikään toimistoista.'],
      [{ email: 'new@office.example.fi', role: 'coordinator', office: '' }, 'Toimisto: koordinaattorilla pitää olla toimisto.'],
      [{ person: 'not-a-guid', email: '', role: 'national', office: '' }, 'Henkilö:'],
    ];
    for (const [typed, message] of cases) {
      const card = await add(typed);
      expect(cardText(card), JSON.stringify(typed)).toContain(message);
      expect(executeActions(card, 'staff.save')).toHaveLength(1);
    }
    expect(await rolesState()).toEqual(before);
  });

  it('answers "card is outdated" to a crafted payload whose field has the wrong type, and changes nothing', async () => {
    const before = await shared();
    const posted = h.connector.posted.length;
    const shown = { key: liisa.email, shownRole: 'coordinator', shownOffice: 'uusimaa' };
    const addForm = { key: '', shownRole: '', shownOffice: '', person: '', email: 'new@office.example.fi', role: 'coordinator', office: 'uusimaa' };
    const crafted: [string, Record<string, unknown>][] = [
      ['staff.edit', { ...shown, key: [liisa.email] }],
      ['staff.remove', { ...shown, shownRole: { $ne: '' } }],
      ['staff.remove.confirm', { ...shown, key: { email: liisa.email } }],
      ['staff.remove.confirm', { ...shown, shownOffice: ['uusimaa'] }],
      ['staff.remove.confirm', { ...shown, key: '' }],
      ['staff.save', { ...shown, key: { $gt: '' }, role: 'admin', office: '' }],
      // A form input that is an object or a list is not something Teams sends: not "Role: required".
      ['staff.save', { ...addForm, role: ['admin'] }],
      ['staff.save', { ...addForm, email: { address: 'new@office.example.fi' } }],
    ];
    for (const [verb, data] of crafted) {
      expect({ verb, data, answer: (await h.click(admin, verb, data)).value }).toEqual({ verb, data, answer: translator('fi')('error.cardOutdated') });
    }
    expect(await shared()).toEqual(before);
    expect(h.connector.posted.length).toBe(posted);
  });

  it('refuses the rules: own role, a configured person, someone already on staff, a stale card', async () => {
    const before = await rolesState();
    const refusals: [Record<string, string>, string][] = [
      [{ email: admin.email, role: 'national', office: '' }, 'Omaa rooliaan ei voi muuttaa'],
      [{ person: coordinator.aadObjectId, email: '', role: 'admin', office: '' }, 'asetustiedostosta, ja sitä voi muuttaa vain siellä'],
      [{ email: liisa.email, role: 'admin', office: '' }, 'Tällä henkilöllä on jo henkilöstön rooli'],
    ];
    for (const [typed, message] of refusals) expect(cardText(await add(typed)), JSON.stringify(typed)).toContain(message);

    // A configured person's key on a crafted button, and a button showing a role the person no longer has.
    const configured = await h.click(admin, 'staff.remove.confirm', { key: coordinator.aadObjectId, shownRole: 'coordinator', shownOffice: 'uusimaa' });
    expect(cardText(configured.value)).toContain('asetustiedostosta');
    // Saving a change is refused the same way: the staff service's answer, not a second check in the card handler.
    const configuredSave = await h.click(admin, 'staff.save', { key: coordinator.aadObjectId, shownRole: 'coordinator', shownOffice: 'uusimaa', role: 'admin', office: '' });
    expect(cardText(configuredSave.value)).toContain('Tämän henkilön rooli tulee asetustiedostosta, ja sitä voi muuttaa vain siellä.');
    const stale = await h.click(admin, 'staff.remove.confirm', { key: liisa.email, shownRole: 'admin', shownOffice: '' });
    expect(cardText(stale.value)).toContain('Kortti oli vanhentunut');
    const staleEdit = await h.click(admin, 'staff.save', { key: liisa.email, shownRole: 'national', shownOffice: '', role: 'admin', office: '' });
    expect(cardText(staleEdit.value)).toContain('Kortti oli vanhentunut');
    expect(await rolesState()).toEqual(before);
  });

  it('an admin given in Teams cannot change their own role either', async () => {
    const card = await staffList();
    const promoted = await h.click(admin, 'staff.save', { ...buttonFor(card, 'staff.edit', olli.aadObjectId), role: 'admin', office: '' });
    expect(cardText(promoted.value)).toContain('Henkilön Olle Öberg roolia muutettiin.');
    const before = await rolesState();
    const [own] = await h.say(olli, 'staff');
    const self = await h.click(olli, 'staff.save', { ...buttonFor(cardOf(own)!, 'staff.edit', olli.aadObjectId), role: 'national', office: '' });
    expect(cardText(self.value)).toContain('Omaa rooliaan ei voi muuttaa');
    const selfRemove = await h.click(olli, 'staff.remove.confirm', buttonFor(cardOf(own)!, 'staff.remove', olli.aadObjectId));
    expect(cardText(selfRemove.value)).toContain('Omaa rooliaan ei voi muuttaa');
    expect(await rolesState()).toEqual(before);
  });

  it('changes the office of the coordinator; her next message works in the new office', async () => {
    const card = await staffList();
    const form = (await h.click(admin, 'staff.edit', buttonFor(card, 'staff.edit', liisa.email))).value;
    expect(cardText(form)).toContain('Muuta henkilön liisa@office.example.fi roolia');
    expect(inputElements(form).has('email')).toBe(false);
    const saved = await h.click(admin, 'staff.save', submission(form, 'staff.save', { office: 'pohjanmaa' }));
    expect(cardText(saved.value)).toContain('Henkilön liisa@office.example.fi roolia muutettiin.');
    expect((await shared()).roleAssignments).toContainEqual({ email: liisa.email, role: 'coordinator', office: 'pohjanmaa' });
    const replies = await h.say(liisa, 'help', { locale: 'en-GB' });
    expect(replies[0].activity.text).toContain('Your role in Sidos is now: coordinator, Ostrobothnia regional office.');
    expect(cardText(cardOf(replies[1]))).toContain('coordinator, Ostrobothnia regional office');
  });

  it('removes a role only after a confirmation; her next message no longer sees coordinator commands', async () => {
    const card = await staffList();
    const ask = (await h.click(admin, 'staff.remove', buttonFor(card, 'staff.remove', liisa.email))).value;
    expect(cardText(ask)).toContain('Poistetaanko henkilöstön rooli?');
    expect((await shared()).roleAssignments.some((r: any) => r.email === liisa.email)).toBe(true);

    const done = await h.click(admin, 'staff.remove.confirm', submission(ask, 'staff.remove.confirm'));
    expect(cardText(done.value)).toContain('Henkilöllä liisa@office.example.fi ei enää ole henkilöstön roolia.');
    expect((await shared()).roleAssignments.some((r: any) => r.email === liisa.email)).toBe(false);
    // Pressing the confirmation again finds nothing to remove.
    const before = await rolesState();
    const twice = await h.click(admin, 'staff.remove.confirm', submission(ask, 'staff.remove.confirm'));
    expect(cardText(twice.value)).toContain('Kortti oli vanhentunut');
    expect(await rolesState()).toEqual(before);

    const replies = await h.say(liisa, 'partners');
    expect(replies.map((r) => r.activity.text)).toEqual(['Sinulla ei enää ole henkilöstön roolia Sidosissa.', NOT_ALLOWED_LIISA]);
  });

  it('writes one audit entry per change, naming who did it and to whom', async () => {
    const audit = (await shared()).audit;
    expect(audit.map((e: any) => e.action)).toEqual(['role.add', 'role.add', 'role.change', 'role.change', 'role.remove']);
    expect(audit[0]).toMatchObject({
      actor: { email: admin.email, aadObjectId: admin.aadObjectId, name: admin.name, role: 'admin' },
      target: { email: liisa.email },
      details: { role: 'coordinator', office: 'uusimaa' },
    });
    expect(audit[3]).toMatchObject({ target: { email: liisa.email }, details: { role: 'coordinator', office: 'pohjanmaa', previousRole: 'coordinator', previousOffice: 'uusimaa' } });
    expect(audit[4]).toMatchObject({ target: { email: liisa.email }, details: { previousRole: 'coordinator', previousOffice: 'pohjanmaa' } });
  });
});
