import type { CaseStatus } from './case.js';

/** Roles a staff member holds per department (staff_departments.role). */
export type DepartmentRole = 'clerk' | 'team_lead' | 'department_admin';

/** What a clerk asks to change on a case. */
export type CaseCommand =
  | { kind: 'status'; to: CaseStatus; decision?: 'approved' | 'partly' | 'rejected' }
  | { kind: 'assign'; staffId: string }
  | { kind: 'step'; step: string | null }
  /** Ask another department (Beteiligung), or answer such a request on the linked case. */
  | { kind: 'involve' }
  | { kind: 'answer' }
  /** Ask the applicant (Nachforderung), or withdraw an open question. */
  | { kind: 'ask' }
  | { kind: 'withdrawRequest' };

/** The commands changeCase carries out (involvements have their own functions). */
export type CaseChange = Extract<CaseCommand, { kind: 'status' | 'assign' | 'step' }>;

/** The state of a case that the rules look at. */
export interface CaseState {
  status: CaseStatus;
  assigneeId: string | null;
  step: string | null;
  /** A linked case answers another department's request: it is closed by the answer, not decided. */
  linked?: boolean;
}

/**
 * Status changes staff may make. "withdrawn" is the applicant's own act and has no entry here;
 * reopening a decided case is for team leads, because a delivered decision is corrected by a new
 * one, not edited.
 */
const transitions: Record<CaseStatus, Array<{ to: CaseStatus; leadsOnly?: boolean }>> = {
  received: [{ to: 'in_progress' }],
  in_progress: [{ to: 'waiting_for_applicant' }, { to: 'decided' }],
  waiting_for_applicant: [{ to: 'in_progress' }],
  decided: [{ to: 'closed' }, { to: 'in_progress', leadsOnly: true }],
  closed: [],
  withdrawn: [],
};

/** Team leads and department admins may act on any case of their department. */
export const isLead = (role: DepartmentRole) => role === 'team_lead' || role === 'department_admin';

/** The statuses this staff member may move the case to now. */
export function allowedTransitions(state: CaseState, actor: { staffId: string; role: DepartmentRole }): CaseStatus[] {
  // A clerk works on the cases assigned to them; starting an unassigned case takes it.
  const mayWork = isLead(actor.role) || state.assigneeId === actor.staffId || (state.status === 'received' && state.assigneeId === null);
  if (!mayWork) return [];
  return transitions[state.status].filter((t) => (!t.leadsOnly || isLead(actor.role)) && (!state.linked || t.to === 'in_progress')).map((t) => t.to);
}

/** Why a command is refused, or undefined when the rules allow it. */
export function refusal(
  state: CaseState,
  command: CaseCommand,
  actor: { staffId: string; role: DepartmentRole },
  context: { stepIds: string[]; departmentStaffIds: string[] },
): 'notAllowed' | 'decisionRequired' | 'unknownStep' | 'unknownStaff' | undefined {
  const open = state.status !== 'closed' && state.status !== 'withdrawn';
  switch (command.kind) {
    case 'status':
      if (!allowedTransitions(state, actor).includes(command.to)) return 'notAllowed';
      if (command.to === 'decided' && !command.decision) return 'decisionRequired';
      return undefined;
    case 'assign':
      if (!open) return 'notAllowed';
      if (!context.departmentStaffIds.includes(command.staffId)) return 'unknownStaff';
      // Clerks take unassigned cases for themselves; handing a case to someone (else) is the team lead's call.
      return isLead(actor.role) || (command.staffId === actor.staffId && state.assigneeId === null) ? undefined : 'notAllowed';
    case 'step':
      if (state.status !== 'in_progress') return 'notAllowed';
      if (command.step !== null && !context.stepIds.includes(command.step)) return 'unknownStep';
      return isLead(actor.role) || state.assigneeId === actor.staffId ? undefined : 'notAllowed';
    case 'involve':
    case 'answer':
    case 'ask':
      return state.status === 'in_progress' && !(command.kind === 'ask' && state.linked) && (isLead(actor.role) || state.assigneeId === actor.staffId) ? undefined : 'notAllowed';
    case 'withdrawRequest':
      // Whoever works on the case may take the question back in any status, even after a decision.
      return isLead(actor.role) || state.assigneeId === actor.staffId ? undefined : 'notAllowed';
  }
}
