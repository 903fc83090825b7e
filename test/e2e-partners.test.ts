// The partner register over HTTP: cards, CSV import (pasted and as a file),
// office boundaries, refusals, and a partner linked by e-mail.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CARD_BUDGET_BYTES, cardBytes } from '../bot/cards.js';
import { PARTNER_CSV_ERROR_CODES } from '../bot/domain/partner-csv.js';
import { PARTNER_INPUT_ERROR_CODES } from '../bot/domain/partner-input.js';
import { LOCALES } from '../bot/domain/types.js';
import { loadLocaleStrings, translator } from '../bot/i18n.js';
import { removedPartner } from '../bot/services/partner-undo.js';
import { PARTNER_ERROR_CODES } from '../bot/services/partners.js';
import { FILE_DOWNLOAD_INFO } from '../bot/teams/file-download.js';
import { LIST_LIMIT } from '../bot/teams/partners.js';
import { message } from './harness/activities.js';
import { executeActions, inputElements } from './harness/card-inputs.js';
import { cardOf } from './harness/connector.js';
import { admin, coordinator, partner, swedishCoordinator, type TestUser } from './harness/people.js';
import { cardText, Harness } from './harness/sidos-harness.js';
import { sharedRecords } from './harness/read-records.js';

const NOT_ALLOWED_FI = 'Valitettavasti tämä on vain rooleille: koordinaattori, ylläpitäjä. Mitään ei muutettu.';

/** The input of a card with this id. */
const input = (card: any, id: string): any => inputElements(card).get(id);

/** The Action.Execute buttons of a card, as { verb, title, data }. */
const actions = (card: any): { verb: string; title: string; data: any }[] =>
  executeActions(card).map(({ verb, title, data }) => ({ verb, title, data }));

const liisaForm = {
  partnerId: '',
  name: 'Liisa Laine',
  organisation: 'Espoon kaupunki',
  email: 'Liisa.Laine@Espoo.fi',
  segment: 'municipalities',
  locale: 'fi',
  aadObjectId: '',
};

