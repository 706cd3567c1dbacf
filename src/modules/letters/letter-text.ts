import { createHash } from 'node:crypto';
import { berlinMidnight, formatDate, formatEuro } from '../../platform/i18n/i18n.js';
import { displayValue, type Answers, type FormDefinition } from '../forms/index.js';
import { feeLinesText, type FeeAssessment } from '../payments/index.js';
import { placeholderPattern, type LetterTemplate } from './letter-template.js';

/** What placeholders are filled from: the case, its submission, the town, the service and the values given. */
export interface LetterFacts {
  /** The form the answers were given to (the submission's definition version). */
  form: FormDefinition | undefined;
  answers: Answers;
  reference: string;
  receivedAt: Date;
  departmentName: string;
  town: { name: string; administrativeCourt?: string };
  service: { title: string; feeCents: number[] };
  /** The fees a positive decision sets for a service paid after the decision (fees.breakdown, fees.total). */
  fees?: FeeAssessment;
  /** The letter's date, YYYY-MM-DD in Europe/Berlin. */
  today: string;
  /** Values as they are printed (see readLetterValues), by name. */
  values: Record<string, string>;
}

/** A piece of text; `missing` names a placeholder that could not be filled (shown, never issued). */
export interface Run {
  text: string;
  bold: boolean;
  missing?: string;
}

/** A block of a letter's body. */
export type LetterBlock = { kind: 'heading'; runs: Run[] } | { kind: 'paragraph'; runs: Run[] } | { kind: 'list'; items: Run[][] };

/** A template filled in for one case. */
export interface ComposedLetter {
  title: string;
  /** Address lines; an address answer counts as two. */
  recipient: Run[][];
  blocks: LetterBlock[];
  /** Placeholders that did not resolve, each once; a letter with any cannot be issued. */
  missing: string[];
  /** The body in the letter notation with every placeholder replaced (what the check text holds). */
  body: string;
}

