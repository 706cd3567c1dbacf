import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { hashToken } from '../../platform/crypto/tokens.js';
import { enqueueJob } from '../../platform/jobs/jobs.js';
import { recordAudit } from '../audit/index.js';
import { createStaff, hashPassword, resetSecondFactor } from '../staff/index.js';
import {
  auditActor, done, invalid, type AdminActor, type DepartmentRecord, type Outcome, type StaffAccount,
} from './administration.js';
import { mayManageRolesIn, mayManageTown, mayOpenAdministration } from './administration.policy.js';
import {
  countDepartmentWork, deleteRole, deleteSessionsOf, findDepartment, findInvitation, findInvitationForUpdate, findStaffAccount, insertDepartment,
  listDepartmentRecords, listStaffAccounts, lockActiveTownAdmins, updateDepartment, updateStaff, upsertRole, useInvitations,
} from './administration.repository.js';
import {
  departmentSchema, newDepartmentSchema, newPasswordSchema, newStaffSchema, parseInput, roleAssignmentSchema,
  type DepartmentInput, type NewDepartmentInput, type NewStaffInput, type RoleAssignmentInput,
} from './administration.schema.js';

/** The job that mails an invitation link (made when the mail is sent, so it never sits in the job table). */
export const invitationJob = 'staff.invitation';

/** Which staff account: by id (pages) or by e-mail address (command line). */
export type StaffRef = { id: string } | { email: string };
/** Which department: by id (pages) or by key (command line). */
export type DepartmentRef = { id: string } | { key: string };

const forbidden = { ok: false, kind: 'forbidden' } as const;
const notFound = { ok: false, kind: 'notFound' } as const;

/** PostgreSQL's unique_violation: a concurrent insert won the race for an e-mail address or key. */
function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === '23505';
}

/** The town's staff accounts with their roles (town and department admins). */
export async function listStaff(db: Db, tenantId: string, actor: AdminActor): Promise<Outcome<StaffAccount[]>> {
  if (!mayOpenAdministration(actor)) return forbidden;
  return { ok: true, value: await inTransaction(db, { tenantId }, listStaffAccounts) };
}

/** One staff account with its roles (town and department admins). */
export async function getStaffAccount(db: Db, tenantId: string, actor: AdminActor, ref: StaffRef): Promise<Outcome<StaffAccount>> {
  if (!mayOpenAdministration(actor)) return forbidden;
  const account = await inTransaction(db, { tenantId }, (trx) => findStaffAccount(trx, ref));
  return account ? { ok: true, value: account } : notFound;
}

/** The town's departments, active or not (town and department admins, who need their names). */
export async function listDepartments(db: Db, tenantId: string, actor: AdminActor): Promise<Outcome<DepartmentRecord[]>> {
  if (!mayOpenAdministration(actor)) return forbidden;
  return { ok: true, value: await inTransaction(db, { tenantId }, listDepartmentRecords) };
}

/**
 * Creates a staff account (town admins). Without a password it is invited: a job mails a link to
 * choose one. With a password (command line) it can sign in at once.
 */
