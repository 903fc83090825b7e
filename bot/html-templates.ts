// Renders the HTML templates (Handlebars) inside their shared layout: e-mails
// from config/email-templates/, web pages from config/page-templates/.
// Templates hold layout only; every text comes in the data, and {{ }} escapes
// it, so user text can never become markup.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Locale } from './domain/types.js';

export const HTML_TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../config/email-templates');
export const PAGE_TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../config/page-templates');

const handlebars = Handlebars.create();

/** {{paragraphs text}}: a blank line starts a new <p>, a single line break is a <br>; every line escaped. */
handlebars.registerHelper('paragraphs', (text: unknown) => {
  if (typeof text !== 'string') throw new Error('{{paragraphs}} needs a text');
  const html = text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${paragraph.split('\n').map((line) => handlebars.escapeExpression(line)).join('<br>')}</p>`)
    .join('\n');
  return new handlebars.SafeString(html);
});

// Compiled once; strict: a field missing from the data is an error, not an empty string.
const compileDir = (dir: string) =>
  new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith('.hbs'))
      .map((f) => [basename(f, '.hbs'), handlebars.compile(readFileSync(resolve(dir, f), 'utf8'), { strict: true })]),
  );
const templates = { email: compileDir(HTML_TEMPLATE_DIR), page: compileDir(PAGE_TEMPLATE_DIR) };

function render(kind: keyof typeof templates, name: string, page: object, data: object): string {
  const template = templates[kind].get(name);
  const layout = templates[kind].get('layout');
  if (!template || name === 'layout' || !layout) throw new Error(`No HTML template "${name}" in config/${kind}-templates/`);
  // The body is already escaped by its own template, so the layout inserts it as it is ({{{body}}}).
  return layout({ ...page, body: template(data) });
}

/** A link under an e-mail's text; `button` ones are drawn as buttons (e.g. the RSVP answers). */
export interface EmailLink {
  url: string;
  label: string;
  button?: boolean;
}

/** A whole HTML e-mail: the layout with `title` as its only h1, the `name` template as its body and `links` after it. */
export function renderHtml(name: string, page: { lang: Locale; title: string; links?: EmailLink[] }, data: object): string {
  const links = page.links ?? [];
  return render('email', name, { ...page, buttons: links.filter((l) => l.button), links: links.filter((l) => !l.button) }, data);
}

/** The frame of a web page: its language, the stylesheet and the language switch. */
export interface PageFrame {
  lang: Locale;
  title: string;
  /** Relative address of /p/assets/sidos.css from the page. */
  stylesheet: string;
  languages: { href: string; label: string; lang: Locale; current: boolean }[];
  languagesLabel: string;
  /** Links to the other pages of a set (the info pages); empty for a partner's page. */
  nav: { href: string; label: string }[];
  navLabel: string;
}

/** A whole HTML page: config/page-templates/layout.hbs around the `name` template. */
export function renderPage(name: string, frame: PageFrame, data: object): string {
  return render('page', name, frame, data);
}
