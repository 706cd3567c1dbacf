import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { ensureSession, findSession, isValidCsrfToken } from '../../platform/http/session.js';
import { localize, type Lang } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/html.js';
import type { PageContext } from '../../platform/views/layout.js';
import { requireStaff } from '../staff/index.js';
import type { AdminActor, AdminText, DepartmentRecord, Outcome, StaffAccount } from './administration.js';
import { doneMessages, t, type DoneMessage } from './administration.i18n.js';
import { adminActorOf, mayManageRolesIn, mayManageTown, mayOpenAdministration } from './administration.policy.js';
import {
  acceptInvitation, createDepartment, createStaffAccount, findOpenInvitation, getStaffAccount, grantRole, listDepartments, listStaff, resendInvitation,
  resetStaffSecondFactor, revokeRole, setDepartmentActive, setStaffActive, setTownAdmin, updateDepartmentDetails,
} from './administration.service.js';
import { invitationPath, isInvitationToken } from './invitation-mail.js';
import {
  adminPaths, departmentFormValues, DepartmentFormPage, DepartmentListPage, ForbiddenPage, NewStaffPage, StaffListPage, StaffPage, type AdminPageProps,
} from './views/admin-pages.js';
import { InvitationInvalidPage, InvitationPage } from './views/invitation-pages.js';

type FormRequest = FastifyRequest<{ Body: Record<string, unknown>; Params: { id: string } }>;
type PageRequest = FastifyRequest<{ Querystring: Record<string, string | undefined>; Params: { id: string } }>;

/** A signed-in admin on an administration page. */
interface Admin {
  tenantId: string;
  actor: AdminActor & { kind: 'staff' };
  page: AdminPageProps;
}

/** A form field as typed (a repeated field counts as missing), cut to a sane length. */
function field(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  return typeof value === 'string' ? value.slice(0, 2000) : '';
}

function fields(body: Record<string, unknown>, names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, field(body, n)]));
}

/** A refusal's messages in the page's language. */
function describe(lang: Lang, errors: Partial<Record<string, AdminText>>): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([k, text]) => [k, typeof text === 'string' ? t(lang, text) : t(lang, text!.key, text!.params)]));
}

const departmentFields = ['nameDe', 'nameEn', 'contactEmail', 'phone', 'room', 'hoursDe', 'hoursEn'] as const;
const newStaffFields = ['name', 'email', 'department', 'role', 'townAdmin'] as const;
// Invitation links are guessed at no better than sign-ins.
const invitationLimit = { rateLimit: { max: 10, timeWindow: '1 minute' } };

