import type { Localized } from '../../platform/i18n/i18n.js';
import type { DepartmentContact } from '../../platform/db/schema.js';
import type { AdminMessage } from './administration.i18n.js';

/** The roles a staff member can hold in a department, least to most rights (closed set, as in SQL). */
export const departmentRoles = ['clerk', 'team_lead', 'department_admin'] as const;
/** A role in a department. */
export type DepartmentRole = (typeof departmentRoles)[number];

/** Whether a string is one of the department roles. */
export function isDepartmentRole(value: string): value is DepartmentRole {
  return (departmentRoles as readonly string[]).includes(value);
}

/**
 * Who changes the town's set-up: a signed-in staff member with their rights, or the command line
 * (an operator with shell access to the installation, who may do what a town admin may).
 */
export type AdminActor =
  | { kind: 'staff'; staffId: string; townAdmin: boolean; departmentAdminOf: readonly string[] }
  | { kind: 'cli' };

/** How the audit log names an actor. */
export function auditActor(actor: AdminActor): string {
  return actor.kind === 'cli' ? 'cli' : `staff:${actor.staffId}`;
}

/** A staff account as the administration lists it. */
export interface StaffAccount {
  id: string;
  email: string;
  name: string;
  townAdmin: boolean;
  active: boolean;
  /** Invited and not yet accepted: no password chosen. */
  invited: boolean;
  roles: Array<{ departmentId: string; departmentKey: string; role: DepartmentRole }>;
}

/** A department as the administration shows it. */
export interface DepartmentRecord {
  id: string;
  key: string;
  name: Localized;
  contact: DepartmentContact;
  active: boolean;
}

/**
 * Why a change was not made: not allowed, no such thing (in this town), or what is wrong with the
 * input, per field (messages in administration.i18n.ts, so the pages and the CLI say the same).
 */
export type Refusal =
  | { kind: 'forbidden' }
  | { kind: 'notFound' }
  | { kind: 'invalid'; errors: Partial<Record<string, AdminText>> };

/** A refusal message, with the values it names. */
export type AdminText = AdminMessage | { key: AdminMessage; params: Record<string, string | number> };

/** The outcome of an administration use case. */
export type Outcome<T = undefined> = { ok: true; value: T } | ({ ok: false } & Refusal);

/** A use case that succeeded without a value to return. */
export const done: Outcome = { ok: true, value: undefined };

/** A refusal for one field. */
export function invalid(field: string, message: AdminText): { ok: false } & Refusal {
  return { ok: false, kind: 'invalid', errors: { [field]: message } };
}

/** Case statuses after which a case needs nothing more from its department. */
export const finishedCaseStatuses = ['closed', 'withdrawn'] as const;

/** How long an invitation link stays valid. */
export const invitationHours = 72;
