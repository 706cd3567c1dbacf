import type { ComponentChildren } from 'preact';
import { localize, type Lang } from '../../../platform/i18n/i18n.js';
import { Alert, Button, ChoiceField, CsrfField, ErrorSummary, SelectField, SummaryList, Table, TextField, inputId, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { StaffBar } from '../../cases/index.js';
import { departmentRoles, invitationHours, type DepartmentRecord, type DepartmentRole, type StaffAccount } from '../administration.js';
import { t, type DoneMessage } from '../administration.i18n.js';

/** Where the administration's pages live. */
export const adminPaths = {
  staff: '/verwaltung/admin',
  newStaff: '/verwaltung/admin/mitarbeitende/neu',
  account: (id: string) => `/verwaltung/admin/mitarbeitende/${id}`,
  departments: '/verwaltung/admin/fachbereiche',
  newDepartment: '/verwaltung/admin/fachbereiche/neu',
  department: (id: string) => `/verwaltung/admin/fachbereiche/${id}`,
  appointments: '/verwaltung/admin/termine',
  open311: '/verwaltung/admin/open311',
  reportMap: '/verwaltung/admin/karte',
  reportSettings: '/verwaltung/admin/maengel',
} as const;

/** What every administration page knows: the signed-in admin and the outcome of the last change. */
export interface AdminPageProps {
  ctx: PageContext;
  staffName: string;
  /** A town admin sees the departments and the account actions. */
  townAdmin: boolean;
  errors: FieldErrors;
  done?: DoneMessage;
}

const roleName = (lang: Lang, role: DepartmentRole) => t(lang, `role_${role}`);

/** The frame of an administration page: staff bar, sections, errors or success, heading. */
export function AdminFrame(props: AdminPageProps & { title: string; section: 'staff' | 'departments' | 'appointments' | 'open311' | 'reportMap' | 'reportSettings'; doneText?: string; children: ComponentChildren }) {
  const { ctx } = props;
  const lang = ctx.lang;
  const failed = Object.keys(props.errors).length > 0;
  return (
    <Layout ctx={ctx} title={`${failed ? `${t(lang, 'notSaved')}: ` : ''}${props.title}`}>
      <StaffBar ctx={ctx} staffName={props.staffName} />
      {props.townAdmin && (
        <nav aria-label={t(lang, 'adminNav')} class="inbox-views">
          <ul class="kern-list">
            <li><a class="kern-link" href={adminPaths.staff} aria-current={props.section === 'staff' ? 'page' : undefined}>{t(lang, 'staffTitle')}</a></li>
            <li><a class="kern-link" href={adminPaths.departments} aria-current={props.section === 'departments' ? 'page' : undefined}>{t(lang, 'departmentsTitle')}</a></li>
            <li><a class="kern-link" href={adminPaths.appointments} aria-current={props.section === 'appointments' ? 'page' : undefined}>{t(lang, 'appointmentsTitle')}</a></li>
            <li><a class="kern-link" href={adminPaths.open311} aria-current={props.section === 'open311' ? 'page' : undefined}>{t(lang, 'open311Title')}</a></li>
            <li><a class="kern-link" href={adminPaths.reportMap} aria-current={props.section === 'reportMap' ? 'page' : undefined}>{t(lang, 'reportMapTitle')}</a></li>
            <li><a class="kern-link" href={adminPaths.reportSettings} aria-current={props.section === 'reportSettings' ? 'page' : undefined}>{t(lang, 'reportSettingsTitle')}</a></li>
          </ul>
        </nav>
      )}
      <ErrorSummary errors={props.errors} lang={lang} />
      {(props.doneText ?? props.done) && !failed && <Alert kind="success" title={props.doneText ?? t(lang, `done_${props.done!}`)} />}
      <h1 class="kern-heading-x-large">{props.title}</h1>
      {props.children}
    </Layout>
  );
}

function accountStatus(lang: Lang, a: StaffAccount): string {
  return !a.active ? t(lang, 'deactivated') : a.invited ? t(lang, 'invited') : t(lang, 'active');
}

/** The town's staff accounts with their roles. */
export function StaffListPage(props: AdminPageProps & { accounts: StaffAccount[]; departmentName: (id: string) => string }) {
  const { lang } = props.ctx;
  return (
    <AdminFrame {...props} title={t(lang, 'staffTitle')} section="staff">
      {props.townAdmin && <p class="kern-body"><a class="kern-link" href={adminPaths.newStaff}>{t(lang, 'newStaff')}</a></p>}
      <p class="kern-body">{t(lang, 'staffCount', { count: props.accounts.length })}</p>
      <Table label={t(lang, 'staffTitle')} head={[t(lang, 'name'), t(lang, 'email'), t(lang, 'roles'), t(lang, 'status')]}>
        {props.accounts.map((a) => (
          <tr class="kern-table__row" key={a.id}>
            <td class="kern-table__cell"><a class="kern-link" href={adminPaths.account(a.id)}>{a.name}</a></td>
            <td class="kern-table__cell admin-email">{a.email}</td>
            <td class="kern-table__cell">
              {a.townAdmin && <>{t(lang, 'townAdmin')}<br /></>}
              {a.roles.length === 0 && !a.townAdmin ? t(lang, 'none') : a.roles.map((r) => <span key={r.departmentId}>{`${props.departmentName(r.departmentId)}: ${roleName(lang, r.role)}`}<br /></span>)}
            </td>
            <td class="kern-table__cell">{accountStatus(lang, a)}</td>
          </tr>
        ))}
      </Table>
    </AdminFrame>
  );
}

/** Options of the department select: the active departments the admin may assign roles in. */
function departmentOptions(lang: Lang, departments: DepartmentRecord[]) {
  return departments.map((d) => ({ value: d.key, label: localize(d.name, lang) }));
}

const roleOptions = (lang: Lang) => departmentRoles.map((r) => ({ value: r, label: roleName(lang, r) }));

/** The form for a new account, invited by e-mail. */
export function NewStaffPage(props: AdminPageProps & { values: Record<string, string>; departments: DepartmentRecord[] }) {
  const { lang } = props.ctx;
  const v = props.values;
  const e = props.errors;
  return (
    <AdminFrame {...props} title={t(lang, 'newStaff')} section="staff">
      <p class="kern-body">{t(lang, 'newStaffIntro', { hours: invitationHours })}</p>
      <form method="post" action={adminPaths.newStaff} novalidate class="narrow-form">
        <CsrfField token={props.ctx.csrfToken} />
        <div class="kern-stack">
          <TextField name="name" label={t(lang, 'name')} value={v.name ?? ''} error={e.name} lang={lang} autocomplete="off" maxLength={120} />
          <TextField name="email" type="email" label={t(lang, 'email')} value={v.email ?? ''} error={e.email} lang={lang} autocomplete="off" maxLength={254} />
          <SelectField name="department" label={t(lang, 'firstDepartment')} hint={t(lang, 'firstDepartmentHint')} value={v.department ?? ''} error={e.department} lang={lang} required={false} placeholder={t(lang, 'noDepartment')} options={departmentOptions(lang, props.departments)} />
          <SelectField name="role" label={t(lang, 'role')} value={v.role ?? 'clerk'} error={e.role} lang={lang} required={false} placeholder={t(lang, 'chooseRole')} options={roleOptions(lang)} />
          <ChoiceField name="townAdmin" kind="checkbox" label={t(lang, 'townAdmin')} lang={lang} required={false} selected={v.townAdmin ? [v.townAdmin] : []} options={[{ value: 'ja', label: t(lang, 'townAdminLong') }]} />
        </div>
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'createAndInvite')}</Button></div>
      </form>
    </AdminFrame>
  );
}

