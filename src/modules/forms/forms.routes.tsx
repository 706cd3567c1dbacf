import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { inTransaction } from '../../platform/db/database.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { localize } from '../../platform/i18n/i18n.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { addReceiptToSession, ensureSession, findSession, isValidCsrfToken, type Session } from '../../platform/http/session.js';
import { sendPage } from '../../platform/views/html.js';
import type { FieldErrors } from '../../platform/views/components.js';
import type { PageContext } from '../../platform/views/layout.js';
import { ensureTrustLevel } from '../accounts/index.js';
import type { CatalogEntry, Service } from '../catalog/index.js';
import { accountActor, listMyOrganisations } from '../organisations/index.js';
import { findSafeDocuments, listSafeDocuments, prefillSource } from '../profile/index.js';
import {
  berlinToday, findIncompleteSteps, groupItemCount, isKnownInputName, parseStep, pruneHiddenSteps, toRawInput, visibleSteps,
  type Answers, type FileRef, type RawInput,
} from './answers.js';
import type { StepDefinition } from './form-definition.js';
import { draftActor, loadDraft, type LoadedDraft } from './draft-access.js';
import { insertDraft, insertDraftFile, updateDraftAnswers, type Draft } from './forms.repository.js';
import { DraftGoneError, submitDraft } from './forms.service.js';
import { t } from './forms.i18n.js';
import { findReceipt, receiptDefinition, sendReceiptPdf } from './receipt-access.js';
import { savedDraftLater } from './saved-drafts.js';
import { savedDraftRoutes } from './saved-drafts.routes.js';
import { applicantRoutes, organisationChoices } from './applicant.routes.js';
import { prefillStep } from './prefill.js';
import { readSubmissionPayment, ReceiptPaymentStatus } from '../payments/index.js';
import { pickupAppointment } from '../appointments/index.js';
import { fileProblem, pickedSafeDocuments, readMultipartStep, type ReceivedFile } from './uploads.js';
import { CheckAnswersPage, DraftGonePage, ReceiptPage, StepPage } from './views/form-pages.js';

type StepParams = { draftId: string; stepId: string };

function ctxOf(request: FastifyRequest, session?: Session | null): PageContext {
  return { lang: request.lang, path: request.url, townName: request.tenant.name, csrfToken: session?.csrfToken };
}

function fileAnswers(step: StepDefinition, answers: Answers): Record<string, FileRef[]> {
  return Object.fromEntries(step.fields.filter((f) => f.type === 'file').map((f) => [f.id, (answers[step.id]?.[f.id] as FileRef[] | undefined) ?? []]));
}

/** Applies "add item", "remove item n" and "remove file" to posted input (buttons that work without JavaScript). */
function applyEditAction(step: StepDefinition, raw: RawInput, files: Record<string, FileRef[]>, action: string): boolean {
  const [verb, fieldId, arg] = action.split(':');
  const field = step.fields.find((f) => f.id === fieldId);
  if (verb === 'add' && field?.type === 'group') {
    const n = Math.max(groupItemCount(raw, field.id), field.min, 1);
    if (n < field.max) raw[`${field.id}.${n}.${field.fields[0]!.id}`] = '';
    else return false;
    // The rendering shows max(count, min, 1) items; make the existing ones count explicitly.
    for (let i = 0; i < n; i++) raw[`${field.id}.${i}.${field.fields[0]!.id}`] ??= '';
    return true;
  }
  if (verb === 'remove' && field?.type === 'group' && arg !== undefined && /^\d+$/.test(arg)) {
    const n = groupItemCount(raw, field.id);
    const index = Number(arg);
    if (index >= n) return false;
    const prefix = `${field.id}.`;
    const items = Array.from({ length: n }, (_, i) => Object.entries(raw).filter(([k]) => k.startsWith(`${prefix}${i}.`)).map(([k, v]) => [k.slice(`${prefix}${i}.`.length), v] as const));
    for (const key of Object.keys(raw)) if (key.startsWith(prefix)) delete raw[key];
    items.filter((_, i) => i !== index).forEach((entries, i) => {
      for (const [sub, v] of entries) raw[`${prefix}${i}.${sub}`] = v;
      if (entries.length === 0) raw[`${prefix}${i}.${field.fields[0]!.id}`] = '';
    });
    return true;
  }
  // The documents picked from the safe were attached already; the button only stays on the step.
  if (verb === 'attach' && field?.type === 'file') return true;
  if (verb === 'remove-file' && field?.type === 'file' && arg) {
    const before = files[field.id] ?? [];
    files[field.id] = before.filter((f) => f.id !== arg);
    return files[field.id]!.length !== before.length;
  }
  return false;
}

