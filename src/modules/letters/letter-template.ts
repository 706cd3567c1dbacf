import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseYaml } from '../../platform/yaml.js';
import { z } from 'zod';
import type { Service } from '../catalog/index.js';
import { localized } from '../forms/form-definition.js';
import { servicesDir } from '../catalog/service-registry.js';
import { legalRemedyIds, legalRemedyText } from './legal-remedies.js';

/** Decision outcomes a case can have (cases.decision); a template names those it fits. */
export const decisionOutcomes = ['approved', 'partly', 'rejected'] as const;
export type DecisionOutcome = (typeof decisionOutcomes)[number];

/** Kinds of values a clerk (or the calling code) supplies for a letter, and how they are printed. */
export const letterValueTypes = ['text', 'multiline', 'money', 'date'] as const;

const frontMatter = z.strictObject({
  title: localized,
  /** Without outcomes a template fits a case in any state (e.g. a reply); with them only a decided case with one of them. */
  outcomes: z.array(z.enum(decisionOutcomes)).min(1).optional(),
  legalRemedy: z.enum(legalRemedyIds).optional(),
  /** Lines of the address field; a line that is one address answer prints as street and town lines. */
  recipient: z.array(z.string().min(1)).min(1).max(6),
  values: z.array(z.strictObject({
    name: z.string().regex(/^[a-z][a-zA-Z0-9]{0,39}$/),
    type: z.enum(letterValueTypes),
    label: localized,
    hint: localized.optional(),
  })).default([]),
});

/** A letter template of one service: services/<service>/letters/<id>.md. */
export interface LetterTemplate extends z.infer<typeof frontMatter> {
  id: string;
  serviceId: string;
  /** The body in the letter notation, with the legal remedy notice in place of {{rechtsbehelfsbelehrung}}. */
  body: string;
}

/** A value a template asks for. */
export type LetterValueDefinition = LetterTemplate['values'][number];

// Names a placeholder may take besides answers.<step>.<field> and values.<name>.
const fixedPlaceholders = ['case.reference', 'case.receivedAt', 'case.department', 'town.name', 'town.verwaltungsgericht', 'service.title', 'service.feeTotal', 'today'];
// The fees a decision sets: only a service paid after the decision has them (ADR 0027).
const decisionFeePlaceholders = ['fees.breakdown', 'fees.total'];

// Where the legal remedy notice named in the front matter goes: a paragraph of its own.
const remedyMarker = '{{rechtsbehelfsbelehrung}}';

/** A placeholder: {{name}}, the name made of letters, digits and dots. */
export const placeholderPattern = /\{\{\s*([a-zA-Z0-9.]+)\s*\}\}/g;

/**
 * What is wrong with a body in the letter notation: paragraphs separated by blank lines, "## "
 * headings, "- " list items, **bold**, placeholders. Anything else that Markdown or HTML would
 * interpret is refused, so a template never means more than it shows.
 */
export function notationProblems(body: string): string[] {
  const problems: string[] = [];
  body.split('\n').forEach((line, i) => {
    const at = `line ${i + 1}`;
    if (/^#/.test(line) && !/^## \S/.test(line)) problems.push(`${at}: only "## " headings are allowed`);
    if (/^\s*(\d+[.)]|[*+>|]|```|-(?! ))/.test(line) && !line.startsWith('**')) problems.push(`${at}: only "- " lists are allowed`);
    if (/^\s+\S/.test(line)) problems.push(`${at}: lines must not be indented`);
    if (/<\/?[a-zA-Z!]/.test(line)) problems.push(`${at}: HTML is not allowed`);
    if (/[`[\]_~]/.test(line.replace(placeholderPattern, ''))) problems.push(`${at}: links, code, underscores and strike-through are not allowed`);
    const withoutBold = line.replace(/\*\*/g, '');
    if (withoutBold.includes('*')) problems.push(`${at}: only **bold** is allowed`);
    if ((line.match(/\*\*/g) ?? []).length % 2 !== 0) problems.push(`${at}: **bold** must end on the line it starts`);
    if (line.replace(placeholderPattern, '').includes('{{') || line.replace(placeholderPattern, '').includes('}}')) problems.push(`${at}: malformed placeholder`);
  });
  return problems;
}