export async function createStaffAccount(db: Db, tenantId: string, actor: AdminActor, input: NewStaffInput & { password?: string }): Promise<Outcome<{ id: string }>> {
  if (!mayManageTown(actor)) return forbidden;
  const parsed = parseInput(newStaffSchema, input);
  if (!parsed.ok) return { ok: false, kind: 'invalid', errors: parsed.errors };
  const v = parsed.data;
  try {
    return await inTransaction(db, { tenantId }, async (trx): Promise<Outcome<{ id: string }>> => {
      if (await findStaffAccount(trx, { email: v.email })) return invalid('email', 'emailTaken');
      const departments = [];
      if (v.department) {
        const department = await findDepartment(trx, { key: v.department });
        if (!department) return invalid('department', 'departmentUnknown');
        if (!department.active) return invalid('department', 'departmentInactive');
        departments.push({ key: department.key, role: v.role });
      }
      const id = await createStaff(trx, { tenantId, email: v.email, name: v.name, password: input.password, townAdmin: v.townAdmin, departments });
      await recordAudit(trx, {
        tenantId, actor: auditActor(actor), action: 'staff.created', subject: `staff:${id}`,
        details: { townAdmin: v.townAdmin, invited: input.password === undefined, ...(departments[0] ? { department: departments[0].key, role: departments[0].role } : {}) },
      });
      if (input.password === undefined) await enqueueJob(trx, { tenantId, kind: invitationJob, payload: { staffId: id } });
      return { ok: true, value: { id } };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return invalid('email', 'emailTaken');
    throw error;
  }
}

/**
 * Runs a change to one staff account with its row locked; the account must exist in this town.
 * With `lastAdminGuard`, fn learns whether the change would take the town's last active town
 * admin away (see removesLastTownAdmin).
 */
function changeStaff(db: Db, tenantId: string, ref: StaffRef, fn: (trx: Trx, account: StaffAccount, isLastTownAdmin: boolean) => Promise<Outcome>, options: { lastAdminGuard?: boolean } = {}): Promise<Outcome> {
  return inTransaction(db, { tenantId }, async (trx) => {
    // Locks are always taken in one order, the town admins (by id) before the account, so two
    // admins removing each other's right wait for each other instead of deadlocking.
    const admins = options.lastAdminGuard ? await lockActiveTownAdmins(trx) : [];
    const account = await findStaffAccount(trx, ref, { forUpdate: true });
    if (!account) return notFound;
    // Read after the lock: a concurrent removal that committed first is seen, so the second one is refused.
    const isLastTownAdmin = account.townAdmin && account.active && admins.length === 1 && admins[0] === account.id;
    return fn(trx, account, isLastTownAdmin);
  });
}

/** Gives a staff member a role in a department, replacing their role there (town admins; department admins in their departments). */
export async function grantRole(db: Db, tenantId: string, actor: AdminActor, ref: StaffRef, input: RoleAssignmentInput): Promise<Outcome> {
  if (!mayOpenAdministration(actor)) return forbidden;
  const parsed = parseInput(roleAssignmentSchema, input);
  if (!parsed.ok) return { ok: false, kind: 'invalid', errors: parsed.errors };
  const { department: key, role } = parsed.data;
  return changeStaff(db, tenantId, ref, async (trx, account) => {
    const department = await findDepartment(trx, { key });
    if (!department) return invalid('department', 'departmentUnknown');
    if (!mayManageRolesIn(actor, department.id)) return forbidden;
    if (!department.active) return invalid('department', 'departmentInactive');
    await upsertRole(trx, tenantId, account.id, department.id, role);
    const previous = account.roles.find((r) => r.departmentId === department.id)?.role;
    await recordAudit(trx, { tenantId, actor: auditActor(actor), action: 'staff.role_granted', subject: `staff:${account.id}`, details: { department: key, role, ...(previous ? { previous } : {}) } });
    return done;
  });
}

/** Removes a staff member's role in a department (town admins; department admins in their departments). */
export async function revokeRole(db: Db, tenantId: string, actor: AdminActor, ref: StaffRef, departmentKey: string): Promise<Outcome> {
  if (!mayOpenAdministration(actor)) return forbidden;
  return changeStaff(db, tenantId, ref, async (trx, account) => {
    const department = await findDepartment(trx, { key: departmentKey });
    if (!department) return invalid('department', 'departmentUnknown');
    if (!mayManageRolesIn(actor, department.id)) return forbidden;
    const role = account.roles.find((r) => r.departmentId === department.id)?.role;
    if (!role || !(await deleteRole(trx, account.id, department.id))) return invalid('department', 'roleMissing');
    await recordAudit(trx, { tenantId, actor: auditActor(actor), action: 'staff.role_revoked', subject: `staff:${account.id}`, details: { department: department.key, role } });
    return done;
  });
}

/** Gives or removes the administration right (town admins); the last active town admin keeps it. */
export async function setTownAdmin(db: Db, tenantId: string, actor: AdminActor, ref: StaffRef, townAdmin: boolean): Promise<Outcome> {
  if (!mayManageTown(actor)) return forbidden;
  return changeStaff(db, tenantId, ref, async (trx, account, isLastTownAdmin) => {
    if (account.townAdmin === townAdmin) return done;
    if (!townAdmin && isLastTownAdmin) return invalid('townAdmin', 'lastTownAdmin');
    await updateStaff(trx, account.id, { town_admin: townAdmin });
    await recordAudit(trx, { tenantId, actor: auditActor(actor), action: townAdmin ? 'staff.town_admin_granted' : 'staff.town_admin_revoked', subject: `staff:${account.id}` });
    return done;
  }, { lastAdminGuard: !townAdmin });
}

/**
 * Deactivates an account, ending its sessions at once, or reactivates it (town admins). The last
 * active town admin cannot be deactivated.
 */
export async function setStaffActive(db: Db, tenantId: string, actor: AdminActor, ref: StaffRef, active: boolean): Promise<Outcome> {
  if (!mayManageTown(actor)) return forbidden;
  return changeStaff(db, tenantId, ref, async (trx, account, isLastTownAdmin) => {
    if (account.active === active) return done;
    if (!active && isLastTownAdmin) return invalid('status', 'lastTownAdmin');
    await updateStaff(trx, account.id, { deactivated_at: active ? null : new Date() });
    if (!active) await deleteSessionsOf(trx, account.id);
    await recordAudit(trx, { tenantId, actor: auditActor(actor), action: active ? 'staff.activated' : 'staff.deactivated', subject: `staff:${account.id}` });
    return done;
  }, { lastAdminGuard: !active });
}

/** Clears an account's authenticator app and recovery codes and signs it out (town admins). */
export async function resetStaffSecondFactor(db: Db, tenantId: string, actor: AdminActor, ref: StaffRef): Promise<Outcome> {
  if (!mayManageTown(actor)) return forbidden;
  return changeStaff(db, tenantId, ref, async (trx, account) => {
    if (!account.active) return invalid('secondFactor', 'staffInactive');
    await resetSecondFactor(trx, tenantId, account.email, auditActor(actor));
    return done;
  });
}

/** Mails a new invitation link to an account that has not chosen a password yet (town admins). */
export async function resendInvitation(db: Db, tenantId: string, actor: AdminActor, ref: StaffRef): Promise<Outcome> {
  if (!mayManageTown(actor)) return forbidden;
  return changeStaff(db, tenantId, ref, async (trx, account) => {
    if (!account.active) return invalid('invitation', 'staffInactive');
    if (!account.invited) return invalid('invitation', 'alreadyAccepted');
    await enqueueJob(trx, { tenantId, kind: invitationJob, payload: { staffId: account.id } });
    await recordAudit(trx, { tenantId, actor: auditActor(actor), action: 'staff.invited', subject: `staff:${account.id}` });
    return done;
  });
}

function departmentValues(v: { nameDe: string; nameEn: string; contactEmail: string; phone: string; room: string; hoursDe: string; hoursEn: string }) {
  return {
    name: { de: v.nameDe, ...(v.nameEn ? { en: v.nameEn } : {}) },
    contact: { email: v.contactEmail, phone: v.phone, ...(v.room ? { room: v.room } : {}), ...(v.hoursDe ? { hours: { de: v.hoursDe, ...(v.hoursEn ? { en: v.hoursEn } : {}) } } : {}) },
  };
}

/** Creates a department (town admins). */
export async function createDepartment(db: Db, tenantId: string, actor: AdminActor, input: NewDepartmentInput): Promise<Outcome<{ id: string }>> {
  if (!mayManageTown(actor)) return forbidden;
  const parsed = parseInput(newDepartmentSchema, input);
  if (!parsed.ok) return { ok: false, kind: 'invalid', errors: parsed.errors };
  const v = parsed.data;
  try {
    return await inTransaction(db, { tenantId }, async (trx): Promise<Outcome<{ id: string }>> => {
      if (await findDepartment(trx, { key: v.key })) return invalid('key', 'keyTaken');
      const id = await insertDepartment(trx, tenantId, { key: v.key, ...departmentValues(v) });
      await recordAudit(trx, { tenantId, actor: auditActor(actor), action: 'department.created', subject: `department:${id}`, details: { key: v.key } });
      return { ok: true, value: { id } };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return invalid('key', 'keyTaken');
    throw error;
  }
}

/** Changes a department's names and contact details; its key stays (town admins). */
export async function updateDepartmentDetails(db: Db, tenantId: string, actor: AdminActor, ref: DepartmentRef, input: DepartmentInput): Promise<Outcome> {
  if (!mayManageTown(actor)) return forbidden;
  const parsed = parseInput(departmentSchema, input);
  if (!parsed.ok) return { ok: false, kind: 'invalid', errors: parsed.errors };
  return inTransaction(db, { tenantId }, async (trx) => {
    const department = await findDepartment(trx, ref, { forUpdate: true });
    if (!department) return notFound;
    await updateDepartment(trx, department.id, departmentValues(parsed.data));
    await recordAudit(trx, { tenantId, actor: auditActor(actor), action: 'department.updated', subject: `department:${department.id}`, details: { key: department.key } });
    return done;
  });
}

/**
 * Deactivates a department that has no open cases and handles no service any more, or
 * reactivates one (town admins). A department is never deleted: its closed cases refer to it.
 */
export async function setDepartmentActive(db: Db, tenantId: string, actor: AdminActor, ref: DepartmentRef, active: boolean): Promise<Outcome> {
  if (!mayManageTown(actor)) return forbidden;
  const found = await inTransaction(db, { tenantId }, (trx) => findDepartment(trx, ref));
  if (!found) return notFound;
  // Counting the department's cases needs its row-level security view: this transaction acts for it.
  return inTransaction(db, { tenantId, departmentIds: [found.id] }, async (trx) => {
    const department = (await findDepartment(trx, { id: found.id }, { forUpdate: true }))!;
    if (department.active === active) return done;
    if (!active) {
      const work = await countDepartmentWork(trx, department.id);
      if (work.openCases > 0) return invalid('status', { key: 'openCases', params: { count: work.openCases } });
      if (work.services > 0) return invalid('status', { key: 'servicesRouted', params: { count: work.services } });
    }
    await updateDepartment(trx, department.id, { deactivated_at: active ? null : new Date() });
    await recordAudit(trx, { tenantId, actor: auditActor(actor), action: active ? 'department.activated' : 'department.deactivated', subject: `department:${department.id}`, details: { key: department.key } });
    return done;
  });
}

/** The account an invitation link is for, while the link is valid (unused, not expired, account active and without password). */
export async function findOpenInvitation(db: Db, tenantId: string, token: string): Promise<{ email: string } | null> {
  return inTransaction(db, { tenantId }, async (trx) => {
    const invitation = await findInvitation(trx, hashToken(token));
    if (!invitation || invitation.used_at || invitation.expires_at <= new Date()) return null;
    const account = await findStaffAccount(trx, { id: invitation.staff_id });
    return account?.active && account.invited ? { email: account.email } : null;
  });
}

/**
 * Sets the password chosen through an invitation link and uses up all the account's invitations.
 * 'invalidLink' when the link is unknown, used, expired or its account deactivated.
 */
export async function acceptInvitation(db: Db, tenantId: string, token: string, input: { password: string; passwordConfirm: string }): Promise<Outcome | { ok: false; kind: 'invalidLink' }> {
  const parsed = parseInput(newPasswordSchema, input);
  if (!parsed.ok) return { ok: false, kind: 'invalid', errors: parsed.errors };
  // Hashed before the transaction: argon2id takes a while and needs no lock.
  const passwordHash = await hashPassword(parsed.data.password);
  return inTransaction(db, { tenantId }, async (trx) => {
    const invitation = await findInvitationForUpdate(trx, hashToken(token));
    if (!invitation || invitation.used_at || invitation.expires_at <= new Date()) return { ok: false, kind: 'invalidLink' } as const;
    const account = await findStaffAccount(trx, { id: invitation.staff_id }, { forUpdate: true });
    if (!account?.active || !account.invited) return { ok: false, kind: 'invalidLink' } as const;
    await updateStaff(trx, account.id, { password_hash: passwordHash });
    await useInvitations(trx, account.id);
    await recordAudit(trx, { tenantId, actor: `staff:${account.id}`, action: 'staff.invitation_accepted', subject: `staff:${account.id}` });
    return done;
  });
}
