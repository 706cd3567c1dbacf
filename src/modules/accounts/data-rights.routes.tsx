import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { destroySession } from '../../platform/http/session.js';
import { berlinDay } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/html.js';
import { MessagePage } from '../../platform/views/message-page.js';
import type { AccountDataSection } from './account-data.js';
import { requireAccount, requireAccountForm, type SignedInAccount } from './account-session.js';
import { maxPasswordLength } from './account.js';
import { t } from './accounts.i18n.js';
import { deleteAccount, describeDeletion, exportAccountData, listRetainedApplications } from './data-rights.js';
import { DataPage, DeleteAccountPage } from './views/data-pages.js';

type FormRequest = FastifyRequest<{ Body: Record<string, unknown> }>;

/** Data rights of an account: export everything (ZIP), delete the account. */
export async function accountDataRoutes(app: FastifyInstance, deps: ModuleDeps & { sections: AccountDataSection[] }): Promise<void> {
  const { db } = deps;

  app.get('/konto/daten', async (request, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    return sendPage(reply, <DataPage ctx={signedIn.ctx} />);
  });

  app.get('/konto/daten/export.zip', async (request, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const zip = await exportAccountData(db, deps.files, deps.keyring, request.tenant, signedIn.account.id, deps.sections);
    return reply
      .type('application/zip')
      .header('content-disposition', `attachment; filename="konto-${request.tenant.slug}-${berlinDay(new Date())}.zip"`)
      .send(zip);
  });

  /** The deletion page: what stays with the town, what else happens, and the confirmation. */
  async function deletePage(request: FastifyRequest, reply: FastifyReply, signedIn: SignedInAccount, errors: FieldErrors, confirmed: boolean, status: number) {
    const retained = await listRetainedApplications(db, request.tenant.id, signedIn.account.id, deps.services);
    const consequences = await describeDeletion(db, request.tenant.id, signedIn.account.id, deps.sections, signedIn.ctx.lang);
    return sendPage(reply, <DeleteAccountPage ctx={signedIn.ctx} retained={retained} consequences={consequences} askPassword={signedIn.account.hasPassword} errors={errors} confirmed={confirmed} />, status);
  }

  app.get('/konto/loeschen', async (request, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    return deletePage(request, reply, signedIn, {}, false, 200);
  });

  app.post('/konto/loeschen', { config: { rateLimit: { max: 10, timeWindow: '1 minute' } } }, async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    const body = request.body ?? {};
    const { lang } = signedIn.ctx;
    const confirmed = body.confirm === 'yes';
    const password = typeof body.password === 'string' ? body.password.slice(0, maxPasswordLength) : '';
    const errors: FieldErrors = {};
    if (!confirmed) errors.confirm = t(lang, 'deleteConfirmRequired');
    if (signedIn.account.hasPassword && !password) errors.password = t(lang, 'passwordRequired');
    if (Object.keys(errors).length === 0) {
      const result = await deleteAccount(db, request.tenant.id, signedIn.account.id, signedIn.account.hasPassword ? password : null, deps.sections);
      if (result === 'deleted') {
        deps.jobs.kick();
        await destroySession(db, request, reply);
        return reply.redirect('/konto/geloescht', 303);
      }
      errors.password = t(lang, 'passwordWrong');
    }
    return deletePage(request, reply, signedIn, errors, confirmed, 422);
  });

  app.get('/konto/geloescht', async (request, reply) =>
    sendPage(reply, <MessagePage ctx={{ lang: request.lang, path: request.url, townName: request.tenant.name }} title={t(request.lang, 'deletedTitle')} text={t(request.lang, 'deletedText')} />));
}
