import { formatDate } from '../../../platform/i18n/i18n.js';
import { Alert, Button, CsrfField, Table, TextField } from '../../../platform/views/components.js';
import { AdminFrame, type AdminPageProps } from '../../administration/index.js';
import { t } from '../report-staff.i18n.js';

/** Where town admins manage the Open311 API clients. */
export const open311AdminPath = '/verwaltung/admin/open311';

/** A registered client as the admin page lists it (never the key). */
export interface ClientRow { id: string; name: string; requestsPerHour: number; createdAt: Date; revokedAt: Date | null }

/**
 * The town's Open311 API clients: the list with a revoke button each, and the form to register
 * one. Right after registering, the new key is shown once (this page is the answer to the POST,
 * never a redirect, so the key is in no URL and no history entry to reload).
 */
export function Open311ClientsPage(props: AdminPageProps & { doneText?: string; clients: ClientRow[]; values: { name: string; perHour: string }; newKey?: { name: string; apiKey: string } }) {
  const { lang } = props.ctx;
  return (
    <AdminFrame {...props} title={t(lang, 'clientsTitle')} section="open311">
      {props.newKey && (
        <Alert kind="success" title={t(lang, 'clientCreated', { name: props.newKey.name })}>
          <p class="kern-body">{t(lang, 'clientKeyOnce')}</p>
          <p class="kern-body"><code class="api-key" data-testid="api-key">{props.newKey.apiKey}</code></p>
        </Alert>
      )}
      <p class="kern-body">{t(lang, 'clientsIntro')}</p>
      {props.clients.length === 0 ? <p class="kern-body">{t(lang, 'clientsEmpty')}</p> : (
        <Table label={t(lang, 'clientsTitle')} head={[t(lang, 'clientName'), t(lang, 'clientPerHour'), t(lang, 'clientCreatedAt'), t(lang, 'clientState')]}>
          {props.clients.map((c) => (
            <tr class="kern-table__row" key={c.id}>
              <td class="kern-table__cell">{c.name}</td>
              <td class="kern-table__cell">{String(c.requestsPerHour)}</td>
              <td class="kern-table__cell">{formatDate(c.createdAt, lang)}</td>
              <td class="kern-table__cell">
                {c.revokedAt ? t(lang, 'clientRevokedOn', { date: formatDate(c.revokedAt, lang) }) : (
                  <form method="post" action={`${open311AdminPath}/${c.id}/widerrufen`}>
                    <CsrfField token={props.ctx.csrfToken} />
                    <Button variant="secondary">{t(lang, 'clientRevoke', { name: c.name })}</Button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </Table>
      )}
      <h2 class="kern-heading-large">{t(lang, 'clientNew')}</h2>
      <form method="post" action={open311AdminPath} novalidate>
        <CsrfField token={props.ctx.csrfToken} />
        <TextField name="name" label={t(lang, 'clientName')} value={props.values.name} error={props.errors.name} lang={lang} maxLength={120} />
        <TextField name="perHour" label={t(lang, 'clientPerHour')} hint={t(lang, 'clientPerHourHint')} value={props.values.perHour} error={props.errors.perHour} lang={lang}
          required={false} inputmode="numeric" width="short" maxLength={5} />
        <Button>{t(lang, 'clientCreate')}</Button>
      </form>
    </AdminFrame>
  );
}