function resolve(name: string, facts: LetterFacts, addressLines: boolean): string | undefined {
  const [root, a, b] = name.split('.');
  if (root === 'answers') {
    const field = facts.form?.steps.find((s) => s.id === a)?.fields.find((f) => f.id === b);
    const value = facts.answers[a!]?.[b!];
    if (!field || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return undefined;
    if (field.type === 'address' && addressLines) {
      const address = value as { street: string; houseNumber: string; postcode: string; city: string };
      return `${address.street} ${address.houseNumber}\n${address.postcode} ${address.city}`;
    }
    return displayValue(field, value, 'de');
  }
  if (root === 'values') return facts.values[a!] || undefined;
  switch (name) {
    case 'case.reference': return facts.reference;
    case 'case.receivedAt': return formatDate(facts.receivedAt, 'de');
    case 'case.department': return facts.departmentName;
    case 'town.name': return facts.town.name;
    case 'town.verwaltungsgericht': return facts.town.administrativeCourt;
    case 'service.title': return facts.service.title;
    case 'service.feeTotal': return facts.service.feeCents.length > 0 ? formatEuro(facts.service.feeCents.reduce((x, y) => x + y, 0), 'de') : undefined;
    // A fee the answers cannot compute is never printed at a guess: the letter cannot be issued.
    case 'fees.breakdown': return facts.fees && facts.fees.unresolved.length === 0 ? feeLinesText(facts.fees) : undefined;
    case 'fees.total': return facts.fees && facts.fees.unresolved.length === 0 ? formatEuro(facts.fees.totalCents, 'de') : undefined;
    case 'today': return formatDate(berlinMidnight(facts.today), 'de');
    default: return undefined;
  }
}

/** Splits text at **…** and placeholders into runs; placeholders are filled only after the markup is read, so a value never becomes markup. */
function runsOf(text: string, facts: LetterFacts, addressLines = false): Run[] {
  return text.split('**').flatMap((segment, i) => {
    const bold = i % 2 === 1;
    const runs: Run[] = [];
    let last = 0;
    for (const m of segment.matchAll(placeholderPattern)) {
      if (m.index > last) runs.push({ text: segment.slice(last, m.index), bold });
      const value = resolve(m[1]!, facts, addressLines);
      runs.push(value === undefined ? { text: m[0], bold, missing: m[1]! } : { text: value, bold });
      last = m.index + m[0].length;
    }
    if (last < segment.length) runs.push({ text: segment.slice(last), bold });
    return runs;
  });
}

/** Runs split at line breaks into lines. */
function lines(runs: Run[]): Run[][] {
  const result: Run[][] = [[]];
  for (const run of runs) {
    run.text.split('\n').forEach((part, i) => {
      if (i > 0) result.push([]);
      if (part !== '') result[result.length - 1]!.push({ ...run, text: part });
    });
  }
  return result;
}

/** Reads the letter notation into blocks (the template was checked at start: see notationProblems). */
function blocksOf(body: string, facts: LetterFacts): LetterBlock[] {
  return body.split(/\n\s*\n/).map((chunk) => chunk.trim()).filter(Boolean).map((chunk): LetterBlock => {
    if (chunk.startsWith('## ')) return { kind: 'heading', runs: runsOf(chunk.slice(3).replace(/\n/g, ' '), facts) };
    if (chunk.startsWith('- ')) {
      // A line that does not start with "- " continues the item above it.
      const items = chunk.split(/\n(?=- )/).map((item) => runsOf(item.slice(2), facts));
      return { kind: 'list', items };
    }
    return { kind: 'paragraph', runs: runsOf(chunk, facts) };
  });
}

/**
 * Fills a template for a case. A correction starts with a sentence naming the letter it replaces.
 * Missing placeholders stay visible in the result and are listed in `missing`.
 */
export function composeLetter(template: LetterTemplate, facts: LetterFacts, supersedes?: { number: string; deliveredAt: Date }): ComposedLetter {
  const correction = supersedes ? `**Dieser Bescheid ersetzt den Bescheid Nr. ${supersedes.number} vom ${formatDate(supersedes.deliveredAt, 'de')}.**\n\n` : '';
  const source = `${correction}${template.body}`;
  const recipient = template.recipient.flatMap((line) => lines(runsOf(line, facts, true)));
  const blocks = blocksOf(source, facts);
  const all = [...recipient.flat(), ...blocks.flatMap((b) => (b.kind === 'list' ? b.items.flat() : b.runs))];
  return {
    title: template.title.de,
    recipient,
    blocks,
    missing: [...new Set(all.flatMap((r) => (r.missing ? [r.missing] : [])))],
    body: source.replace(placeholderPattern, (whole, name: string) => resolve(name, facts, false) ?? whole),
  };
}

/** Plain text of runs. */
export function plain(runs: Run[]): string {
  return runs.map((r) => r.text).join('');
}

/** What a letter's fingerprint covers besides its body (docs/adr/0009). */
export interface CheckTextHeader {
  issuer: string;
  documentNumber: string;
  reference: string;
  /** YYYY-MM-DD */
  date: string;
  title: string;
  supersedes: string | null;
  recipient: string[];
}

/**
 * The check text (Prüftext) of a letter: a fixed header, a blank line, the body in the letter
 * notation. UTF-8, Unicode NFC, LF line ends, no trailing spaces, one final LF. Its SHA-256 is the
 * fingerprint printed on the PDF; the text is stored with the letter and can be downloaded, so
 * anyone can recompute the fingerprint (`sha256sum`).
 */
export function checkText(header: CheckTextHeader, body: string): string {
  const text = [
    'Rathaus-Prüftext 1',
    `Aussteller: ${header.issuer}`,
    `Dokumentnummer: ${header.documentNumber}`,
    `Aktenzeichen: ${header.reference}`,
    `Datum: ${header.date}`,
    `Titel: ${header.title}`,
    `Ersetzt: ${header.supersedes ?? '–'}`,
    `Empfänger: ${header.recipient.join(' | ')}`,
    '',
    body,
  ].join('\n');
  return `${text.normalize('NFC').replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').trimEnd()}\n`;
}

/** The fingerprint of a check text: SHA-256 of its UTF-8 bytes, lowercase hex. */
export function fingerprint(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