/** A one-button form for an account or department action, with an explanation. */
function ActionForm(props: { ctx: PageContext; action: string; field: string; label: string; hint?: string; name?: string; value?: string; variant?: 'secondary' | 'tertiary' }) {
  return (
    <form method="post" action={props.action} id={inputId(props.field)} class="admin-action" tabindex={-1}>
      <CsrfField token={props.ctx.csrfToken} />
      {props.hint && <p class="kern-body">{props.hint}</p>}
      <Button variant={props.variant ?? 'secondary'} name={props.name} value={props.value}>{props.label}</Button>
    </form>
  );
}

/** One account: its details, its roles with the forms to change them, and (town admins) the account actions. */
export function StaffPage(props: AdminPageProps & {
  account: StaffAccount;
  departmentName: (id: string) => string;
  /** The active departments the signed-in admin may assign roles in. */
  grantable: DepartmentRecord[];
  /** Whether the signed-in admin may revoke the role in a department. */
  mayRevoke: (departmentId: string) => boolean;
  values: Record<string, string>;
}) {
  const { ctx, account: a } = props;
  const lang = ctx.lang;
  const base = adminPaths.account(a.id);
  return (
    <AdminFrame {...props} title={a.name} section="staff">
      <p class="kern-body"><a class="kern-link" href={adminPaths.staff}>{t(lang, 'staffTitle')}</a></p>
      <SummaryList lang={lang} rows={[
        { key: t(lang, 'email'), value: a.email },
        { key: t(lang, 'status'), value: accountStatus(lang, a) },
        { key: t(lang, 'townAdmin'), value: a.townAdmin ? t(lang, 'yes') : t(lang, 'no') },
      ]} />
      <h2 class="kern-heading-large">{t(lang, 'roles')}</h2>
      {a.roles.length === 0 ? <p class="kern-body">{t(lang, 'noRoles')}</p> : (
        <Table label={t(lang, 'roles')} head={[t(lang, 'department'), t(lang, 'role'), '']}>
          {a.roles.map((r) => (
            <tr class="kern-table__row" key={r.departmentId}>
              <td class="kern-table__cell">{props.departmentName(r.departmentId)}</td>
              <td class="kern-table__cell">{roleName(lang, r.role)}</td>
              <td class="kern-table__cell">
                {props.mayRevoke(r.departmentId) && (
                  <form method="post" action={`${base}/rollen/entziehen`}>
                    <CsrfField token={ctx.csrfToken} />
                    <input type="hidden" name="department" value={r.departmentKey} />
                    <button type="submit" class="kern-btn kern-btn--tertiary" aria-label={t(lang, 'revokeLabel', { department: props.departmentName(r.departmentId) })}>
                      <span class="kern-label">{t(lang, 'revoke')}</span>
                    </button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      {props.grantable.length > 0 && (
        <form method="post" action={`${base}/rollen`} novalidate class="narrow-form">
          <h3 class="kern-heading-medium">{t(lang, 'grantTitle')}</h3>
          <CsrfField token={ctx.csrfToken} />
          <div class="kern-stack">
            <SelectField name="department" label={t(lang, 'department')} value={props.values.department ?? ''} error={props.errors.department} lang={lang} placeholder={t(lang, 'chooseDepartment')} options={departmentOptions(lang, props.grantable)} />
            <SelectField name="role" label={t(lang, 'role')} hint={t(lang, 'grantHint')} value={props.values.role ?? ''} error={props.errors.role} lang={lang} placeholder={t(lang, 'chooseRole')} options={roleOptions(lang)} />
          </div>
          <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'grant')}</Button></div>
        </form>
      )}
      {props.townAdmin && (
        <>
          <h2 class="kern-heading-large">{t(lang, 'accountActions')}</h2>
          <ActionForm ctx={ctx} action={`${base}/verwaltungsrecht`} field="townAdmin" name="townAdmin" value={a.townAdmin ? 'nein' : 'ja'} label={t(lang, a.townAdmin ? 'removeTownAdmin' : 'makeTownAdmin')} />
          {a.active && a.invited && <ActionForm ctx={ctx} action={`${base}/einladung`} field="invitation" label={t(lang, 'resendInvitation')} />}
          {a.active && !a.invited && <ActionForm ctx={ctx} action={`${base}/zweiter-faktor`} field="secondFactor" hint={t(lang, 'resetSecondFactorHint')} label={t(lang, 'resetSecondFactor')} />}
          <ActionForm ctx={ctx} action={`${base}/status`} field="status" name="active" value={a.active ? 'nein' : 'ja'} hint={a.active ? t(lang, 'deactivateHint') : undefined} label={t(lang, a.active ? 'deactivate' : 'activate')} />
        </>
      )}
    </AdminFrame>
  );
}

/** The town's departments. */
export function DepartmentListPage(props: AdminPageProps & { departments: DepartmentRecord[] }) {
  const { lang } = props.ctx;
  return (
    <AdminFrame {...props} title={t(lang, 'departmentsTitle')} section="departments">
      <p class="kern-body"><a class="kern-link" href={adminPaths.newDepartment}>{t(lang, 'newDepartment')}</a></p>
      <Table label={t(lang, 'departmentsTitle')} head={[t(lang, 'name'), t(lang, 'key'), t(lang, 'contactEmail'), t(lang, 'status')]}>
        {props.departments.map((d) => (
          <tr class="kern-table__row" key={d.id}>
            <td class="kern-table__cell"><a class="kern-link" href={adminPaths.department(d.id)} aria-label={t(lang, 'editLabel', { name: localize(d.name, lang) })}>{localize(d.name, lang)}</a></td>
            <td class="kern-table__cell">{d.key}</td>
            <td class="kern-table__cell admin-email">{d.contact.email}</td>
            <td class="kern-table__cell">{d.active ? t(lang, 'active') : t(lang, 'deactivated')}</td>
          </tr>
        ))}
      </Table>
    </AdminFrame>
  );
}

/** The form values of a department as stored. */
export function departmentFormValues(d: DepartmentRecord): Record<string, string> {
  return {
    key: d.key, nameDe: d.name.de, nameEn: d.name.en ?? '', contactEmail: d.contact.email, phone: d.contact.phone,
    room: d.contact.room ?? '', hoursDe: d.contact.hours?.de ?? '', hoursEn: d.contact.hours?.en ?? '',
  };
}

/** Creating a department (no `department`) or editing one, with its activation. */
export function DepartmentFormPage(props: AdminPageProps & { department?: DepartmentRecord; values: Record<string, string> }) {
  const { ctx, department } = props;
  const lang = ctx.lang;
  const v = props.values;
  const e = props.errors;
  const field = (name: string, label: string, options: { required?: boolean; type?: 'email' | 'tel'; max: number; hint?: string; autocomplete?: string }) => (
    <TextField name={name} label={label} value={v[name] ?? ''} error={e[name]} lang={lang} required={options.required ?? true} type={options.type} maxLength={options.max} hint={options.hint} autocomplete={options.autocomplete ?? 'off'} />
  );
  return (
    <AdminFrame {...props} title={department ? localize(department.name, lang) : t(lang, 'newDepartment')} section="departments">
      <p class="kern-body"><a class="kern-link" href={adminPaths.departments}>{t(lang, 'departmentsTitle')}</a></p>
      <form method="post" action={department ? adminPaths.department(department.id) : adminPaths.newDepartment} novalidate class="narrow-form">
        <CsrfField token={ctx.csrfToken} />
        <div class="kern-stack">
          {department
            ? <SummaryList lang={lang} rows={[{ key: t(lang, 'key'), value: department.key }]} />
            : field('key', t(lang, 'key'), { max: 40, hint: t(lang, 'keyHint') })}
          {field('nameDe', t(lang, 'nameDe'), { max: 120 })}
          {field('nameEn', t(lang, 'nameEn'), { max: 120, required: false })}
          {field('contactEmail', t(lang, 'contactEmail'), { max: 254, type: 'email' })}
          {field('phone', t(lang, 'phone'), { max: 40, type: 'tel' })}
          {field('room', t(lang, 'room'), { max: 80, required: false })}
          {field('hoursDe', t(lang, 'hoursDe'), { max: 300, required: false })}
          {field('hoursEn', t(lang, 'hoursEn'), { max: 300, required: false })}
        </div>
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, department ? 'save' : 'create')}</Button></div>
      </form>
      {department && (
        <>
          <h2 class="kern-heading-large">{t(lang, 'departmentStatus')}</h2>
          <ActionForm ctx={ctx} action={`${adminPaths.department(department.id)}/status`} field="status" name="active" value={department.active ? 'nein' : 'ja'}
            hint={department.active ? t(lang, 'deactivateDepartmentHint') : undefined} label={t(lang, department.active ? 'deactivateDepartment' : 'activateDepartment')} />
        </>
      )}
    </AdminFrame>
  );
}

/** The answer to a staff member who may not open an administration page or make a change. */
export function ForbiddenPage(props: { ctx: PageContext; staffName: string }) {
  const { lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t(lang, 'forbiddenTitle')}>
      <StaffBar ctx={props.ctx} staffName={props.staffName} />
      <h1 class="kern-heading-x-large">{t(lang, 'forbiddenTitle')}</h1>
      <p class="kern-body">{t(lang, 'forbiddenText')}</p>
      <p class="kern-body"><a class="kern-link" href="/verwaltung">{t(lang, 'backToInbox')}</a></p>
    </Layout>
  );
}