/** Whether a posted step holds anything typed or chosen (its hidden fields aside). */
function hasTypedInput(raw: RawInput): boolean {
  return Object.entries(raw).some(([name, value]) => !name.startsWith('_') && [value ?? []].flat().some((v) => v.trim() !== ''));
}

/** The citizen's application journey: steps, check your answers, submission, receipt. */
export async function formRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db, catalog } = deps;
  const submitLimit = { rateLimit: { max: deps.config.submissionRateLimit, timeWindow: '1 minute' } };

  async function onlineService(request: FastifyRequest, serviceId: string): Promise<CatalogEntry | undefined> {
    const entry = await catalog.find(request.tenant.id, serviceId);
    return entry?.service.definition.form ? entry : undefined;
  }

  function draftGone(request: FastifyRequest, reply: FastifyReply) {
    return sendPage(reply, <DraftGonePage ctx={ctxOf(request)} />, 404);
  }

  /**
   * What a step shows when it is opened: the answers given, or for a step not answered yet what a
   * signed-in applicant's profile fills in (only with their consent, which prefillSource checks)
   * and the name of the organisation applied for.
   */
  async function initialInput(request: FastifyRequest, session: Session, step: StepDefinition, draft: Pick<Draft, 'answers' | 'organisationId'>): Promise<{ raw: RawInput; prefilled: string[] }> {
    const stored = draft.answers[step.id];
    const asks = (key?: string) => step.fields.some((f) => 'prefill' in f && f.prefill && (!key || f.prefill === key));
    if (stored || !session.accountId || !asks()) return { raw: toRawInput(step, stored), prefilled: [] };
    const profile = await prefillSource(db, request.tenant.id, session.accountId);
    const organisation = draft.organisationId && asks('organisation.name')
      ? (await listMyOrganisations(db, request.tenant.id, session.accountId)).find((o) => o.id === draft.organisationId)
      : undefined;
    return prefillStep(step, { ...profile, ...(organisation && { 'organisation.name': organisation.name }) });
  }

  async function renderStep(request: FastifyRequest, reply: FastifyReply, args: { session: Session; service: Service; step: StepDefinition; answers: Answers; action: string; raw: RawInput; files: Record<string, FileRef[]>; errors: FieldErrors; status: number; prefilled?: string[] }) {
    const safeDocuments = args.session.accountId && args.step.fields.some((f) => f.type === 'file')
      ? await listSafeDocuments(db, request.tenant.id, args.session.accountId)
      : undefined;
    const steps = visibleSteps(args.service.definition.form!, args.answers);
    const index = steps.findIndex((s) => s.id === args.step.id);
    const previous = index > 0 ? steps[index - 1] : undefined;
    const backHref = previous && args.action.startsWith('/antrag/') ? args.action.replace(/[^/]+$/, previous.id) : `/leistungen/${args.service.definition.id}`;
    return sendPage(
      reply,
      <StepPage
        ctx={ctxOf(request, args.session)}
        service={args.service.definition}
        step={args.step}
        stepNumber={index + 1}
        stepCount={steps.length}
        action={args.action}
        backHref={backHref}
        raw={args.raw}
        files={args.files}
        errors={args.errors}
        prefilled={args.prefilled}
        safeDocuments={safeDocuments}
      />,
      args.status,
    );
  }

  /**
   * Handles a posted step: refuses tampering (bad CSRF token, unknown fields), applies edit buttons,
   * stores valid uploads, validates, and either shows errors (422) or saves and moves on (303).
   */
  async function handleStepPost(request: FastifyRequest, reply: FastifyReply, ctx: { session: Session | null; draft?: Draft; service: Service; entry: CatalogEntry; step: StepDefinition; returnToCheck: boolean }) {
    const { step, service } = ctx;
    const lang = request.lang;
    let raw: RawInput;
    let received: ReceivedFile[] = [];
    let fileErrors: FieldErrors = {};
    if (request.isMultipart()) {
      const parsed = await readMultipartStep(request, step, lang);
      if (parsed.unknownFileField) return sendErrorPage(request, reply, 400);
      ({ raw, fileErrors } = parsed);
      received = parsed.files;
    } else {
      raw = (request.body ?? {}) as RawInput;
    }
    if (!isValidCsrfToken(ctx.session, raw._csrf)) return sendErrorPage(request, reply, 403);
    if (!Object.keys(raw).every((name) => isKnownInputName(step, name))) return sendErrorPage(request, reply, 400);
    const session = ctx.session!;
    const actor = draftActor(request.tenant.id, session);

    // Documents picked from the signed-in applicant's safe join the draft as if uploaded: a file row
    // of the draft's own naming the document's stored bytes (nothing is copied), checked as uploads are.
    const picks = pickedSafeDocuments(step, raw);
    const picked: Array<{ fieldId: string; ref: FileRef; sha256: string }> = [];
    if (picks.length > 0) {
      const ids = [...new Set(picks.map((p) => p.documentId))];
      const documents = session.accountId && ids.every(isUuid) ? await findSafeDocuments(db, request.tenant.id, session.accountId, ids) : [];
      if (documents.length !== ids.length) return sendErrorPage(request, reply, 404);
      for (const { field, documentId } of picks) {
        const document = documents.find((d) => d.id === documentId)!;
        const problem = fileProblem(field, document, lang);
        if (problem) fileErrors[field.id] ??= problem;
        else picked.push({ fieldId: field.id, sha256: document.sha256, ref: { id: randomUUID(), filename: document.filename, size: document.size, mediaType: document.mediaType } });
      }
    }

    let draft = ctx.draft;
    if (!draft) {
      // Signed in, the draft is the account's from the start: it can be resumed wherever the account signs in.
      draft = { id: randomUUID(), serviceId: service.definition.id, definitionHash: service.hash, answers: {}, updatedAt: new Date(), accountId: session.accountId, organisationId: null };
      const newDraft = draft;
      await inTransaction(db, actor, (trx) => insertDraft(trx, { ...newDraft, tenantId: request.tenant.id, sessionHash: session.idHash }));
    }
    const answers: Answers = structuredClone(draft.answers);
    const files = fileAnswers(step, answers);
    if (received.length > 0) {
      for (const file of received) {
        const sha256 = await deps.files.put(file.bytes);
        files[file.fieldId] = [...(files[file.fieldId] ?? []), file.ref];
        const draftId = draft.id;
        await inTransaction(db, actor, (trx) => insertDraftFile(trx, { ...file.ref, tenantId: request.tenant.id, draftId, sha256 }));
      }
    }
    for (const file of picked) {
      files[file.fieldId] = [...(files[file.fieldId] ?? []), file.ref];
      const draftId = draft.id;
      await inTransaction(db, actor, (trx) => insertDraftFile(trx, { ...file.ref, tenantId: request.tenant.id, draftId, sha256: file.sha256 }));
    }
    const action = typeof raw._action === 'string' ? raw._action : 'continue';
    const stepUrl = `/antrag/${draft.id}/${step.id}${ctx.returnToCheck ? '?pruefen=1' : ''}`;
    const keepFiles = async () => {
      answers[step.id] = { ...answers[step.id], ...files };
      for (const [id, list] of Object.entries(files)) if (list.length === 0) delete answers[step.id]![id];
      const draftId = draft.id;
      await inTransaction(db, actor, (trx) => updateDraftAnswers(trx, draftId, answers));
    };

    // "Später fortsetzen" saves the step like "Weiter" and then offers a way back (savedDraftLater).
    const later = action === 'later';
    if (action !== 'continue' && !later) {
      if (!applyEditAction(step, raw, files, action)) return sendErrorPage(request, reply, 400);
      await keepFiles();
      return renderStep(request, reply, { session, service, step, answers, action: stepUrl, raw, files, errors: fileErrors, status: 200 });
    }

    const parsed = parseStep(step, raw, { answers, files, lang, today: berlinToday() });
    const errors = { ...parsed.errors, ...fileErrors };
    if (Object.keys(errors).length > 0) {
      // Leaving a step on which nothing was entered yet keeps the draft as it is.
      if (later && received.length === 0 && picked.length === 0 && !hasTypedInput(raw)) return reply.redirect(savedDraftLater(session, draft.id), 303);
      if (received.length > 0 || picked.length > 0) await keepFiles();
      return renderStep(request, reply, { session, service, step, answers, action: stepUrl, raw, files, errors, status: 422 });
    }
    const updated = pruneHiddenSteps(service.definition.form!, { ...answers, [step.id]: parsed.answers });
    const draftId = draft.id;
    await inTransaction(db, actor, (trx) => updateDraftAnswers(trx, draftId, updated));
    if (later) return reply.redirect(savedDraftLater(session, draft.id), 303);

    const steps = visibleSteps(service.definition.form!, updated);
    const firstMissing = steps.find((s) => !updated[s.id]);
    const next = ctx.returnToCheck ? firstMissing : steps[steps.findIndex((s) => s.id === step.id) + 1];
    return reply.redirect(next ? `/antrag/${draft.id}/${next.id}${ctx.returnToCheck ? '?pruefen=1' : ''}` : `/antrag/${draft.id}/pruefen`, 303);
  }

  app.get('/leistungen/:serviceId/antrag', async (request: FastifyRequest<{ Params: { serviceId: string } }>, reply) => {
    const entry = await onlineService(request, request.params.serviceId);
    if (!entry) return reply.callNotFound();
    if (!(await ensureTrustLevel(db, request, reply, entry.service.definition, request.url))) return reply;
    const session = await ensureSession(db, request, reply);
    // A member of organisations is first asked for whom the application is (ADR 0023).
    if ((await organisationChoices(db, request.tenant.id, session, entry.service.definition)).length > 0) {
      return reply.redirect(`/leistungen/${entry.service.definition.id}/antrag/fuer-wen`, 303);
    }
    const step = entry.service.definition.form!.steps[0]!;
    reply.header('cache-control', 'no-store');
    const input = await initialInput(request, session, step, { answers: {}, organisationId: null });
    return renderStep(request, reply, { session, service: entry.service, step, answers: {}, action: `/leistungen/${entry.service.definition.id}/antrag`, ...input, files: {}, errors: {}, status: 200 });
  });

  app.post('/leistungen/:serviceId/antrag', async (request: FastifyRequest<{ Params: { serviceId: string } }>, reply) => {
    const entry = await onlineService(request, request.params.serviceId);
    if (!entry) return reply.callNotFound();
    if (!(await ensureTrustLevel(db, request, reply, entry.service.definition, request.url))) return reply;
    const session = await findSession(db, request);
    const step = entry.service.definition.form!.steps[0]!;
    return handleStepPost(request, reply, { session, service: entry.service, entry, step, returnToCheck: false });
  });

  app.get('/antrag/:draftId/pruefen', async (request: FastifyRequest<{ Params: { draftId: string } }>, reply) => {
    const loaded = await loadDraft(deps, request, request.params.draftId);
    if (!loaded) return draftGone(request, reply);
    if (!(await ensureTrustLevel(db, request, reply, loaded.entry.service.definition, request.url))) return reply;
    return renderCheckPage(request, reply, loaded, {}, 200);
  });

  /** For whom the draft applies, as the check page names it; undefined when the applicant has no choice. */
  async function applicantLabel(request: FastifyRequest, loaded: LoadedDraft): Promise<string | undefined> {
    const organisations = await organisationChoices(db, request.tenant.id, loaded.session, loaded.service.definition);
    const chosen = loaded.draft.organisationId;
    if (organisations.length === 0 && !chosen) return undefined;
    if (!chosen) return t(request.lang, 'applicantPerson');
    const name = organisations.find((o) => o.id === chosen)?.name;
    return name ? t(request.lang, 'applicantOrganisation', { name }) : t(request.lang, 'applicantUnknownOrganisation');
  }

  async function renderCheckPage(request: FastifyRequest, reply: FastifyReply, loaded: LoadedDraft, errors: FieldErrors, status: number) {
    const form = loaded.service.definition.form!;
    const incomplete = findIncompleteSteps(form, loaded.draft.answers, request.lang, berlinToday());
    const applicant = await applicantLabel(request, loaded);
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      <CheckAnswersPage
        ctx={ctxOf(request, loaded.session)}
        service={loaded.service.definition}
        steps={visibleSteps(form, loaded.draft.answers)}
        answers={loaded.draft.answers}
        draftId={loaded.draft.id}
        errors={errors}
        incomplete={incomplete}
        applicant={applicant}
      />,
      status,
    );
  }

  app.post('/antrag/:draftId/absenden', { config: submitLimit }, async (request: FastifyRequest<{ Params: { draftId: string }; Body: Record<string, unknown> }>, reply) => {
    const loaded = await loadDraft(deps, request, request.params.draftId);
    // A second click on "send" lands here too: the first one committed and consumed the draft.
    if (!loaded) return draftGone(request, reply);
    if (!(await ensureTrustLevel(db, request, reply, loaded.entry.service.definition, `/antrag/${loaded.draft.id}/pruefen`))) return reply;
    const body = request.body ?? {};
    if (!isValidCsrfToken(loaded.session, body._csrf)) return sendErrorPage(request, reply, 403);
    if (!Object.keys(body).every((k) => ['_csrf', 'declaration'].includes(k))) return sendErrorPage(request, reply, 400);
    const form = loaded.service.definition.form!;
    const incomplete = findIncompleteSteps(form, loaded.draft.answers, request.lang, berlinToday());
    const errors: FieldErrors = {};
    if (incomplete.length > 0) {
      const step = form.steps.find((s) => s.id === incomplete[0])!;
      errors[`step-${step.id}`] = t(request.lang, 'incompleteStep', { step: localize(step.title, request.lang) });
    }
    if (body.declaration !== 'yes') errors.declaration = t(request.lang, 'declarationRequired');
    // In an organisation's name only while a member: the memberships are read now, and row-level
    // security refuses the submission with any other organisation.
    const organisationId = loaded.draft.organisationId ?? undefined;
    const memberships = organisationId && loaded.session.accountId ? await accountActor(db, request.tenant.id, loaded.session.accountId) : undefined;
    if (organisationId && !memberships?.organisationIds?.includes(organisationId)) errors.applicant = t(request.lang, 'applicantNoLongerMember');
    if (Object.keys(errors).length > 0) return renderCheckPage(request, reply, loaded, errors, 422);

    const tenant = deps.tenants.findById(request.tenant.id)!;
    try {
      const receipt = await submitDraft(deps, { id: loaded.draft.id, sessionHash: loaded.session.idHash, organisationIds: memberships?.organisationIds }, {
        tenant: { id: tenant.id, referencePrefix: tenant.referencePrefix },
        service: loaded.service,
        departmentId: loaded.entry.department.id,
        answers: pruneHiddenSteps(form, loaded.draft.answers),
        language: request.lang,
        actor: loaded.session.accountId ? `account:${loaded.session.accountId}` : 'citizen',
        accountId: loaded.session.accountId ?? undefined,
        organisationId,
      });
      deps.jobs.kick();
      await addReceiptToSession(db, tenant.id, loaded.session, receipt.receiptTokenHash);
      // A service paid first leads on to its payment; the receipt follows from there.
      return reply.redirect(receipt.paymentId ? `/zahlung/${receipt.paymentId}` : `/eingang/${receipt.submissionId}`, 303);
    } catch (error) {
      if (error instanceof DraftGoneError) return draftGone(request, reply);
      throw error;
    }
  });

  app.get('/antrag/:draftId/:stepId', async (request: FastifyRequest<{ Params: StepParams; Querystring: { pruefen?: string } }>, reply) => {
    const loaded = await loadDraft(deps, request, request.params.draftId);
    if (!loaded) return draftGone(request, reply);
    if (!(await ensureTrustLevel(db, request, reply, loaded.entry.service.definition, request.url))) return reply;
    const steps = visibleSteps(loaded.service.definition.form!, loaded.draft.answers);
    const step = steps.find((s) => s.id === request.params.stepId);
    if (!step) return reply.callNotFound();
    reply.header('cache-control', 'no-store');
    return renderStep(request, reply, {
      session: loaded.session,
      service: loaded.service,
      step,
      answers: loaded.draft.answers,
      action: request.url.split('#')[0]!,
      ...(await initialInput(request, loaded.session, step, loaded.draft)),
      files: fileAnswers(step, loaded.draft.answers),
      errors: {},
      status: 200,
    });
  });

  app.post('/antrag/:draftId/:stepId', async (request: FastifyRequest<{ Params: StepParams; Querystring: { pruefen?: string } }>, reply) => {
    const loaded = await loadDraft(deps, request, request.params.draftId);
    if (!loaded) return draftGone(request, reply);
    if (!(await ensureTrustLevel(db, request, reply, loaded.entry.service.definition, request.url))) return reply;
    const step = visibleSteps(loaded.service.definition.form!, loaded.draft.answers).find((s) => s.id === request.params.stepId);
    if (!step) return sendErrorPage(request, reply, 400);
    return handleStepPost(request, reply, { session: loaded.session, draft: loaded.draft, service: loaded.service, entry: loaded.entry, step, returnToCheck: request.query.pruefen === '1' });
  });

  async function loadReceipt(request: FastifyRequest, submissionId: string) {
    if (!isUuid(submissionId)) return undefined;
    const session = await findSession(db, request);
    if (!session || session.receipts.length === 0) return undefined;
    return findReceipt(deps, { tenantId: request.tenant.id, receiptTokenHashes: session.receipts }, submissionId);
  }

  app.get('/eingang/:submissionId', async (request: FastifyRequest<{ Params: { submissionId: string } }>, reply) => {
    const found = await loadReceipt(request, request.params.submissionId);
    if (!found) return reply.callNotFound();
    const { submission } = found;
    const service = await receiptDefinition(deps, found);
    const entry = await catalog.find(request.tenant.id, submission.service_id);
    // Found through the session's receipts, so the session exists; the fee's state is read as its holder.
    const session = (await findSession(db, request))!;
    const payment = await readSubmissionPayment(db, { tenantId: request.tenant.id, receiptTokenHashes: session.receipts }, submission.id);
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      <ReceiptPage
        ctx={ctxOf(request, session)}
        serviceTitle={localize(service.definition.title, request.lang)}
        departmentName={entry ? localize(entry.department.name, request.lang) : ''}
        reference={submission.reference}
        submittedAt={submission.submitted_at}
        submissionId={submission.id}
        mailQueued={service.definition.form?.applicantEmail !== undefined}
        payment={payment && <ReceiptPaymentStatus ctx={ctxOf(request, session)} payment={payment} />}
        awaitingPayment={payment !== undefined && payment.status !== 'paid' && payment.status !== 'refunded'}
        pickup={await pickupAppointment(db, request.tenant.id, service.definition.pickup, submission.answers, request.lang)}
      />,
    );
  });

  app.get('/eingang/:submissionId/quittung.pdf', async (request: FastifyRequest<{ Params: { submissionId: string } }>, reply) => {
    const found = await loadReceipt(request, request.params.submissionId);
    if (!found) return reply.callNotFound();
    return sendReceiptPdf(reply, deps, request.tenant.id, found, request.lang);
  });

  await savedDraftRoutes(app, deps);
  await applicantRoutes(app, deps);
}
