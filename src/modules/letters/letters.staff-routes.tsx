import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { inTransaction } from '../../platform/db/database.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { isValidCsrfToken } from '../../platform/http/session.js';
import { berlinDay, localize, parseDay, type Lang } from '../../platform/i18n/i18n.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/html.js';
import { requireStaff as requireStaffPage, type StaffMember } from '../staff/index.js';
import type { Tenant } from '../tenants/tenant.js';
import { loadLetterTemplates, type LetterTemplate } from './letter-template.js';
import { readLetterValues, valueInputName } from './letter-values.js';
import { assessCase } from '../taxes/index.js';
import type { TenantProfile } from '../../platform/db/schema.js';
import { composeForCase, fittingTemplates, issueLetter, letterDelivery, loadLetterCase, mayIssueLetters, readDocumentForDownload, recordPosting, type LetterCase } from './letters.service.js';
import { t } from './letters.i18n.js';
import { LettersPage, type LetterDraft } from './views/letter-pages.js';

type Body = Record<string, unknown>;

/** The letters of a case for its department's staff: templates, preview, issuing, downloads, posting. */
export async function lettersStaffRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;
  // Checked at start against the services' forms: a broken template stops the start.
  const templates = await loadLetterTemplates(deps.services);

  const requireStaff = (request: FastifyRequest, reply: FastifyReply) => requireStaffPage(db, request, reply);
  type SignedIn = NonNullable<Awaited<ReturnType<typeof requireStaff>>>;

  const tenantOf = (request: FastifyRequest): Tenant => deps.tenants.findById(request.tenant.id)!;
  // Every page shows the case's data (the preview holds names and addresses): each read is audited.
  const loadCase = (request: FastifyRequest, staff: StaffMember, caseId: string) =>
    isUuid(caseId) ? loadLetterCase(deps, { tenantId: request.tenant.id, staff, caseId, audit: 'case.letters-viewed' }) : Promise.resolve(undefined);
  const templateFor = (c: LetterCase, id: unknown): LetterTemplate | undefined => fittingTemplates(c, templates).find((tpl) => tpl.id === id);

  /** The form and preview for a template, from what was posted (or nothing yet). */
  function draftOf(lang: Lang, request: FastifyRequest, c: LetterCase, template: LetterTemplate, body: Body, errors: FieldErrors = {}): LetterDraft {
    const read = readLetterValues(template.values, body, lang);
    const supersedesId = typeof body.ersetzt === 'string' ? body.ersetzt : '';
    const letter = composeForCase(c, tenantOf(request), template, read.values, { supersedes: c.documents.find((d) => d.id === supersedesId) });
    const label = (name: string) => {
      const value = template.values.find((v) => `values.${v.name}` === name);
      return value ? t(lang, 'missingValue', { label: localize(value.label, lang) }) : t(lang, 'missingPlaceholder', { name });
    };
    return {
      template: { id: template.id, title: localize(template.title, lang), values: template.values },
      raw: read.raw,
      supersedesId,
      errors: { ...read.errors, ...errors },
      letter,
      missing: letter.missing.map(label),
      delivery: letterDelivery(c),
      applicantEmail: c.applicantEmail,
    };
  }

  function showLetters(request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn, c: LetterCase, extras: { draft?: LetterDraft; alert?: string; posting?: { documentId: string; value: string; error: string } } = {}, code = 200) {
    const lang = request.lang;
    return sendPage(
      reply,
      <LettersPage
        ctx={signedIn.ctx}
        caseId={c.id}
        reference={c.reference}
        version={c.version}
        documents={c.documents}
        templates={fittingTemplates(c, templates).map((tpl) => ({ id: tpl.id, title: localize(tpl.title, lang) }))}
        serviceHasTemplates={(templates.get(c.serviceId) ?? []).length > 0}
        mayIssue={mayIssueLetters(c, signedIn.staff)}
        chosenTemplateId={extras.draft?.template.id ?? ''}
        {...extras}
      />,
      code,
    );
  }

  app.get('/verwaltung/vorgaenge/:caseId/bescheide', async (request: FastifyRequest<{ Params: { caseId: string }; Querystring: { vorlage?: string } }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    const c = await loadCase(request, signedIn.staff, request.params.caseId);
    if (!c) return reply.callNotFound();
    const chosen = request.query.vorlage;
    if (chosen === undefined || !mayIssueLetters(c, signedIn.staff)) return showLetters(request, reply, signedIn, c);
    const template = templateFor(c, chosen);
    if (!template) return sendErrorPage(request, reply, 400);
    return showLetters(request, reply, signedIn, c, { draft: draftOf(request.lang, request, c, template, computedInput(c, tenantOf(request).profile)) });
  });

  app.post('/verwaltung/vorgaenge/:caseId/bescheide', async (request: FastifyRequest<{ Params: { caseId: string }; Body: Body }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    const body = request.body ?? {};
    if (!isValidCsrfToken(signedIn, body._csrf)) return sendErrorPage(request, reply, 403);
    const c = await loadCase(request, signedIn.staff, request.params.caseId);
    if (!c) return reply.callNotFound();
    const lang = request.lang;
    const version = Number(body.version);
    if (!Number.isInteger(version) || !['vorschau', 'erstellen'].includes(String(body.aktion))) return sendErrorPage(request, reply, 400);
    if (version !== c.version) return showConflict(request, reply, signedIn, c, body, 'conflict');
    const template = templateFor(c, body.vorlage);
    const supersedesId = body.ersetzt === undefined || body.ersetzt === '' ? null : body.ersetzt;
    const known = ['_csrf', 'version', 'vorlage', 'aktion', 'ersetzt', ...(template?.values.map((v) => valueInputName(v.name)) ?? [])];
    // A form this page did not render: tampering, not a mistake to explain.
    if (!template || !Object.keys(body).every((k) => known.includes(k)) || (supersedesId !== null && (typeof supersedesId !== 'string' || !isUuid(supersedesId)))) {
      return sendErrorPage(request, reply, 400);
    }
    const draft = draftOf(lang, request, c, template, body);
    if (body.aktion === 'vorschau') return showLetters(request, reply, signedIn, c, { draft });
    if (Object.keys(draft.errors).length > 0) return showLetters(request, reply, signedIn, c, { draft }, 422);

    const values = readLetterValues(template.values, body, lang).values;
    const outcome = await issueLetter(deps, { tenant: tenantOf(request), staff: signedIn.staff, caseId: c.id, version, template, values, supersedesId: supersedesId as string | null });
    switch (outcome.kind) {
      case 'done':
        deps.jobs.kick();
        return reply.redirect(`/verwaltung/vorgaenge/${c.id}/bescheide#dokument-${outcome.documentId}`, 303);
      case 'notFound':
        return reply.callNotFound();
      case 'unfitTemplate':
      case 'badSupersedes':
        return sendErrorPage(request, reply, 400);
      case 'incomplete': {
        const errors: FieldErrors = {};
        for (const name of outcome.missing) {
          const value = template.values.find((v) => `values.${v.name}` === name);
          if (value) errors[valueInputName(value.name)] = t(lang, 'missingValue', { label: localize(value.label, lang) });
          else errors.vorschau = t(lang, 'missingTitle');
        }
        return showLetters(request, reply, signedIn, c, { draft: draftOf(lang, request, c, template, body, errors) }, 422);
      }
      default:
        return showConflict(request, reply, signedIn, (await loadCase(request, signedIn.staff, c.id)) ?? c, body, outcome.kind);
    }
  });

  /** A refused letter: the page shows the case as it is now, keeping what was typed where the template still fits. */
  function showConflict(request: FastifyRequest, reply: FastifyReply, signedIn: SignedIn, c: LetterCase, body: Body, why: 'conflict' | 'notAllowed') {
    const template = templateFor(c, body.vorlage);
    const draft = template && mayIssueLetters(c, signedIn.staff) ? draftOf(request.lang, request, c, template, body) : undefined;
    return showLetters(request, reply, signedIn, c, { alert: t(request.lang, why), ...(draft ? { draft } : {}) }, why === 'conflict' ? 409 : 422);
  }

  /** Sends a document's PDF or check text to a clerk of its department; every download is audited. */
  async function download(request: FastifyRequest<{ Params: { caseId: string; documentId: string } }>, reply: FastifyReply, what: 'pdf' | 'text') {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    const { caseId, documentId } = request.params;
    if (!isUuid(caseId) || !isUuid(documentId)) return reply.callNotFound();
    const actor = { tenantId: request.tenant.id, departmentIds: signedIn.staff.departments.map((d) => d.id) };
    const found = await inTransaction(db, actor, (trx) =>
      readDocumentForDownload(trx, deps.files, { tenantId: request.tenant.id, caseId, documentId, actor: `staff:${signedIn.staff.id}`, via: 'case-file', format: what }));
    if (!found) return reply.callNotFound();
    return sendDocument(reply, found, what);
  }

  app.get('/verwaltung/vorgaenge/:caseId/bescheide/:documentId/bescheid.pdf', (request: FastifyRequest<{ Params: { caseId: string; documentId: string } }>, reply) => download(request, reply, 'pdf'));
  app.get('/verwaltung/vorgaenge/:caseId/bescheide/:documentId/prueftext.txt', (request: FastifyRequest<{ Params: { caseId: string; documentId: string } }>, reply) => download(request, reply, 'text'));

  app.post('/verwaltung/vorgaenge/:caseId/bescheide/:documentId/postversand', async (request: FastifyRequest<{ Params: { caseId: string; documentId: string }; Body: Body }>, reply) => {
    const signedIn = await requireStaff(request, reply);
    if (!signedIn) return reply;
    const body = request.body ?? {};
    if (!isValidCsrfToken(signedIn, body._csrf)) return sendErrorPage(request, reply, 403);
    const { caseId, documentId } = request.params;
    const c = await loadCase(request, signedIn.staff, caseId);
    const document = c?.documents.find((d) => d.id === documentId);
    if (!c || !document) return reply.callNotFound();
    const field = `versandtAm.${documentId}`;
    const typed = typeof body[field] === 'string' ? (body[field] as string).trim() : '';
    const day = parseDay(typed);
    const lang = request.lang;
    const error = day === null ? t(lang, 'invalidDate')
      : day > berlinDay(new Date()) ? t(lang, 'postedDateFuture')
      : day < berlinDay(document.deliveredAt) ? t(lang, 'postedDateBeforeLetter')
      : undefined;
    if (error) return showLetters(request, reply, signedIn, c, { posting: { documentId, value: typed, error } }, 422);
    const outcome = await recordPosting(db, { tenantId: request.tenant.id, staff: signedIn.staff, caseId, documentId, postedOn: day! });
    if (outcome === 'notFound') return reply.callNotFound();
    if (outcome === 'notPost') return sendErrorPage(request, reply, 400);
    if (outcome === 'alreadyPosted') return showLetters(request, reply, signedIn, c, { alert: t(lang, 'alreadyPosted') }, 409);
    return reply.redirect(`/verwaltung/vorgaenge/${caseId}/bescheide#dokument-${documentId}`, 303);
  });
}

/** The reply for a document download: the PDF, or the check text its fingerprint is computed from. */
export async function sendDocument(reply: FastifyReply, document: { number: string; checkText: string; pdf: () => Promise<Buffer> }, what: 'pdf' | 'text'): Promise<FastifyReply> {
  reply.header('cache-control', 'no-store');
  if (what === 'text') {
    return reply.type('text/plain; charset=utf-8').header('content-disposition', `attachment; filename="Prueftext-${document.number}.txt"`).send(document.checkText);
  }
  return reply.type('application/pdf').header('content-disposition', `attachment; filename="Bescheid-${document.number}.pdf"`).send(await document.pdf());
}

/** What the case computes itself (the dog tax from the town's tariff), as the form's first input. */
function computedInput(c: LetterCase, town: TenantProfile): Body {
  // German, like every letter: the value fields read German amounts and dates.
  const assessed = assessCase(c.service.definition, c.answers, town, 'de');
  if (!assessed || assessed === 'noTariff') return {};
  return Object.fromEntries(Object.entries(assessed.values).map(([name, value]) => [valueInputName(name), value]));
}
