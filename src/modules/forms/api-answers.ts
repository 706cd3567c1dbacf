import type { FieldDefinition, FormDefinition } from './form-definition.js';
import type { RawInput } from './answers.js';

/** JSON Schema (2020-12) of the answers a service accepts through the API; files are not accepted there. */
export function answersJsonSchema(form: FormDefinition): Record<string, unknown> {
  const fieldSchema = (f: FieldDefinition): Record<string, unknown> => {
    const description = f.label.de;
    switch (f.type) {
      case 'text': return { type: 'string', maxLength: f.maxLength, description };
      case 'textarea': return { type: 'string', maxLength: f.maxLength, description };
      case 'number': return { type: f.integer ? 'integer' : 'number', ...(f.min !== undefined ? { minimum: f.min } : {}), ...(f.max !== undefined ? { maximum: f.max } : {}), description };
      case 'date': return { type: 'string', format: 'date', description };
      case 'email': return { type: 'string', format: 'email', description };
      case 'phone': case 'iban': return { type: 'string', description };
      case 'postcode': return { type: 'string', pattern: '^\\d{5}$', description };
      case 'address': return { type: 'object', additionalProperties: false, required: ['street', 'houseNumber', 'postcode', 'city'], properties: { street: { type: 'string' }, houseNumber: { type: 'string' }, postcode: { type: 'string', pattern: '^\\d{5}$' }, city: { type: 'string' } }, description };
      case 'select': case 'radio': return { type: 'string', enum: f.options.map((o) => o.value), description };
      case 'checkboxes': return { type: 'array', items: { type: 'string', enum: f.options.map((o) => o.value) }, uniqueItems: true, description };
      case 'yesno': return { type: 'boolean', description };
      case 'file': return { not: {}, description: `${description} (nur im Browser hochladbar / upload in the browser only)` };
      case 'group': return { type: 'array', minItems: f.min, maxItems: f.max, items: { type: 'object', additionalProperties: false, properties: Object.fromEntries(f.fields.map((s) => [s.id, fieldSchema(s)])) }, description };
    }
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    additionalProperties: false,
    properties: Object.fromEntries(form.steps.map((s) => [s.id, {
      type: 'object',
      title: s.title.de,
      additionalProperties: false,
      properties: Object.fromEntries(s.fields.filter((f) => f.type !== 'file').map((f) => [f.id, fieldSchema(f)])),
    }])),
  };
}

type Problem = { path: string; message: string };

/**
 * Converts JSON answers to the form input the browser would post, checking JSON types on the way,
 * so the API is validated by exactly the same rules as the HTML form. Unknown keys are problems.
 */
export function apiAnswersToRawInput(form: FormDefinition, body: unknown): { raw: Record<string, RawInput>; problems: Problem[] } {
  const problems: Problem[] = [];
  const raw: Record<string, RawInput> = {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return { raw, problems: [{ path: 'answers', message: 'must be an object' }] };
  for (const key of Object.keys(body)) if (!form.steps.some((s) => s.id === key)) problems.push({ path: key, message: 'unknown step' });
  const put = (target: RawInput, f: FieldDefinition, name: string, value: unknown, path: string) => {
    const wrong = (expected: string) => problems.push({ path, message: `must be ${expected}` });
    switch (f.type) {
      case 'file': return wrong('omitted: files can only be uploaded in the browser');
      case 'yesno': return typeof value === 'boolean' ? void (target[name] = value ? 'yes' : 'no') : wrong('a boolean');
      case 'number': return typeof value === 'number' ? void (target[name] = String(value)) : wrong('a number');
      case 'checkboxes': return Array.isArray(value) && value.every((v) => typeof v === 'string') ? void (target[name] = value as string[]) : wrong('an array of strings');
      case 'address': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) return wrong('an object with street, houseNumber, postcode, city');
        for (const [k, v] of Object.entries(value)) {
          if (!['street', 'houseNumber', 'postcode', 'city'].includes(k) || typeof v !== 'string') problems.push({ path: `${path}.${k}`, message: 'unknown or not a string' });
          else target[`${name}.${k}`] = v;
        }
        return;
      }
      case 'group': {
        if (!Array.isArray(value)) return wrong('an array');
        if (value.length > f.max) return wrong(`at most ${f.max} items`);
        value.forEach((item, i) => {
          if (typeof item !== 'object' || item === null || Array.isArray(item)) return problems.push({ path: `${path}.${i}`, message: 'must be an object' });
          target[`${name}.${i}.${f.fields[0]!.id}`] ??= '';
          for (const [k, v] of Object.entries(item)) {
            const sub = f.fields.find((s) => s.id === k);
            if (!sub) problems.push({ path: `${path}.${i}.${k}`, message: 'unknown field' });
            else put(target, sub, `${name}.${i}.${k}`, v, `${path}.${i}.${k}`);
          }
        });
        return;
      }
      default: return typeof value === 'string' ? void (target[name] = value) : wrong('a string');
    }
  };
  for (const step of form.steps) {
    const stepValue = (body as Record<string, unknown>)[step.id];
    if (stepValue === undefined) continue;
    if (typeof stepValue !== 'object' || stepValue === null || Array.isArray(stepValue)) {
      problems.push({ path: step.id, message: 'must be an object' });
      continue;
    }
    const target: RawInput = {};
    for (const [k, v] of Object.entries(stepValue)) {
      const field = step.fields.find((f) => f.id === k);
      if (!field) problems.push({ path: `${step.id}.${k}`, message: 'unknown field' });
      else put(target, field, k, v, `${step.id}.${k}`);
    }
    raw[step.id] = target;
  }
  return { raw, problems };
}
