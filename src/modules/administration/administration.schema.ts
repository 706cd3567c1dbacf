import { z } from 'zod';
import { minPasswordLength } from '../staff/index.js';
import { departmentRoles } from './administration.js';
import type { AdminText } from './administration.js';
import type { AdminMessage } from './administration.i18n.js';

// One bare address with a dot in the domain; stricter than what the mailer accepts, so every
// address stored here can be mailed.
const emailPattern = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\.]+$/;
// Phone numbers as people write them: +49 2361 50-0, (02361) 500 / 12.
const phonePattern = /^[0-9+()/\- ]{3,40}$/;
/** Department keys appear in service routing and the CLI; the same rule as the SQL CHECK. */
export const departmentKeyPattern = /^[a-z0-9-]{2,40}$/;

const m = (message: AdminMessage) => ({ error: message });
const name = z.string().trim().min(1, m('nameRequired')).max(120, m('tooLong'));
const email = (required: AdminMessage) => z.string().trim().toLowerCase().min(1, m(required)).max(254, m('tooLong')).regex(emailPattern, m('emailInvalid'));
const optionalText = (max: number) => z.string().trim().max(max, m('tooLong'));
const role = z.string().min(1, m('roleRequired')).pipe(z.enum(departmentRoles, m('roleInvalid')));

/** A new staff account; `department` is an optional first role assignment (key and role). */
export const newStaffSchema = z.object({
  name,
  email: email('emailRequired'),
  townAdmin: z.boolean(),
  department: z.string().trim(),
  role: z.string(),
}).superRefine((v, ctx) => {
  if (!v.department) return;
  const parsed = role.safeParse(v.role);
  if (!parsed.success) ctx.addIssue({ code: 'custom', path: ['role'], message: parsed.error.issues[0]!.message });
});
export type NewStaffInput = z.input<typeof newStaffSchema>;

/** A role assignment: which department (by key) and which role. */
export const roleAssignmentSchema = z.object({
  department: z.string().trim().min(1, m('departmentRequired')),
  role,
});
export type RoleAssignmentInput = z.input<typeof roleAssignmentSchema>;

const departmentFields = {
  nameDe: name,
  nameEn: optionalText(120),
  contactEmail: email('contactEmailRequired'),
  phone: z.string().trim().min(1, m('phoneRequired')).regex(phonePattern, m('phoneInvalid')),
  room: optionalText(80),
  hoursDe: optionalText(300),
  hoursEn: optionalText(300),
};

/** A department's name and how citizens reach it (create and edit). */
export const departmentSchema = z.object(departmentFields);
export type DepartmentInput = z.input<typeof departmentSchema>;

/** A new department: its key, name and contact. */
export const newDepartmentSchema = z.object({
  key: z.string().trim().min(1, m('keyRequired')).regex(departmentKeyPattern, m('keyInvalid')),
  ...departmentFields,
});
export type NewDepartmentInput = z.input<typeof newDepartmentSchema>;

/** The password an invited staff member chooses, typed twice. */
export const newPasswordSchema = z.object({
  password: z.string().min(1, m('passwordRequired')).min(minPasswordLength, m('passwordTooShort')).max(1024, m('tooLong')),
  passwordConfirm: z.string(),
}).refine((v) => v.password === v.passwordConfirm, { path: ['passwordConfirm'], error: 'passwordMismatch' });

/** Parses input; on failure, the first problem of each field as a message key. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): { ok: true; data: z.output<S> } | { ok: false; errors: Record<string, AdminText> } {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const errors: Record<string, AdminText> = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (errors[field]) continue;
    errors[field] = issue.message === 'passwordTooShort' ? { key: 'passwordTooShort', params: { min: minPasswordLength } } : (issue.message as AdminMessage);
  }
  return { ok: false, errors };
}
