import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { sendPage } from '../../platform/views/html.js';
import { requireAccount, requireAccountForm } from '../accounts/index.js';
import { berlinToday, isKnownInputName, parseStep, toRawInput, type RawInput } from '../forms/answers.js';
import type { StepDefinition } from '../forms/form-definition.js';
import { profileAnswers, profileStep, readProfileAnswers } from './profile.js';
import { t } from './profile.i18n.js';
import { loadProfile, saveProfile } from './profile.service.js';
import { ProfilePage } from './views/profile-page.js';

type FormRequest = FastifyRequest<{ Body: Record<string, unknown>; Querystring: Record<string, unknown> }>;

/** Whether every posted name is one the form has (anything else is tampering, answered with 400). */
export function knowsEveryInput(step: StepDefinition, raw: RawInput): boolean {
  return Object.keys(raw).every((name) => isKnownInputName(step, name));
}

/** The account's profile at /konto/profil. */
export async function profileRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  app.get('/konto/profil', async (request: FormRequest, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const profile = await loadProfile(db, request.tenant.id, signedIn.account.id);
    const raw = toRawInput(profileStep, profileAnswers(profile, signedIn.account.language));
    const notice = request.query.hinweis === 'gespeichert' ? t(request.lang, 'profileSaved') : undefined;
    return sendPage(reply, <ProfilePage ctx={signedIn.ctx} raw={raw} errors={{}} consentSince={profile.prefillConsentAt} notice={notice} />);
  });

  app.post('/konto/profil', async (request: FormRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    const raw = (request.body ?? {}) as RawInput;
    if (!knowsEveryInput(profileStep, raw)) return sendErrorPage(request, reply, 400);
    const parsed = parseStep(profileStep, raw, { answers: {}, files: {}, lang: request.lang, today: berlinToday() });
    if (Object.keys(parsed.errors).length > 0) {
      const profile = await loadProfile(db, request.tenant.id, signedIn.account.id);
      return sendPage(reply, <ProfilePage ctx={signedIn.ctx} raw={raw} errors={parsed.errors} consentSince={profile.prefillConsentAt} />, 422);
    }
    await saveProfile(db, request.tenant.id, signedIn.account.id, readProfileAnswers(parsed.answers));
    return reply.redirect('/konto/profil?hinweis=gespeichert', 303);
  });
}
