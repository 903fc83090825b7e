// Renders the HTML templates in config/email-templates/ (Handlebars) inside
// their shared layout. Templates hold layout only; every text comes in the
// data, and {{ }} escapes it, so user text can never become markup.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import type { Locale } from './domain/types.js';

export const HTML_TEMPLATE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../config/email-templates');

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
const templates = new Map(
  readdirSync(HTML_TEMPLATE_DIR)
    .filter((f) => f.endsWith('.hbs'))
    .map((f) => [basename(f, '.hbs'), handlebars.compile(readFileSync(resolve(HTML_TEMPLATE_DIR, f), 'utf8'), { strict: true })]),
);

/** A whole HTML document: the layout with `title` as its only h1 and the `name` template as its body. */
export function renderHtml(name: string, page: { lang: Locale; title: string }, data: object): string {
  const template = templates.get(name);
  const layout = templates.get('layout');
  if (!template || name === 'layout' || !layout) throw new Error(`No HTML template "${name}" in config/email-templates/`);
  // The body is already escaped by its own template, so the layout inserts it as it is ({{{body}}}).
  return layout({ ...page, body: template(data) });
}