/** The placeholder names used in a text, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(placeholderPattern)].map((m) => m[1]!);
}

/** Why a placeholder cannot be filled for this service and template, or undefined when it can. */
function unknownPlaceholder(name: string, service: Service, values: LetterValueDefinition[]): string | undefined {
  if (fixedPlaceholders.includes(name)) return undefined;
  if (decisionFeePlaceholders.includes(name)) {
    return service.definition.payment?.mode === 'after' ? undefined : `${name} needs payment mode "after" in the service definition`;
  }
  const [root, a, b, ...rest] = name.split('.');
  if (root === 'values' && a && !b) return values.some((v) => v.name === a) ? undefined : `values.${a} is not declared under "values"`;
  if (root === 'answers' && a && b && rest.length === 0) {
    const step = service.definition.form?.steps.find((s) => s.id === a);
    return step?.fields.some((f) => f.id === b) ? undefined : `${name} is no field of the form of ${service.definition.id}`;
  }
  return `unknown placeholder ${name}`;
}

/** Parses one template file; throws an error listing every problem. */
export function parseLetterTemplate(source: string, where: { serviceId: string; id: string }, service: Service): LetterTemplate {
  const match = source.replace(/\r\n/g, '\n').match(/^---\n([\s\S]*?)\n---\n([\s\S]*)$/);
  if (!match) throw new Error('must start with front matter between "---" lines');
  const parsed = frontMatter.safeParse(parseYaml(match[1]!));
  if (!parsed.success) throw new Error(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  const written = match[2]!.trim();
  const remedyAt = written.split(/\n\s*\n/).filter((paragraph) => paragraph.trim() === remedyMarker).length;
  const remedyProblem = parsed.data.legalRemedy
    ? (remedyAt === 1 ? undefined : `with legalRemedy the body must hold one paragraph ${remedyMarker} where the notice goes`)
    : (written.includes(remedyMarker) ? `${remedyMarker} needs legalRemedy in the front matter` : undefined);
  if (remedyProblem) throw new Error(remedyProblem);
  const body = parsed.data.legalRemedy ? written.replace(remedyMarker, legalRemedyText(parsed.data.legalRemedy)) : written;
  const names = new Set(parsed.data.values.map((v) => v.name));
  const used = [...parsed.data.recipient, body].flatMap(placeholdersIn);
  const problems = [
    ...notationProblems(body),
    ...used.map((name) => unknownPlaceholder(name, service, parsed.data.values)).filter((p): p is string => p !== undefined),
    ...(names.size !== parsed.data.values.length ? ['values: duplicate name'] : []),
    ...parsed.data.values.filter((v) => !used.includes(`values.${v.name}`)).map((v) => `values.${v.name} is declared but not used`),
    // The payment request goes out with a positive decision letter: the letter must say what is due.
    ...(service.definition.payment?.mode === 'after' && parsed.data.outcomes?.some((o) => o !== 'rejected') && !used.includes('fees.total')
      ? ['a decision letter of a service paid after the decision must print {{fees.total}}'] : []),
  ];
  if (problems.length > 0) throw new Error([...new Set(problems)].join('; '));
  return { ...parsed.data, id: where.id, serviceId: where.serviceId, body };
}

/**
 * Reads and validates every services/<id>/letters/*.md against its service's form; one bad
 * template stops the start with all problems listed (as service definitions do).
 */
export async function loadLetterTemplates(services: Map<string, Service>, dir = servicesDir): Promise<Map<string, LetterTemplate[]>> {
  const templates = new Map<string, LetterTemplate[]>();
  const problems: string[] = [];
  for (const service of services.values()) {
    const folder = path.join(dir, service.definition.id, 'letters');
    if (!existsSync(folder)) continue;
    const list: LetterTemplate[] = [];
    for (const file of (await readdir(folder)).filter((f) => f.endsWith('.md')).sort()) {
      const id = file.slice(0, -3);
      const where = `services/${service.definition.id}/letters/${file}`;
      if (!/^[a-z0-9-]{2,60}$/.test(id)) {
        problems.push(`${where}: file name must be lowercase letters, digits and dashes`);
        continue;
      }
      try {
        list.push(parseLetterTemplate(await readFile(path.join(folder, file), 'utf8'), { serviceId: service.definition.id, id }, service));
      } catch (error) {
        problems.push(`${where}: ${(error as Error).message}`);
      }
    }
    templates.set(service.definition.id, list);
  }
  if (problems.length > 0) throw new Error(`Invalid letter templates:\n  ${problems.join('\n  ')}`);
  return templates;
}

/** Whether a template may be used for a case in its current state. */
export function fitsCase(template: LetterTemplate, c: { serviceId: string; decision: string | null }): boolean {
  if (template.serviceId !== c.serviceId) return false;
  return !template.outcomes || template.outcomes.includes(c.decision as DecisionOutcome);
}
