import type { ComponentChildren } from 'preact';
import { formatDate, type Lang } from '../../../platform/i18n/i18n.js';
import { Alert, Button, ChoiceField, CsrfField, ErrorSummary, Table, TextField, type FieldErrors } from '../../../platform/views/components.js';
import { Layout, type PageContext } from '../../../platform/views/layout.js';
import { organisationRoles, type OrganisationDetail, type OrganisationRole, type OrganisationSummary } from '../organisation.js';
import { t } from '../organisations.i18n.js';

/** Paths of the organisation pages. */
export const organisationPaths = {
  list: '/konto/organisationen',
  detail: (id: string) => `/konto/organisationen/${id}`,
  invite: (id: string) => `/konto/organisationen/${id}/einladen`,
  revoke: (id: string, invitationId: string) => `/konto/organisationen/${id}/einladungen/${invitationId}/zuruecknehmen`,
  role: (id: string, accountId: string) => `/konto/organisationen/${id}/mitglieder/${accountId}/rolle`,
  remove: (id: string, accountId: string) => `/konto/organisationen/${id}/mitglieder/${accountId}/entfernen`,
  invitation: '/konto/einladung',
};

const roleName = (lang: Lang, role: OrganisationRole) => t(lang, `role_${role}`);

function Frame(props: { ctx: PageContext; title: string; errors: FieldErrors; notice?: string; back: { href: string; label: string }; children: ComponentChildren }) {
  return (
    <Layout ctx={props.ctx} title={props.title}>
      <ErrorSummary errors={props.errors} lang={props.ctx.lang} />
      {props.notice && <Alert kind="success" title={props.notice} />}
      <p class="kern-body"><a class="kern-link" href={props.back.href}>{props.back.label}</a></p>
      <h1 class="kern-heading-x-large">{props.title}</h1>
      {props.children}
    </Layout>
  );
}

/** A one-button form for an action on a row, named for screen readers by what it acts on. */
function RowAction(props: { ctx: PageContext; action: string; label: string; accessibleLabel: string; fields?: Record<string, string> }) {
  return (
    <form method="post" action={props.action} class="inline-form">
      <CsrfField token={props.ctx.csrfToken} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => <input type="hidden" name={name} value={value} key={name} />)}
      <button type="submit" class="kern-btn kern-btn--tertiary" aria-label={props.accessibleLabel}><span class="kern-label">{props.label}</span></button>
    </form>
  );
}

/** The account's organisations and the form to found one. */
export function OrganisationListPage(props: { ctx: PageContext; organisations: OrganisationSummary[]; name: string; errors: FieldErrors; notice?: string }) {
  const { lang } = props.ctx;
  return (
    <Frame ctx={props.ctx} title={t(lang, 'listTitle')} errors={props.errors} notice={props.notice} back={{ href: '/konto', label: t(lang, 'accountTitle') }}>
      <p class="kern-body">{t(lang, 'listIntro')}</p>
      {props.organisations.length === 0 ? <p class="kern-body">{t(lang, 'none')}</p> : (
        <ul class="kern-list">
          {props.organisations.map((o) => (
            <li key={o.id}><a class="kern-link" href={organisationPaths.detail(o.id)}>{o.name}</a> – {t(lang, 'yourRole')}: {roleName(lang, o.role)}</li>
          ))}
        </ul>
      )}
      <h2 class="kern-heading-large">{t(lang, 'foundTitle')}</h2>
      <form method="post" action={organisationPaths.list} novalidate class="narrow-form">
        <CsrfField token={props.ctx.csrfToken} />
        <TextField name="name" label={t(lang, 'name')} hint={t(lang, 'nameHint')} value={props.name} lang={lang} error={props.errors.name} maxLength={200} autocomplete="organization" />
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'found')}</Button></div>
      </form>
    </Frame>
  );
}

