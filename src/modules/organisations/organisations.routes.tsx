import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import type { Lang } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/html.js';
import { MessagePage } from '../../platform/views/message-page.js';
import { isLinkToken, normalizeEmail, requireAccount, requireAccountForm, type SignedInAccount } from '../accounts/index.js';
import { isOrganisationRole, type OrganisationRole } from './organisation.js';
import {
  acceptInvitation, changeMemberRole, findInvitation, findOrganisationForMember, foundOrganisation, inviteMember, listMyOrganisations, removeMember,
  revokeInvitation, type OrganisationRefusal,
} from './organisations.service.js';
import { organisationNotices, t } from './organisations.i18n.js';
import { InvitationPage, OrganisationListPage, OrganisationPage, organisationPaths } from './views/organisation-pages.js';

type Params = { id: string; accountId: string; invitationId: string; token: string };
type FormRequest = FastifyRequest<{ Params: Params; Body: Record<string, unknown>; Querystring: Record<string, unknown> }>;

function notice(lang: Lang, query: Record<string, unknown>): string | undefined {
  const key = organisationNotices.find((n) => n === query.erledigt);
  return key ? t(lang, `done_${key}`) : undefined;
}

/** Organisation accounts: found, invite, roles, leave; accept an invitation. */
export async function organisationRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  async function sendOrganisationPage(request: FormRequest, reply: FastifyReply, signedIn: SignedInAccount, options: { errors?: FieldErrors; invite?: { email: string; role: string }; status?: number } = {}) {
    const organisation = isUuid(request.params.id) ? await findOrganisationForMember(db, request.tenant.id, signedIn.account.id, request.params.id) : null;
    if (!organisation) return sendErrorPage(request, reply, 404);
    return sendPage(reply, <OrganisationPage ctx={signedIn.ctx} organisation={organisation} invite={options.invite ?? { email: '', role: 'member' }} errors={options.errors ?? {}} notice={notice(request.lang, request.query)} />, options.status);
  }

  /** After an owner's change: back to the page with a notice, or the refusal next to the right place. */
  async function afterChange(request: FormRequest, reply: FastifyReply, signedIn: SignedInAccount, result: string | OrganisationRefusal, done: string) {
    if (result === 'notFound') return sendErrorPage(request, reply, 404);
    if (result === 'notOwner' || result === 'lastOwner') return sendOrganisationPage(request, reply, signedIn, { errors: { members: t(request.lang, result) }, status: 422 });
    return reply.redirect(`${organisationPaths.detail(request.params.id)}?erledigt=${done}`, 303);
  }

  app.get(organisationPaths.list, async (request: FormRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const organisations = await listMyOrganisations(db, request.tenant.id, signedIn.account.id);
    return sendPage(reply, <OrganisationListPage ctx={signedIn.ctx} organisations={organisations} name="" errors={{}} notice={notice(request.lang, request.query)} />);
  });

  app.post(organisationPaths.list, async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    const raw = request.body?.name;
    const name = typeof raw === 'string' ? raw.trim().replace(/\s+/g, ' ').slice(0, 300) : '';
    const error = !name ? t(request.lang, 'nameRequired') : name.length < 2 || name.length > 200 ? t(request.lang, 'nameLength') : null;
    if (error) {
      const organisations = await listMyOrganisations(db, request.tenant.id, signedIn.account.id);
      return sendPage(reply, <OrganisationListPage ctx={signedIn.ctx} organisations={organisations} name={name} errors={{ name: error }} />, 422);
    }
    const id = await foundOrganisation(db, request.tenant.id, signedIn.account.id, name);
    return reply.redirect(`${organisationPaths.detail(id)}?erledigt=founded`, 303);
  });

  app.get('/konto/organisationen/:id', async (request: FormRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    return sendOrganisationPage(request, reply, signedIn);
  });

  app.post('/konto/organisationen/:id/einladen', async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    if (!isUuid(request.params.id)) return sendErrorPage(request, reply, 404);
    const { lang } = request;
    const typed = typeof request.body?.email === 'string' ? request.body.email.trim().slice(0, 300) : '';
    const role = request.body?.role;
    const email = normalizeEmail(typed);
    const errors: FieldErrors = {};
    if (!typed) errors.email = t(lang, 'emailRequired');
    else if (!email) errors.email = t(lang, 'emailInvalid');
    if (!isOrganisationRole(role)) errors.role = t(lang, 'roleRequired');
    if (email && isOrganisationRole(role)) {
      const result = await inviteMember(db, request.tenant.id, signedIn.account.id, request.params.id, { email, role });
      if (result === 'invited') deps.jobs.kick();
      if (result === 'alreadyMember' || result === 'alreadyInvited') errors.email = t(lang, result);
      else return afterChange(request, reply, signedIn, result, 'invited');
    }
    return sendOrganisationPage(request, reply, signedIn, { errors, invite: { email: typed, role: typeof role === 'string' ? role : '' }, status: 422 });
  });

  app.post('/konto/organisationen/:id/einladungen/:invitationId/zuruecknehmen', async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    if (!isUuid(request.params.id) || !isUuid(request.params.invitationId)) return sendErrorPage(request, reply, 404);
    return afterChange(request, reply, signedIn, await revokeInvitation(db, request.tenant.id, signedIn.account.id, request.params.id, request.params.invitationId), 'revoked');
  });

  app.post('/konto/organisationen/:id/mitglieder/:accountId/rolle', async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    const role = request.body?.role;
    if (!isUuid(request.params.id) || !isUuid(request.params.accountId)) return sendErrorPage(request, reply, 404);
    if (!isOrganisationRole(role)) return sendErrorPage(request, reply, 400);
    return afterChange(request, reply, signedIn, await changeMemberRole(db, request.tenant.id, signedIn.account.id, request.params.id, request.params.accountId, role as OrganisationRole), 'changed');
  });

  app.post('/konto/organisationen/:id/mitglieder/:accountId/entfernen', async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    if (!isUuid(request.params.id) || !isUuid(request.params.accountId)) return sendErrorPage(request, reply, 404);
    const leaving = request.params.accountId === signedIn.account.id;
    const result = await removeMember(db, request.tenant.id, signedIn.account.id, request.params.id, request.params.accountId);
    if (leaving && result === 'removed') return reply.redirect(`${organisationPaths.list}?erledigt=left`, 303);
    return afterChange(request, reply, signedIn, result, 'removed');
  });

  const invalidInvitation = (request: FastifyRequest, reply: FastifyReply, signedIn: SignedInAccount) =>
    sendPage(reply, <MessagePage ctx={signedIn.ctx} title={t(request.lang, 'invitationInvalidTitle')} text={t(request.lang, 'invitationInvalidText')} />, 404);

  app.get(`${organisationPaths.invitation}/:token`, async (request: FormRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const invitation = isLinkToken(request.params.token) ? await findInvitation(db, request.tenant.id, request.params.token) : undefined;
    if (!invitation) return invalidInvitation(request, reply, signedIn);
    const errors: FieldErrors = invitation.email === signedIn.account.email ? {} : { invitation: t(request.lang, 'invitationOtherAddress') };
    return sendPage(reply, <InvitationPage ctx={signedIn.ctx} token={request.params.token} name={invitation.organisation_name} role={invitation.role} errors={errors} />);
  });

  app.post(`${organisationPaths.invitation}/:token`, async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    const { token } = request.params;
    const result = isLinkToken(token) ? await acceptInvitation(db, request.tenant.id, signedIn.account, token) : 'invalid';
    if (result === 'invalid') return invalidInvitation(request, reply, signedIn);
    if (result === 'otherAddress') {
      const invitation = (await findInvitation(db, request.tenant.id, token))!;
      return sendPage(reply, <InvitationPage ctx={signedIn.ctx} token={token} name={invitation.organisation_name} role={invitation.role} errors={{ invitation: t(request.lang, 'invitationOtherAddress') }} />, 422);
    }
    if (result === 'alreadyMember') return reply.redirect(organisationPaths.list, 303);
    return reply.redirect(`${organisationPaths.detail(result.organisationId)}?erledigt=joined`, 303);
  });
}
