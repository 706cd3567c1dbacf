import type { StaffMember } from '../staff/index.js';
import type { AdminActor } from './administration.js';

/** The administration rights of a signed-in staff member. */
export function adminActorOf(staff: StaffMember): AdminActor & { kind: 'staff' } {
  return {
    kind: 'staff',
    staffId: staff.id,
    townAdmin: staff.townAdmin,
    departmentAdminOf: staff.departments.filter((d) => d.role === 'department_admin').map((d) => d.id),
  };
}

/** Departments, accounts, the administration right: the town admin's (and the command line's). */
export function mayManageTown(actor: AdminActor): boolean {
  return actor.kind === 'cli' || actor.townAdmin;
}

/** Role assignments in a department: the town admin, or an admin of that department. */
export function mayManageRolesIn(actor: AdminActor, departmentId: string): boolean {
  return mayManageTown(actor) || (actor.kind === 'staff' && actor.departmentAdminOf.includes(departmentId));
}

/** The administration pages (the staff list and role assignments): town and department admins. */
export function mayOpenAdministration(actor: AdminActor): boolean {
  return mayManageTown(actor) || (actor.kind === 'staff' && actor.departmentAdminOf.length > 0);
}
