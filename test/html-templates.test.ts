// The HTML e-mail and page templates: a whole document in the reader's language
// with one h1, every text escaped, and each template present and complete.
import { describe, expect, it } from 'vitest';
import { renderHtml, renderPage } from '../bot/html-templates.js';

const HOSTILE = 'Tom & Jerry <b>"bold"</b> \'x\'';
const ESCAPED = 'Tom &amp; Jerry &lt;b&gt;&quot;bold&quot;&lt;/b&gt; &#x27;x&#x27;';

const h1Count = (html: string) => html.match(/<h1\b/g)?.length ?? 0;

describe('renderHtml', () => {
  it('wraps a message in the layout: language, title as the one h1, paragraphs and line breaks, all text escaped', () => {
    const html = renderHtml('message', { lang: 'sv', title: HOSTILE }, { body: `Hej ${HOSTILE},\n\nrad ett\nrad två` });
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="sv">/);
    expect(html).toContain(`<title>${ESCAPED}</title>`);
    expect(html).toContain(`>${ESCAPED}</h1>`);
    expect(h1Count(html)).toBe(1);
    expect(html).toContain(`<p>Hej ${ESCAPED},</p>\n<p>rad ett<br>rad två</p>`);
    expect(html).not.toContain('<b>');
    expect(html).not.toMatch(/<img\b/);
  });

  it('escapes facts and link addresses of an invite, and leaves out what is not there', () => {
    const data = {
      greeting: 'Hello',
      intro: 'Intro',
      facts: [{ label: 'Topic', value: HOSTILE }],
      online: { url: 'https://example.org/join?a=1&b="2"', label: 'Join online' },
      calendarNote: '',
      signature: 'Regards,\nOffice',
    };
    const html = renderHtml('invite', { lang: 'en', title: 'Invitation' }, data);
    expect(html).toContain(`<td style="padding:4px 0;">${ESCAPED}</td>`);
    expect(html).toContain('<a href="https://example.org/join?a&#x3D;1&amp;b&#x3D;&quot;2&quot;" style="color:#0f5ea8;">Join online</a>');
    expect(html).toContain('<p>Regards,<br>Office</p>');
    const offline = renderHtml('invite', { lang: 'en', title: 'Invitation' }, { ...data, online: null });
    expect(offline).not.toContain('<a ');
  });

  it('puts an e-mail’s links after its text: buttons first, then plain links, addresses escaped', () => {
    const html = renderHtml('message', {
      lang: 'en',
      title: 'Invitation',
      links: [
        { url: 'https://sidos.example.fi/p/abc?answer=accepted', label: 'Accept', button: true },
        { url: 'https://sidos.example.fi/p/def', label: HOSTILE },
      ],
    }, { body: 'Hello' });
    expect(html).toMatch(/<p>Hello<\/p>\n+<p><a href="https:\/\/sidos\.example\.fi\/p\/abc\?answer&#x3D;accepted" style="display:inline-block;[^"]*">Accept<\/a> <\/p>/);
    expect(html).toContain(`<p><a href="https://sidos.example.fi/p/def" style="color:#0f5ea8;">${ESCAPED}</a></p>`);
    expect(renderHtml('message', { lang: 'en', title: 'No links' }, { body: 'Hello' })).not.toContain('<a ');
  });

  it('renders a web page in its frame: language switch, stylesheet, one h1, no inline style or script', () => {
    const frame = {
      lang: 'fi' as const,
      title: HOSTILE,
      stylesheet: 'assets/sidos.css',
      languages: [{ href: 'tok?lang=sv', label: 'svenska', lang: 'sv' as const, current: false }],
      languagesLabel: 'Kieli',
      nav: [],
      navLabel: 'Sivut',
    };
    const html = renderPage('error', frame, { message: HOSTILE });
    expect(html).toMatch(/^<!DOCTYPE html>\n<html lang="fi">/);
    expect(html).toContain('<link rel="stylesheet" href="assets/sidos.css">');
    expect(html).toContain('<a href="tok?lang&#x3D;sv" lang="sv" hreflang="sv">svenska</a>');
    expect(html).toContain(`<p>${ESCAPED}</p>`);
    expect(h1Count(html)).toBe(1);
    expect(html).not.toMatch(/<script|style=/);
  });

  it('refuses an unknown template and data that lacks a field the template uses', () => {
    expect(() => renderHtml('nope', { lang: 'fi', title: 't' }, {})).toThrow(/No HTML template "nope"/);
    expect(() => renderHtml('layout', { lang: 'fi', title: 't' }, {})).toThrow(/No HTML template "layout"/);
    expect(() => renderHtml('invite', { lang: 'fi', title: 't' }, { greeting: 'Hei' })).toThrow();
  });
});