/** The town administration under /verwaltung/admin and the invitation links under /verwaltung/einladung. */
export async function administrationRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  /**
   * The signed-in town or department admin, or null after answering (sign-in redirect, 403). A form
   * post passes its body, whose CSRF token must match; `townOnly` pages are the town admin's.
   */
  async function requireAdmin(request: FastifyRequest, reply: FastifyReply, options: { form?: Record<string, unknown>; townOnly?: boolean } = {}): Promise<Admin | null> {
    const signedIn = await requireStaff(db, request, reply);
    if (!signedIn) return null;
    if (options.form && !isValidCsrfToken(signedIn, options.form._csrf)) {
      sendErrorPage(request, reply, 403);
      return null;
    }
    const actor = adminActorOf(signedIn.staff);
    if (!mayOpenAdministration(actor) || (options.townOnly && !mayManageTown(actor))) {
      sendPage(reply, <ForbiddenPage ctx={signedIn.ctx} staffName={signedIn.staff.name} />, 403);
      return null;
    }
    const done = (request.query as Record<string, string | undefined>).erledigt;
    return {
      tenantId: request.tenant.id,
      actor,
      page: { ctx: signedIn.ctx, staffName: signedIn.staff.name, townAdmin: actor.townAdmin, errors: {}, done: doneMessages.find((m) => m === done) },
    };
  }

  /** Answers a refused change: 403 page, 404, or the form again (422) with the messages. */
  function refuse(request: FastifyRequest, reply: FastifyReply, admin: Admin, result: Outcome<unknown> & { ok: false }, rerender: (errors: FieldErrors) => Promise<unknown>) {
    if (result.kind === 'forbidden') return sendPage(reply, <ForbiddenPage ctx={admin.page.ctx} staffName={admin.page.staffName} />, 403);
    if (result.kind === 'notFound') return reply.callNotFound();
    return rerender(describe(request.lang, result.errors));
  }

  const departmentsOf = async (request: FastifyRequest, actor: AdminActor): Promise<DepartmentRecord[]> => {
    const result = await listDepartments(db, request.tenant.id, actor);
    return result.ok ? result.value : [];
  };
  const nameOf = (lang: Lang, departments: DepartmentRecord[]) => (id: string) => {
    const d = departments.find((x) => x.id === id);
    return d ? localize(d.name, lang) : '';
  };

  app.get(adminPaths.staff, async (request: PageRequest, reply) => {
    const admin = await requireAdmin(request, reply);
    if (!admin) return reply;
    const accounts = await listStaff(db, request.tenant.id, admin.actor);
    if (!accounts.ok) return reply.callNotFound();
    const departments = await departmentsOf(request, admin.actor);
    return sendPage(reply, <StaffListPage {...admin.page} accounts={accounts.value} departmentName={nameOf(request.lang, departments)} />);
  });

  async function showNewStaff(request: FastifyRequest, reply: FastifyReply, admin: Admin, values: Record<string, string>, errors: FieldErrors = {}) {
    const departments = (await departmentsOf(request, admin.actor)).filter((d) => d.active);
    return sendPage(reply, <NewStaffPage {...admin.page} errors={errors} values={values} departments={departments} />, Object.keys(errors).length ? 422 : 200);
  }

  app.get(adminPaths.newStaff, async (request: PageRequest, reply) => {
    const admin = await requireAdmin(request, reply, { townOnly: true });
    if (!admin) return reply;
    return showNewStaff(request, reply, admin, { role: 'clerk' });
  });

  app.post(adminPaths.newStaff, async (request: FormRequest, reply) => {
    const body = request.body ?? {};
    const admin = await requireAdmin(request, reply, { form: body, townOnly: true });
    if (!admin) return reply;
    const values = fields(body, newStaffFields);
    const result = await createStaffAccount(db, request.tenant.id, admin.actor, {
      name: values.name!, email: values.email!, department: values.department!, role: values.role!, townAdmin: values.townAdmin === 'ja',
    });
    if (!result.ok) return refuse(request, reply, admin, result, (errors) => showNewStaff(request, reply, admin, values, errors));
    deps.jobs.kick();
    return reply.redirect(`${adminPaths.account(result.value.id)}?erledigt=created`, 303);
  });

  async function showAccount(request: FastifyRequest, reply: FastifyReply, admin: Admin, id: string, errors: FieldErrors = {}, values: Record<string, string> = {}) {
    const found = isUuid(id) ? await getStaffAccount(db, request.tenant.id, admin.actor, { id }) : undefined;
    if (!found?.ok) return reply.callNotFound();
    const account: StaffAccount = found.value;
    const departments = await departmentsOf(request, admin.actor);
    const grantable = departments.filter((d) => d.active && mayManageRolesIn(admin.actor, d.id));
    return sendPage(
      reply,
      <StaffPage {...admin.page} errors={errors} values={values} account={account} departmentName={nameOf(request.lang, departments)}
        grantable={grantable} mayRevoke={(departmentId) => mayManageRolesIn(admin.actor, departmentId)} />,
      Object.keys(errors).length ? 422 : 200,
    );
  }

  app.get(adminPaths.account(':id'), async (request: PageRequest, reply) => {
    const admin = await requireAdmin(request, reply);
    if (!admin) return reply;
    return showAccount(request, reply, admin, request.params.id);
  });

  /**
   * An account action: checks the id, runs the change, and redirects with its success message or
   * shows the account page again with the refusal.
   */
  function accountAction(path: string, run: (admin: Admin, id: string, body: Record<string, unknown>) => Promise<Outcome>, doneMessage: (body: Record<string, unknown>) => DoneMessage, options: { townOnly?: boolean; keep?: readonly string[] } = {}) {
    app.post(`${adminPaths.account(':id')}${path}`, async (request: FormRequest, reply) => {
      const body = request.body ?? {};
      const admin = await requireAdmin(request, reply, { form: body, townOnly: options.townOnly });
      if (!admin) return reply;
      const id = request.params.id;
      if (!isUuid(id)) return reply.callNotFound();
      const result = await run(admin, id, body);
      if (!result.ok) {
        return refuse(request, reply, admin, result, (errors) => showAccount(request, reply, admin, id, errors, fields(body, options.keep ?? [])));
      }
      if (doneMessage(body) === 'invitationSent') deps.jobs.kick();
      return reply.redirect(`${adminPaths.account(id)}?erledigt=${doneMessage(body)}`, 303);
    });
  }

  accountAction('/rollen', (admin, id, body) => grantRole(db, admin.tenantId, admin.actor, { id }, { department: field(body, 'department'), role: field(body, 'role') }), () => 'roleGranted', { keep: ['department', 'role'] });
  accountAction('/rollen/entziehen', (admin, id, body) => revokeRole(db, admin.tenantId, admin.actor, { id }, field(body, 'department')), () => 'roleRevoked');
  accountAction('/verwaltungsrecht', (admin, id, body) => setTownAdmin(db, admin.tenantId, admin.actor, { id }, field(body, 'townAdmin') === 'ja'),
    (body) => (field(body, 'townAdmin') === 'ja' ? 'adminGranted' : 'adminRevoked'), { townOnly: true });
  accountAction('/status', (admin, id, body) => setStaffActive(db, admin.tenantId, admin.actor, { id }, field(body, 'active') === 'ja'),
    (body) => (field(body, 'active') === 'ja' ? 'activated' : 'deactivated'), { townOnly: true });
  accountAction('/zweiter-faktor', (admin, id) => resetStaffSecondFactor(db, admin.tenantId, admin.actor, { id }), () => 'secondFactorReset', { townOnly: true });
  accountAction('/einladung', (admin, id) => resendInvitation(db, admin.tenantId, admin.actor, { id }), () => 'invitationSent', { townOnly: true });

  app.get(adminPaths.departments, async (request: PageRequest, reply) => {
    const admin = await requireAdmin(request, reply, { townOnly: true });
    if (!admin) return reply;
    return sendPage(reply, <DepartmentListPage {...admin.page} departments={await departmentsOf(request, admin.actor)} />);
  });

  app.get(adminPaths.newDepartment, async (request: PageRequest, reply) => {
    const admin = await requireAdmin(request, reply, { townOnly: true });
    if (!admin) return reply;
    return sendPage(reply, <DepartmentFormPage {...admin.page} values={{}} />);
  });

  app.post(adminPaths.newDepartment, async (request: FormRequest, reply) => {
    const body = request.body ?? {};
    const admin = await requireAdmin(request, reply, { form: body, townOnly: true });
    if (!admin) return reply;
    const values = fields(body, ['key', ...departmentFields]);
    const result = await createDepartment(db, request.tenant.id, admin.actor, values as { key: string } & Record<(typeof departmentFields)[number], string>);
    if (!result.ok) return refuse(request, reply, admin, result, async (errors) => sendPage(reply, <DepartmentFormPage {...admin.page} errors={errors} values={values} />, 422));
    return reply.redirect(`${adminPaths.department(result.value.id)}?erledigt=departmentCreated`, 303);
  });

  async function findDepartmentFor(request: FastifyRequest, admin: Admin, id: string): Promise<DepartmentRecord | undefined> {
    return isUuid(id) ? (await departmentsOf(request, admin.actor)).find((d) => d.id === id) : undefined;
  }

  app.get(adminPaths.department(':id'), async (request: PageRequest, reply) => {
    const admin = await requireAdmin(request, reply, { townOnly: true });
    if (!admin) return reply;
    const department = await findDepartmentFor(request, admin, request.params.id);
    if (!department) return reply.callNotFound();
    return sendPage(reply, <DepartmentFormPage {...admin.page} department={department} values={departmentFormValues(department)} />);
  });

  app.post(adminPaths.department(':id'), async (request: FormRequest, reply) => {
    const body = request.body ?? {};
    const admin = await requireAdmin(request, reply, { form: body, townOnly: true });
    if (!admin) return reply;
    const department = await findDepartmentFor(request, admin, request.params.id);
    if (!department) return reply.callNotFound();
    const values = fields(body, departmentFields) as Record<(typeof departmentFields)[number], string>;
    const result = await updateDepartmentDetails(db, request.tenant.id, admin.actor, { id: department.id }, values);
    if (!result.ok) return refuse(request, reply, admin, result, async (errors) => sendPage(reply, <DepartmentFormPage {...admin.page} errors={errors} department={department} values={values} />, 422));
    return reply.redirect(`${adminPaths.department(department.id)}?erledigt=departmentSaved`, 303);
  });

  app.post(`${adminPaths.department(':id')}/status`, async (request: FormRequest, reply) => {
    const body = request.body ?? {};
    const admin = await requireAdmin(request, reply, { form: body, townOnly: true });
    if (!admin) return reply;
    const department = await findDepartmentFor(request, admin, request.params.id);
    if (!department) return reply.callNotFound();
    const active = field(body, 'active') === 'ja';
    const result = await setDepartmentActive(db, request.tenant.id, admin.actor, { id: department.id }, active);
    if (!result.ok) {
      return refuse(request, reply, admin, result, async (errors) =>
        sendPage(reply, <DepartmentFormPage {...admin.page} errors={errors} department={department} values={departmentFormValues(department)} />, 422));
    }
    return reply.redirect(`${adminPaths.department(department.id)}?erledigt=${active ? 'departmentActivated' : 'departmentDeactivated'}`, 303);
  });

  // Invitation links: no sign-in; the token is the only key, so every invalid one gets the same answer.
  const pageContext = (request: FastifyRequest, csrfToken: string): PageContext => ({ lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken });
  const invalidLink = (request: FastifyRequest, reply: FastifyReply, csrfToken: string) => sendPage(reply, <InvitationInvalidPage ctx={pageContext(request, csrfToken)} />, 404);

  app.get(`${invitationPath}/:token`, async (request: FastifyRequest<{ Params: { token: string } }>, reply) => {
    const session = await ensureSession(db, request, reply);
    reply.header('cache-control', 'no-store');
    const { token } = request.params;
    const invitation = isInvitationToken(token) ? await findOpenInvitation(db, request.tenant.id, token) : null;
    if (!invitation) return invalidLink(request, reply, session.csrfToken);
    return sendPage(reply, <InvitationPage ctx={pageContext(request, session.csrfToken)} action={`${invitationPath}/${token}`} email={invitation.email} errors={{}} />);
  });

  app.post(`${invitationPath}/:token`, { config: invitationLimit }, async (request: FastifyRequest<{ Params: { token: string }; Body: Record<string, unknown> }>, reply) => {
    const session = await findSession(db, request);
    const body = request.body ?? {};
    if (!isValidCsrfToken(session, body._csrf)) return sendErrorPage(request, reply, 403);
    reply.header('cache-control', 'no-store');
    const { token } = request.params;
    const invitation = isInvitationToken(token) ? await findOpenInvitation(db, request.tenant.id, token) : null;
    if (!invitation) return invalidLink(request, reply, session!.csrfToken);
    const result = await acceptInvitation(db, request.tenant.id, token, { password: field(body, 'password'), passwordConfirm: field(body, 'passwordConfirm') });
    if (result.ok) return reply.redirect('/verwaltung/anmelden', 303);
    if (result.kind !== 'invalid') return invalidLink(request, reply, session!.csrfToken);
    return sendPage(reply, <InvitationPage ctx={pageContext(request, session!.csrfToken)} action={`${invitationPath}/${token}`} email={invitation.email} errors={describe(request.lang, result.errors)} />, 422);
  });
}
