/** The characters preact escapes in attributes and text, decoded. */
function decode(text: string): string {
  return text.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

function attributes(tag: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of tag.matchAll(/\s([a-zA-Z-]+)(?:="([^"]*)")?/g)) found.set(m[1]!, decode(m[2] ?? ''));
  return found;
}

/**
 * What a browser would send from the form with this action on a page, as it stands: text inputs,
 * checked radios and checkboxes, selected options, text areas (no files, no CSRF token, no buttons),
 * so a test can post a prefilled form with only some values changed.
 */
export function formValues(html: string, action: string): Record<string, string | string[]> {
  const start = html.indexOf(`action="${action}"`);
  if (start < 0) throw new Error(`no form posting to ${action} on the page`);
  const form = html.slice(start, html.indexOf('</form>', start));
  const values: Record<string, string | string[]> = {};
  const add = (name: string, value: string) => {
    const existing = values[name];
    values[name] = existing === undefined ? value : ([] as string[]).concat(existing, value);
  };
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const a = attributes(tag);
    const name = a.get('name');
    const type = a.get('type') ?? 'text';
    if (!name || name === '_csrf' || type === 'file' || type === 'submit') continue;
    if ((type === 'radio' || type === 'checkbox') && !a.has('checked')) continue;
    add(name, a.get('value') ?? '');
  }
  for (const m of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attributes(m[1]!).get('name');
    const selected = [...m[2]!.matchAll(/<option\b([^>]*)>/g)].map((o) => attributes(o[1]!)).find((o) => o.has('selected'));
    if (name) add(name, selected?.get('value') ?? '');
  }
  for (const m of form.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/g)) {
    const name = attributes(m[1]!).get('name');
    if (name) add(name, decode(m[2]!));
  }
  return values;
}
