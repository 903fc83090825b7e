// Building HTML pages with every interpolated text escaped.

export class Html {
  constructor(readonly text: string) {}
}
type Part = Html | string | number | null | undefined | false | Part[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function toHtml(part: Part): string {
  if (part instanceof Html) return part.text;
  if (Array.isArray(part)) return part.map(toHtml).join('');
  if (part === null || part === undefined || part === false) return '';
  return String(part).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Template tag: every interpolated value is escaped unless it is itself built with `html`. */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  return new Html(strings.reduce((out, text, i) => out + toHtml(parts[i - 1]) + text));
}