/** One organisation: members with their roles, open invitations and (for owners) the invitation form. */
export function OrganisationPage(props: { ctx: PageContext; organisation: OrganisationDetail; invite: { email: string; role: string }; errors: FieldErrors; notice?: string }) {
  const { lang } = props.ctx;
  const o = props.organisation;
  const owner = o.role === 'owner';
  const roleOptions = organisationRoles.map((r) => ({ value: r, label: roleName(lang, r) }));
  return (
    <Frame ctx={props.ctx} title={o.name} errors={props.errors} notice={props.notice} back={{ href: organisationPaths.list, label: t(lang, 'listTitle') }}>
      <p class="kern-body">{t(lang, 'yourRole')}: {roleName(lang, o.role)}</p>
      <h2 class="kern-heading-large" id="f-members" tabindex={-1}>{t(lang, 'members')}</h2>
      <Table label={t(lang, 'members')} head={[t(lang, 'email'), t(lang, 'role'), t(lang, 'joined'), t(lang, 'actions')]}>
        {o.members.map((m) => (
          <tr class="kern-table__row" key={m.accountId}>
            <td class="kern-table__cell admin-email">{m.email} {m.isMe && t(lang, 'you')}</td>
            <td class="kern-table__cell">{roleName(lang, m.role)}</td>
            <td class="kern-table__cell">{formatDate(m.joinedAt, lang)}</td>
            <td class="kern-table__cell">
              {owner && !m.isMe && (
                <RowAction ctx={props.ctx} action={organisationPaths.role(o.id, m.accountId)} fields={{ role: m.role === 'owner' ? 'member' : 'owner' }}
                  label={t(lang, m.role === 'owner' ? 'makeMember' : 'makeOwner')}
                  accessibleLabel={t(lang, 'actionLabel', { action: t(lang, m.role === 'owner' ? 'makeMember' : 'makeOwner'), email: m.email })} />
              )}
              {(owner || m.isMe) && (
                <RowAction ctx={props.ctx} action={organisationPaths.remove(o.id, m.accountId)} label={t(lang, m.isMe ? 'leave' : 'remove')}
                  accessibleLabel={t(lang, 'actionLabel', { action: t(lang, m.isMe ? 'leave' : 'remove'), email: m.email })} />
              )}
            </td>
          </tr>
        ))}
      </Table>
      {owner && o.invitations.length > 0 && (
        <>
          <h2 class="kern-heading-large">{t(lang, 'invitations')}</h2>
          <Table label={t(lang, 'invitations')} head={[t(lang, 'email'), t(lang, 'role'), t(lang, 'validUntil'), t(lang, 'actions')]}>
            {o.invitations.map((i) => (
              <tr class="kern-table__row" key={i.id}>
                <td class="kern-table__cell admin-email">{i.email}</td>
                <td class="kern-table__cell">{roleName(lang, i.role)}</td>
                <td class="kern-table__cell">{formatDate(i.expiresAt, lang, true)}</td>
                <td class="kern-table__cell">
                  <RowAction ctx={props.ctx} action={organisationPaths.revoke(o.id, i.id)} label={t(lang, 'revoke')} accessibleLabel={t(lang, 'actionLabel', { action: t(lang, 'revoke'), email: i.email })} />
                </td>
              </tr>
            ))}
          </Table>
        </>
      )}
      {owner && (
        <>
          <h2 class="kern-heading-large">{t(lang, 'invite')}</h2>
          <form method="post" action={organisationPaths.invite(o.id)} novalidate class="narrow-form">
            <CsrfField token={props.ctx.csrfToken} />
            <div class="kern-stack">
              <TextField name="email" label={t(lang, 'email')} type="email" autocomplete="off" value={props.invite.email} lang={lang} error={props.errors.email} maxLength={254} />
              <ChoiceField name="role" kind="radio" label={t(lang, 'role')} options={roleOptions} selected={[props.invite.role]} lang={lang} error={props.errors.role} inline />
            </div>
            <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'inviteSubmit')}</Button></div>
          </form>
        </>
      )}
    </Frame>
  );
}

/** Behind the invitation link: whom it is from and the button to accept. */
export function InvitationPage(props: { ctx: PageContext; token: string; name: string; role: OrganisationRole; errors: FieldErrors }) {
  const { lang } = props.ctx;
  return (
    <Frame ctx={props.ctx} title={t(lang, 'invitationTitle')} errors={props.errors} back={{ href: organisationPaths.list, label: t(lang, 'listTitle') }}>
      <p class="kern-body" id="f-invitation">{t(lang, 'invitationText', { name: props.name, role: roleName(lang, props.role) })}</p>
      <form method="post" action={`${organisationPaths.invitation}/${props.token}`}>
        <CsrfField token={props.ctx.csrfToken} />
        <div class="kern-btn-wrapper form-actions"><Button>{t(lang, 'invitationAccept')}</Button></div>
      </form>
    </Frame>
  );
}
