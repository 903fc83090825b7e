// The pages a partner reaches from a personal link in an e-mail (/p/<token>):
// answer an invitation, give and edit feedback, read the office's feedback or a
// proposal's status, see their own data. The same services as the Teams cards
// do the work. A link that is unknown, expired or altered gets an error page
// and changes nothing; every form carries a CSRF token bound to the link.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AppConfig } from '../config.js';
import { emptyValues, storedValues, submittedValues, type FeedbackFormValues } from '../domain/feedback-form.js';
import { parseFeedbackInput, type FeedbackFieldError } from '../domain/feedback-input.js';
import { officeName } from '../domain/office-name.js';
import type { Locale, Partner } from '../domain/types.js';
import { renderPage } from '../html-templates.js';
import { localeFrom, translator, type Translate } from '../i18n.js';
import type { Clock } from '../services/clock.js';
import { findRequest, isEditable } from '../services/feedback-requests.js';
import { answerTo, submitFeedback } from '../services/feedback.js';
import { recordRsvp } from '../services/invite-answers.js';
import { invitationContext } from '../services/invites.js';
import { canAnswer, meetingTime, RSVP_ANSWERS } from '../services/invite-messages.js';
import { partnerLinkOf } from '../services/partner-links.js';
import { languageOf } from '../services/people.js';
import { CommitOutcomeUnknownError, StorageUnavailableError, type RecordStore } from '../store/records.js';
import type { DownloadLink } from '../store/store.js';
import { feedbackPageData } from './feedback-page.js';
import { myDataPage, officeFeedbackPage, proposalPage } from './notice-pages.js';
import { infoPageLocale } from './info-pages.js';
import { pageFrame } from './page-frame.js';

export interface PageResponse {
  status: number;
  html: string;
}

export interface PartnerPages {
  /**
   * `lang`: the ?lang= of the address; `acceptLanguage`: the browser's, for a link that names nobody;
   * `answer`: an RSVP answer chosen in the e-mail, to confirm on the page.
   */
  get(token: string, query: { lang?: string; answer?: string }, acceptLanguage: string | undefined): Promise<PageResponse>;
  post(token: string, lang: string | undefined, acceptLanguage: string | undefined, form: Record<string, unknown>): Promise<PageResponse>;
}

interface Page {
  t: Translate;
  locale: Locale;
  partner: Partner;
  link: DownloadLink;
  token: string;
  csrf: string;
  now: Date;
}

const TOKEN = /^[A-Za-z0-9_-]{20,100}$/;