describe('partner register in Teams', () => {
  let h: Harness;
  let files: Server;
  let filesUrl = '';
  const served = new Map<string, Buffer>();
  const fileHits: string[] = [];

  const shared = () => sharedRecords(h.records);
  const partnersOnDisk = async (): Promise<any[]> => (await shared()).partners;
  const byEmail = async (email: string) => (await partnersOnDisk()).find((p) => p.email === email);

  /** Sends a file in the personal chat as Teams does; returns the bot's replies. */
  async function sendFile(user: TestUser, name: string, fileType: string, path: string, host = filesUrl) {
    const from = h.connector.posted.length;
    const activity = message(h.serviceUrl, user, '', {});
    const downloadUrl = `${host}${path}`;
    activity.attachments = [{ contentType: FILE_DOWNLOAD_INFO, contentUrl: downloadUrl, name, content: { downloadUrl, uniqueId: 'f1', fileType } }];
    const res = await h.post(activity);
    expect(res.status).toBe(200);
    return h.connector.messages(from);
  }

  beforeAll(async () => {
    h = await Harness.start();
    h.connector.members.set(admin.id, { id: admin.id, aadObjectId: admin.aadObjectId, email: admin.email, name: admin.name });
    files = createServer((req, res) => {
      fileHits.push(req.url ?? '');
      const body = served.get(req.url ?? '');
      // Separate calls: restify, loaded in this process, patches writeHead to return nothing.
      res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/octet-stream' });
      res.end(body);
    });
    await new Promise<void>((resolve) => files.listen(0, '127.0.0.1', resolve));
    filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await h.stop();
    await new Promise<void>((resolve) => files.close(() => resolve()));
  });

  it('adds a partner through the form; a bad submission shows errors in Finnish and saves nothing', async () => {
    const [listed] = await h.say(coordinator, 'partners');
    const empty = cardOf(listed);
    expect(cardText(empty)).toContain('Kumppanirekisteri – Uudenmaan aluetoimisto');
    expect(cardText(empty)).toContain('Rekisterissä ei ole vielä kumppaneita.');
    expect(actions(empty).map((a) => a.verb)).toContain('partner.add');

    const form = (await h.click(coordinator, 'partner.add', {})).value;
    expect(cardText(form)).toContain('Uusi kumppani');
    expect(input(form, 'aadObjectId').label).toBe('Teams-/Entra ID -objektitunnus (valinnainen)');
    expect(input(form, 'officeId')).toBeUndefined(); // a coordinator's office is fixed
    expect(cardText(form)).toContain('Toimisto: Uudenmaan aluetoimisto');

    const bad = (await h.click(coordinator, 'partner.save', { ...liisaForm, email: 'liisa@espoo', segment: 'kunnat' })).value;
    const badText = cardText(bad);
    expect(badText).toContain('Tarkista nämä kohdat – mitään ei tallennettu:');
    expect(badText).toContain('Sähköposti: sähköpostiosoite ei kelpaa.');
    expect(badText).toContain('Segmentti: "kunnat" ei ole mikään segmenteistä.');
    expect(input(bad, 'name').value).toBe('Liisa Laine');
    expect(input(bad, 'email').value).toBe('liisa@espoo');
    expect(await partnersOnDisk()).toEqual([]);

    const saved = (await h.click(coordinator, 'partner.save', liisaForm)).value;
    expect(cardText(saved)).toContain('Tallennettu: Liisa Laine, Espoon kaupunki.');
    expect(cardText(saved)).toContain('Kunnat (1)');
    expect(cardText(saved)).toContain('Espoon kaupunki – Liisa Laine');
    expect(cardText(saved)).toContain('liisa.laine@espoo.fi · suomi · ei vielä Teamsissa');
    expect(await partnersOnDisk()).toEqual([
      expect.objectContaining({ name: 'Liisa Laine', email: 'liisa.laine@espoo.fi', segment: 'municipalities', officeId: 'uusimaa', locale: 'fi' }),
    ]);
  });

  it('edits a partner, and refuses an e-mail another partner has', async () => {
    const liisa = await byEmail('liisa.laine@espoo.fi');
    const form = (await h.click(coordinator, 'partner.edit', { partnerId: liisa.id })).value;
    expect(cardText(form)).toContain('Muokkaa kumppania');
    expect(input(form, 'organisation').value).toBe('Espoon kaupunki');
    expect(input(form, 'segment').value).toBe('municipalities');

    const edited = (
      await h.click(coordinator, 'partner.save', { ...liisaForm, partnerId: liisa.id, organisation: 'Espoon sosiaalitoimi', locale: 'sv' })
    ).value;
    expect(cardText(edited)).toContain('Espoon sosiaalitoimi – Liisa Laine');
    expect(cardText(edited)).toContain('· ruotsi ·');
    expect(await byEmail('liisa.laine@espoo.fi')).toMatchObject({ id: liisa.id, organisation: 'Espoon sosiaalitoimi', locale: 'sv', createdAt: liisa.createdAt });

    const clash = (await h.click(coordinator, 'partner.save', { ...liisaForm, name: 'Toinen Liisa' })).value;
    expect(cardText(clash)).toContain('Sähköposti: toisella kumppanilla on jo tämä sähköpostiosoite.');
    expect(await partnersOnDisk()).toHaveLength(1);
  });

  it('lists partners grouped by segment, or one segment', async () => {
    await h.click(coordinator, 'partner.save', {
      ...liisaForm,
      name: 'Anna Nieminen',
      organisation: 'Perintä Oy',
      email: 'anna@perinta.example.fi',
      segment: 'collection-agencies',
      locale: 'en',
    });
    const all = cardText(cardOf((await h.say(coordinator, 'partners'))[0]));
    expect(all.indexOf('Kunnat (1)')).toBeGreaterThan(-1);
    expect(all.indexOf('Perintätoimistot (1)')).toBeGreaterThan(all.indexOf('Kunnat (1)')); // configured order

    const one = cardOf((await h.say(coordinator, 'partners collection-agencies'))[0]);
    expect(cardText(one)).toContain('Perintä Oy – Anna Nieminen');
    expect(cardText(one)).not.toContain('Liisa Laine');
    expect(actions(one).find((a) => a.title === 'Kaikki segmentit')?.verb).toBe('partner.list');

    const clicked = (await h.click(coordinator, 'partner.list', { segment: 'municipalities' })).value;
    expect(cardText(clicked)).toContain('Liisa Laine');
    expect(cardText(clicked)).not.toContain('Anna Nieminen');

    const unknown = cardText(cardOf((await h.say(coordinator, 'partners kirjastot'))[0]));
    expect(unknown).toContain('Segmenttiä "kirjastot" ei ole.');
    expect(unknown).toContain('Anna Nieminen');
  });

  it('removes a partner only after confirmation, and the removal can be undone once', async () => {
    const anna = await byEmail('anna@perinta.example.fi');
    const confirm = (await h.click(coordinator, 'partner.remove', { partnerId: anna.id })).value;
    expect(cardText(confirm)).toContain('Poistetaanko Anna Nieminen (Perintä Oy) rekisteristä?');
    expect(await byEmail('anna@perinta.example.fi')).toBeDefined();

    const removed = (await h.click(coordinator, 'partner.remove.confirm', { partnerId: anna.id })).value;
    expect(cardText(removed)).toContain('Anna Nieminen (Perintä Oy) poistettiin rekisteristä.');
    expect(actions(removed)).toContainEqual({ verb: 'partner.restore', title: 'Kumoa poisto', data: { partnerId: anna.id } });
    expect(await byEmail('anna@perinta.example.fi')).toBeUndefined();

    // Another office cannot undo it.
    expect((await h.click(swedishCoordinator, 'partner.restore', { partnerId: anna.id }, { locale: 'sv-SE' })).value).toContain(
      'Den här partnern hör till ett annat kontors register.',
    );
    expect(await byEmail('anna@perinta.example.fi')).toBeUndefined();

    // Partner data sent back in a card is not used: the server's copy is restored.
    const restored = (await h.click(coordinator, 'partner.restore', { partnerId: anna.id, name: 'Forged', officeId: 'pohjanmaa' })).value;
    expect(cardText(restored)).toContain('Anna Nieminen (Perintä Oy) palautettiin rekisteriin.');
    expect(await byEmail('anna@perinta.example.fi')).toEqual(anna);
    // The undo is used up (the kept copy is marked undone; retention drops it).
    expect(await removedPartner(h.records, anna.id, new Date())).toBeUndefined();

    const again = await h.click(coordinator, 'partner.restore', { partnerId: anna.id });
    expect(again.value).toContain('Tätä poistoa ei voi enää kumota');
    expect((await partnersOnDisk()).filter((p) => p.email === 'anna@perinta.example.fi')).toHaveLength(1);
  });

  it('imports pasted CSV with Finnish headers and ";", reporting each row; only accepted rows change the register', async () => {
    const importCard = cardOf((await h.say(coordinator, 'import'))[0]);
    expect(cardText(importCard)).toContain('Tuo kumppanit CSV:stä');
    expect(cardText(importCard)).toContain('municipalities');
    expect(input(importCard, 'csv').isMultiline).toBe(true);

    const before = await byEmail('liisa.laine@espoo.fi');
    const csv = [
      'Nimi;Organisaatio;Segmentti;Sähköposti;Kieli',
      'Matti Meikäläinen;Vantaan kaupunki;municipalities;matti@vantaa.fi;fi',
      'Kalle Korhonen;Takuusäätiö;debt-counsellors;kalle@takuusaatio.fi;',
      'Liisa Laine;Espoon kaupunki;municipalities;LIISA.LAINE@espoo.fi;',
      'Pekka Virhe;Kunta;municipalities;pekka@@kunta;fi',
      'Sari Segmentti;Kirjasto;kirjastot;sari@kirjasto.fi;fi',
      'Matti Toinen;Vantaan kaupunki;municipalities;Matti@Vantaa.fi;sv',
    ].join('\n');
    const report = (await h.click(coordinator, 'partners.import', { csv })).value;
    const text = cardText(report);
    expect(text).toContain('Tuonnin tulos');
    expect(report.body.find((b: any) => b.type === 'FactSet').facts).toEqual([
      { title: 'Lisätty', value: '2' },
      { title: 'Päivitetty', value: '1' },
      { title: 'Ennallaan', value: '0' },
      { title: 'Hylätty', value: '3' },
    ]);
    expect(text).toContain('Rivi 5: Sähköposti: sähköpostiosoite ei kelpaa.');
    expect(text).toContain('Rivi 6: Segmentti: "kirjastot" ei ole mikään segmenteistä.');
    expect(text).toContain('Rivi 7: Sähköposti: sama sähköpostiosoite on jo rivillä 2.');

    const onDisk = await partnersOnDisk();
    expect(onDisk.map((p) => p.email).sort()).toEqual(
      ['anna@perinta.example.fi', 'kalle@takuusaatio.fi', 'liisa.laine@espoo.fi', 'matti@vantaa.fi'].sort(),
    );
    expect(await byEmail('matti@vantaa.fi')).toMatchObject({ name: 'Matti Meikäläinen', locale: 'fi', officeId: 'uusimaa' });
    expect(await byEmail('kalle@takuusaatio.fi')).toMatchObject({ locale: 'fi', segment: 'debt-counsellors' });
    // Updated from the row; the language column was empty, so her own is kept.
    expect(await byEmail('liisa.laine@espoo.fi')).toMatchObject({ id: before.id, organisation: 'Espoon kaupunki', locale: 'sv' });
  });

  it('strips a text-direction override from an imported organisation, says on which line, and refuses one in the form', async () => {
    const csv = ['Nimi;Organisaatio;Segmentti;Sähköposti', 'Oona Oikea;Keravan \u202ekaupunki\u202c;municipalities;oona@kerava.fi'].join('\n');
    const report = (await h.click(coordinator, 'partners.import', { csv })).value;
    expect(cardText(report)).toContain('Riveiltä 2 poistettiin rivinvaihtoja, ohjausmerkkejä tai tekstin suuntamerkkejä.');
    expect(await byEmail('oona@kerava.fi')).toMatchObject({ name: 'Oona Oikea', organisation: 'Keravan kaupunki' });

    const before = await partnersOnDisk();
    const form = { ...liisaForm, name: 'Olli \u202eollO', organisation: 'Keravan\nkaupunki', email: 'olli@kerava.fi' };
    const bad = cardText((await h.click(coordinator, 'partner.save', form)).value);
    expect(bad).toContain('Tarkista nämä kohdat – mitään ei tallennettu:');
    expect(bad).toContain('Nimi: vain yksi rivi tavallista tekstiä: ei rivinvaihtoja, ohjausmerkkejä eikä tekstin suuntamerkkejä.');
    expect(bad).toContain('Organisaatio: vain yksi rivi tavallista tekstiä: ei rivinvaihtoja, ohjausmerkkejä eikä tekstin suuntamerkkejä.');
    expect(await partnersOnDisk()).toEqual(before);
  });

  it('refuses a CSV that cannot be imported as a whole, saving nothing and keeping the text', async () => {
    const before = await partnersOnDisk();
    const csv = 'Nimi;Organisaatio\nUusi Ihminen;Uusi Oy';
    const card = (await h.click(coordinator, 'partners.import', { csv })).value;
    expect(cardText(card)).toContain('Sarakkeita puuttuu: segmentti, sähköposti.');
    expect(input(card, 'csv').value).toBe(csv);
    expect((await h.click(coordinator, 'partners.import', { csv: '' })).value.body[1].items[0].text).toBe(
      'CSV:ssä ei ole yhtään kumppaniriviä otsikkorivin jälkeen.',
    );
    expect(await partnersOnDisk()).toEqual(before);
  });

  it('imports a .csv file sent in the personal chat, read as Excel saves it', async () => {
    served.set('/kumppanit.csv', Buffer.from('Nimi,Organisaatio,Segmentti,Sähköposti\r\nJänis Järvinen,Hämeenlinnan kaupunki,municipalities,janis@hameenlinna.fi\r\n', 'latin1'));
    const [reply] = await sendFile(coordinator, 'kumppanit.csv', 'csv', '/kumppanit.csv');
    const text = cardText(cardOf(reply));
    expect(text).toContain('Tuonnin tulos');
    expect(text).toContain('Tiedosto: kumppanit.csv');
    expect(cardOf(reply)!.body.find((b: any) => b.type === 'FactSet').facts[0]).toEqual({ title: 'Lisätty', value: '1' });
    expect(await byEmail('janis@hameenlinna.fi')).toMatchObject({ name: 'Jänis Järvinen', organisation: 'Hämeenlinnan kaupunki', officeId: 'uusimaa' });
  });

  it('answers a file that is not CSV, too large or not downloadable clearly, and saves nothing', async () => {
    const before = await partnersOnDisk();
    const hits = fileHits.length;
    const [pdf] = await sendFile(coordinator, 'muistio.pdf', 'pdf', '/muistio.pdf');
    expect(pdf.activity.text).toBe('Tiedosto muistio.pdf ei ole CSV-tiedosto, joten en tuonut sitä. Tallenna lista CSV-muodossa (.csv) ja lähetä se uudelleen.');
    expect(fileHits.length).toBe(hits);

    served.set('/iso.csv', Buffer.from(`nimi;organisaatio;segmentti;sähköposti\n${'x;y;municipalities;a@b.fi\n'.repeat(60_000)}`));
    const [big] = await sendFile(coordinator, 'iso.csv', 'csv', '/iso.csv');
    expect(cardText(cardOf(big))).toContain('Tuonti ei onnistunut – mitään ei tallennettu');
    expect(cardText(cardOf(big))).toContain('CSV on liian suuri: enintään 1024 kt kerralla.');

    const [gone] = await sendFile(coordinator, 'poistettu.csv', 'csv', '/poistettu.csv');
    expect(gone.activity.text).toContain('En saanut ladattua tiedostoa poistettu.csv, joten mitään ei tuotu.');
    expect(await partnersOnDisk()).toEqual(before);
  });

  it('does not download a file whose link is not where Teams keeps files, says so, and saves nothing', async () => {
    const before = await partnersOnDisk();
    const [reply] = await sendFile(coordinator, 'muualla.csv', 'csv', '/elsewhere.csv', 'https://files.example');
    expect(reply.activity.text).toBe(
      'En tuonut tiedostoa muualla.csv: lataan vain tiedostoja, jotka Teams säilyttää (OneDrivessa tai SharePointissa), ja tämä linkki osoittaa muualle. Lähetä tiedosto uudelleen tähän keskusteluun tai liitä sen sisältö tuontikorttiin (import).',
    );
    expect(await partnersOnDisk()).toEqual(before);
    expect(h.logs).toContain('partner import: file download not-allowed: host files.example');
  });

  it('refuses a partner politely and changes nothing: commands, crafted card actions and files', async () => {
    const before = await shared();
    const liisa = before.partners.find((p: any) => p.email === 'liisa.laine@espoo.fi')!;
    for (const command of ['partners', 'import']) {
      const [reply] = await h.say(partner, command);
      expect(reply.activity.text).toBe(NOT_ALLOWED_FI);
    }
    for (const [verb, data] of [
      ['partner.save', { ...liisaForm, email: 'pekka@kunta.example.fi' }],
      ['partner.save', { ...liisaForm, partnerId: liisa.id, name: 'Hacked' }],
      ['partner.remove.confirm', { partnerId: liisa.id }],
      ['partners.import', { csv: 'name,organisation,segment,email\nP,K,municipalities,p@k.fi' }],
    ] as const) {
      expect((await h.click(partner, verb, data)).value).toBe(NOT_ALLOWED_FI);
    }
    served.set('/partner.csv', Buffer.from('name,organisation,segment,email\nP,K,municipalities,p@k.fi'));
    const hits = fileHits.length;
    const [fileReply] = await sendFile(partner, 'partner.csv', 'csv', '/partner.csv');
    expect(fileReply.activity.text).toBe(NOT_ALLOWED_FI);
    expect(fileHits.length).toBe(hits);

    const after = await shared();
    expect(after.partners).toEqual(before.partners);
    expect(after.jobState).toEqual(before.jobState);
  });

  it('keeps a coordinator to their own office: the Swedish coordinator cannot touch an Uusimaa partner', async () => {
    const before = await partnersOnDisk();
    const liisa = before.find((p) => p.email === 'liisa.laine@espoo.fi');
    const sv = { locale: 'sv-SE' };
    const otherOffice = 'Den här partnern hör till ett annat kontors register. Du kan bara ändra ditt eget kontors partner. Ingenting ändrades.';
    expect((await h.click(swedishCoordinator, 'partner.edit', { partnerId: liisa.id }, sv)).value).toBe(otherOffice);
    expect((await h.click(swedishCoordinator, 'partner.save', { ...liisaForm, partnerId: liisa.id, name: 'Ändrad' }, sv)).value).toBe(otherOffice);
    expect((await h.click(swedishCoordinator, 'partner.remove', { partnerId: liisa.id }, sv)).value).toBe(otherOffice);
    expect((await h.click(swedishCoordinator, 'partner.remove.confirm', { partnerId: liisa.id }, sv)).value).toBe(otherOffice);

    // A new partner in another office, by a crafted office input.
    const crafted = (await h.click(swedishCoordinator, 'partner.save', { ...liisaForm, email: 'ny@kommun.fi', officeId: 'uusimaa' }, sv)).value;
    expect(cardText(crafted)).toContain('Kontor: är inte ett av kontoren.');
    expect(await partnersOnDisk()).toEqual(before);

    const own = cardText(cardOf((await h.say(swedishCoordinator, 'partners', sv))[0]));
    expect(own).toContain('Partnerregister – Österbottens regionkontor');
    expect(own).toContain('Registret har inga partner ännu.');

    const csv = [
      'namn,organisation,segment,e-post,kontor',
      'Liisa Laine,Espoo,municipalities,liisa.laine@espoo.fi,',
      'Ny Person,Vasa stad,municipalities,ny@vasa.fi,uusimaa',
      'Nils Nyström,Vasa stad,municipalities,nils@vasa.fi,',
    ].join('\n');
    const report = cardText((await h.click(swedishCoordinator, 'partners.import', { csv }, sv)).value);
    expect(report).toContain('Rad 2: E-post: adressen hör till en partner i registret för Nylands regionkontor; bara det kontoret kan ändra uppgifterna.');
    expect(report).toContain('Rad 3: Kontor: är inte ett av kontoren.');
    const after = await partnersOnDisk();
    expect(after.find((p) => p.id === liisa.id)).toEqual(liisa);
    expect(after.filter((p) => !before.some((b) => b.id === p.id))).toEqual([
      // No language in the file: the language of his office (Pohjanmaa: sv).
      expect.objectContaining({ email: 'nils@vasa.fi', officeId: 'pohjanmaa', locale: 'sv' }),
    ]);
  });

  it('lets an admin see and keep every office’s partners, with the office shown', async () => {
    const en = { locale: 'en-GB' };
    const list = cardText(cardOf((await h.say(admin, 'partners', en))[0]));
    expect(list).toContain('Partner register – all offices');
    expect(list).toContain('nils@vasa.fi · Swedish · not in Teams yet · Ostrobothnia regional office');
    expect(list).toContain('liisa.laine@espoo.fi · Swedish · not in Teams yet · Uusimaa regional office');

    const form = (await h.click(admin, 'partner.add', {}, en)).value;
    expect(input(form, 'officeId').choices.map((c: any) => c.value)).toEqual(['uusimaa', 'pohjanmaa']);
    const nils = await byEmail('nils@vasa.fi');
    const saved = (
      await h.click(admin, 'partner.save', { ...liisaForm, partnerId: nils.id, name: 'Nils Nyström', organisation: 'Vasa stad', email: 'nils@vasa.fi', officeId: 'pohjanmaa', segment: 'authorities', locale: 'sv' }, en)
    ).value;
    expect(cardText(saved)).toContain('Other authorities (1)');
    expect(await byEmail('nils@vasa.fi')).toMatchObject({ id: nils.id, segment: 'authorities', officeId: 'pohjanmaa', locale: 'sv' });
  });

  it('links a registered partner who writes to the bot by e-mail, and keeps where to reach them', async () => {
    await h.click(coordinator, 'partner.save', { ...liisaForm, name: 'Outi Ojala', organisation: 'Keravan kaupunki', email: 'outi@kerava.fi', locale: 'sv' });
    expect((await byEmail('outi@kerava.fi')).aadObjectId).toBeUndefined();

    const outi: TestUser = { id: '29:user-9', aadObjectId: '00000000-0000-4000-8000-000000000009', name: 'Outi Ojala', email: 'outi@kerava.fi' };
    h.connector.members.set(outi.id, { id: outi.id, aadObjectId: outi.aadObjectId, email: 'Outi@Kerava.fi', name: outi.name });
    const from = h.connector.posted.length;
    const activity = message(h.serviceUrl, outi, 'help');
    delete activity.locale; // no Teams locale: her language from the register
    expect((await h.post(activity)).status).toBe(200);
    const [reply] = h.connector.messages(from);
    expect(cardText(cardOf(reply))).toContain('Din roll: partner, Nylands regionkontor.');

    const data = await shared();
    expect(data.partners.find((p: any) => p.email === 'outi@kerava.fi')?.aadObjectId).toBe(outi.aadObjectId);
    expect(data.conversations).toContainEqual(
      expect.objectContaining({ id: `a:personal-${outi.aadObjectId}`, kind: 'personal', aadObjectId: outi.aadObjectId }),
    );
    const list = cardText(cardOf((await h.say(coordinator, 'partners municipalities'))[0]));
    expect(list).toContain('outi@kerava.fi · ruotsi · tavoitettavissa Teamsissa');
  });

  it('keeps long lists and reports small: counts per segment, pages, and the first 30 rejected rows', async () => {
    // Names, organisations and e-mails as long as allowed: the worst case for the card size.
    const rows = Array.from(
      { length: 45 },
      (_, i) => `Henkilö ${i} ${'n'.repeat(108)},Kunta ${String(i).padStart(2, '0')} ${'o'.repeat(150)},municipalities,h${i}.${'e'.repeat(100)}@kunta.fi`,
    );
    const bad = Array.from({ length: 35 }, (_, i) => `Virhe ${i},Kunta,municipalities,virhe${i}@`);
    const report = (await h.click(coordinator, 'partners.import', { csv: ['name,organisation,segment,email', ...rows, ...bad].join('\n') })).value;
    expect(report.body.find((b: any) => b.type === 'FactSet').facts[0]).toEqual({ title: 'Lisätty', value: '45' });
    const reportText = cardText(report);
    expect(reportText).toContain('Rivi 47: Sähköposti: sähköpostiosoite ei kelpaa.');
    expect(reportText).toContain('Rivi 76: Sähköposti');
    expect(reportText).not.toContain('Rivi 77:');
    expect(reportText).toContain('… ja 5 muuta hylättyä riviä.');

    const own = (await partnersOnDisk()).filter((p) => p.officeId === 'uusimaa');
    const municipalities = own.filter((p) => p.segment === 'municipalities').length;
    const summary = cardOf((await h.say(coordinator, 'partners'))[0]);
    expect(cardText(summary)).toContain(`Rekisterissä on ${own.length} kumppania`);
    expect(cardText(summary)).toContain(`Kunnat (${municipalities})`);
    expect(actions(summary).filter((a) => a.verb === 'partner.edit')).toEqual([]);
    expect(actions(summary)).toContainEqual({ verb: 'partner.list', title: 'Näytä', data: { segment: 'municipalities' } });

    const first = (await h.click(coordinator, 'partner.list', { segment: 'municipalities' })).value;
    expect(cardText(first)).toContain(`Näytetään 1–${LIST_LIMIT} / ${municipalities}`);
    expect(actions(first).filter((a) => a.verb === 'partner.edit')).toHaveLength(LIST_LIMIT);
    expect(cardBytes(first)).toBeLessThanOrEqual(CARD_BUDGET_BYTES);
        const next = actions(first).find((a) => a.title === 'Seuraavat')!;
    const second = (await h.click(coordinator, next.verb, next.data)).value;
    expect(cardText(second)).toContain(`Näytetään ${LIST_LIMIT + 1}–${municipalities} / ${municipalities}`);
    expect(actions(second).filter((a) => a.verb === 'partner.edit')).toHaveLength(municipalities - LIST_LIMIT);
  });

  it('answers "card is outdated" to a crafted payload whose field has the wrong type, and changes nothing', async () => {
    const before = await shared();
    const posted = h.connector.posted.length;
    const liisa = before.partners.find((p: any) => p.email === 'liisa.laine@espoo.fi')!;
    const crafted: [string, Record<string, unknown>][] = [
      ['partner.list', { segment: { $ne: '' } }],
      ['partner.list', { segment: ['municipalities'] }],
      ['partner.edit', { partnerId: { id: liisa.id } }],
      ['partner.remove', { partnerId: [liisa.id] }],
      ['partner.remove.confirm', { partnerId: [liisa.id] }],
      ['partner.remove.confirm', { partnerId: '' }],
      ['partner.restore', { partnerId: { $gt: '' } }],
      // A form input that is an object or a list is not something Teams sends: not "E-mail: required".
      ['partner.save', { ...liisaForm, email: ['uusi@espoo.fi'] }],
      ['partner.save', { ...liisaForm, partnerId: liisa.id, name: { first: 'Liisa' } }],
      ['partner.save', { ...liisaForm, partnerId: [liisa.id], name: 'Muutettu' }],
      ['partner.save', { ...liisaForm, email: 'uusi@espoo.fi', officeId: ['uusimaa'] }],
      ['partners.import', { csv: ['name,organisation,segment,email', 'P,K,municipalities,p@k.fi'] }],
      ['partners.import', { csv: { text: 'name,organisation,segment,email\nP,K,municipalities,p@k.fi' } }],
    ];
    for (const [verb, data] of crafted) {
      expect({ verb, data, answer: (await h.click(coordinator, verb, data)).value }).toEqual({ verb, data, answer: translator('fi')('error.cardOutdated') });
    }
    expect(await shared()).toEqual(before);
    expect(h.connector.posted.length).toBe(posted);
  });
});

describe('partner texts', () => {
  it('has a message for every error code of validation, CSV import and the register, in every language', () => {
    for (const locale of LOCALES) {
      const strings = loadLocaleStrings(locale);
      for (const code of [...PARTNER_INPUT_ERROR_CODES, ...PARTNER_ERROR_CODES]) expect(strings, `${locale} ${code}`).toHaveProperty([`validation.${code}`]);
      for (const code of PARTNER_CSV_ERROR_CODES) {
        expect(strings[`validation.${code}`] ?? strings[`import.error.${code}`], `${locale} ${code}`).toBeDefined();
      }
    }
  });
});