export function createPartnerPages(deps: { records: RecordStore; config: AppConfig; clock: Clock; log: (line: string) => void }): PartnerPages {
  const { records, config, clock, log } = deps;
  // Per process: a form opened before a restart asks the partner to open the link again.
  const csrfKey = randomBytes(32);
  const csrfOf = (token: string) => createHmac('sha256', csrfKey).update(token).digest('base64url');
  const csrfValid = (token: string, given: unknown) => {
    const expected = Buffer.from(csrfOf(token));
    return typeof given === 'string' && given.length === expected.length && timingSafeEqual(Buffer.from(given), expected);
  };

  const frame = (page: Pick<Page, 'locale' | 'token'>, title: string) =>
    pageFrame(page.locale, title, { stylesheet: 'assets/sidos.css', href: (lang) => `${page.token}?lang=${lang}` });

  /** `token` empty: a link that names nobody; its language links keep the address as it is. */
  function errorPage(status: number, locale: Locale, key: string, token = ''): PageResponse {
    const t = translator(locale);
    return { status, html: renderPage('error', frame({ locale, token }, t('web.error.title')), { message: t(key) }) };
  }

  /** The page behind a token, or the error page to show instead. */
  async function open(token: string, lang: string | undefined, acceptLanguage: string | undefined): Promise<Page | PageResponse> {
    const now = clock();
    const lookup = TOKEN.test(token) ? await partnerLinkOf(records, token, now) : ({ status: 'unknown' } as const);
    if (lookup.status === 'unknown') return errorPage(404, infoPageLocale(config, lang, acceptLanguage), 'web.error.unknown');
    const locale = localeFrom(lang) ?? languageOf(lookup.partner);
    if (lookup.status === 'expired') return errorPage(410, locale, 'web.error.expired', token);
    return { t: translator(locale), locale, partner: lookup.partner, link: lookup.link, token, csrf: csrfOf(token), now };
  }

  const action = (page: Page) => `${page.token}?lang=${page.locale}`;

  async function rsvpPage(page: Page, notice = '', chosen?: string): Promise<PageResponse> {
    const ctx = await invitationContext({ records, config }, page.link.ref);
    if (!ctx || ctx.invitation.partnerId !== page.partner.id) return errorPage(404, page.locale, 'web.error.unknown', page.token);
    const { t, locale } = page;
    const { meeting, office, invitation } = ctx;
    const title = t('invite.title.request', { subTheme: meeting.subTheme });
    return {
      status: 200,
      html: renderPage('rsvp', frame(page, title), {
        notice,
        intro: t('invite.intro.request', { office: officeName(office, locale) }),
        facts: [
          { label: t('invite.fact.when'), value: meetingTime(meeting, office.timeZone, locale) },
          ...(meeting.place ? [{ label: t('invite.fact.place'), value: meeting.place }] : []),
          ...(meeting.onlineUrl ? [{ label: t('invite.fact.online'), value: meeting.onlineUrl }] : []),
          { label: t('invite.fact.theme'), value: ctx.theme },
          { label: t('invite.fact.subTheme'), value: meeting.subTheme },
          { label: t('invite.fact.organizer'), value: officeName(office, locale) },
        ],
        answer: t('invite.answer', { answer: t(`invite.answer.${invitation.rsvp}`) }),
        open: canAnswer(meeting, page.now),
        action: action(page),
        csrf: page.csrf,
        question: t('web.rsvp.question'),
        choices: RSVP_ANSWERS.map((value) => ({
          value,
          label: t(`invite.rsvp.${value}`),
          style: value === (chosen ?? 'accepted') ? 'primary' : 'secondary',
          current: invitation.rsvp === value,
        })),
        closedText: t(meeting.status === 'cancelled' ? 'invite.error.cancelled' : 'invite.error.past'),
        icsUrl: ctx.icsUrl,
        icsLabel: t('invite.button.ics'),
      }),
    };
  }

  async function answerRsvp(page: Page, form: Record<string, unknown>): Promise<PageResponse> {
    const response = RSVP_ANSWERS.find((r) => r === form.response);
    if (!response) return rsvpPage(page, page.t('web.error.badForm'));
    const result = await recordRsvp(records, page.link.ref, page.partner.id, response, page.now);
    if (!result.ok) return rsvpPage(page);
    return rsvpPage(page, page.t('web.rsvp.saved', { answer: page.t(`invite.answer.${response}`) }));
  }

  async function feedbackPage(
    page: Page,
    form?: { values: FeedbackFormValues; errors: FeedbackFieldError[]; notice: string; status: number },
  ): Promise<PageResponse> {
    const found = await findRequest(records, page.link.ref);
    if (!found || found.request.partnerId !== page.partner.id) return errorPage(404, page.locale, 'web.error.unknown', page.token);
    const { request } = found;
    const answer = await answerTo(records, request);
    const values = form?.values ?? (answer ? storedValues(answer.feedback, answer.proposals) : emptyValues());
    const data = await feedbackPageData({
      records,
      config,
      t: page.t,
      locale: page.locale,
      request,
      partnerName: page.partner.name,
      values,
      errors: form?.errors ?? [],
      notice: form?.notice ?? (isEditable(request, config.feedback, page.now) ? '' : page.t('feedback.closed')),
      action: action(page),
      csrf: page.csrf,
      now: page.now,
    });
    return { status: form?.status ?? 200, html: renderPage('feedback', frame(page, page.t('feedback.form.title')), data) };
  }

  async function answerFeedback(page: Page, form: Record<string, unknown>): Promise<PageResponse> {
    const parsed = parseFeedbackInput(form);
    if (!parsed.ok) return feedbackPage(page, { values: submittedValues(form), errors: parsed.errors, notice: '', status: 422 });
    const result = await submitFeedback(records, config.feedback, { requestId: page.link.ref, partner: page.partner, input: parsed.value, now: page.now });
    if (!result.ok) {
      const key = result.code === 'closed' ? 'feedback.closed' : 'web.error.unknown';
      return feedbackPage(page, { values: submittedValues(form), errors: [], notice: page.t(key), status: 409 });
    }
    const notice = page.t(result.created ? 'feedback.saved' : 'feedback.updated');
    return feedbackPage(page, { values: storedValues(result.feedback, result.proposals), errors: [], notice, status: 200 });
  }

  const readOnly = { 'office-feedback': officeFeedbackPage, proposal: proposalPage, 'my-data': myDataPage } as const;

  async function render(page: Page, answer: string | undefined): Promise<PageResponse> {
    const kind = page.link.kind;
    if (kind === 'rsvp') {
      // Opening a link never answers: mail scanners open links too. The chosen answer waits for the button.
      const chosen = RSVP_ANSWERS.find((r) => r === answer);
      return rsvpPage(page, chosen ? page.t('web.rsvp.confirm', { answer: page.t(`invite.rsvp.${chosen}`) }) : '', chosen);
    }
    if (kind === 'feedback') return feedbackPage(page);
    const html = kind in readOnly ? await readOnly[kind as keyof typeof readOnly]({ records, config }, { ...page, frame: (title) => frame(page, title) }) : null;
    return html === null ? errorPage(404, page.locale, 'web.error.unknown', page.token) : { status: 200, html };
  }

  async function submit(page: Page, form: Record<string, unknown>): Promise<PageResponse> {
    if (!csrfValid(page.token, form.csrf)) return errorPage(403, page.locale, 'web.error.csrf', page.token);
    if (page.link.kind === 'rsvp') return answerRsvp(page, form);
    if (page.link.kind === 'feedback') return answerFeedback(page, form);
    return errorPage(405, page.locale, 'web.error.badForm', page.token);
  }

  /**
   * Opens the page behind the token and does `work` on it. While the store cannot
   * be used the answer is 503 with the storage message, in the page's language
   * (before the page is known: the address's or the browser's); a failed
   * transaction kept nothing, so nothing was changed.
   */
  async function withPage(
    token: string,
    lang: string | undefined,
    acceptLanguage: string | undefined,
    work: (page: Page) => Promise<PageResponse>,
  ): Promise<PageResponse> {
    let opened: Page | PageResponse | undefined;
    try {
      opened = await open(token, lang, acceptLanguage);
      return 'status' in opened ? opened : await work(opened);
    } catch (err) {
      if (!(err instanceof StorageUnavailableError)) throw err;
      // One line, no stack: an outage, not a bug (as for Teams turns).
      log(`storage unavailable while serving a partner page: ${err.message}`);
      const locale = opened && !('status' in opened) ? opened.locale : infoPageLocale(config, lang, acceptLanguage);
      const key = err instanceof CommitOutcomeUnknownError ? 'web.error.storageUnknown' : 'web.error.storage';
      return errorPage(503, locale, key, TOKEN.test(token) ? token : '');
    }
  }

  return {
    get: (token, query, acceptLanguage) => withPage(token, query.lang, acceptLanguage, (page) => render(page, query.answer)),
    post: (token, lang, acceptLanguage, form) => withPage(token, lang, acceptLanguage, (page) => submit(page, form)),
  };
}
