import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { hashToken } from '../../platform/crypto/tokens.js';
import { languages, localize, type Lang } from '../../platform/i18n/i18n.js';
import { berlinToday, isShown, parseStep, type Answers } from './answers.js';
import { answersJsonSchema, apiAnswersToRawInput } from './api-answers.js';
import { findReceipt } from './receipt-access.js';
import { createSubmissionWriter, submitApplication } from './forms.service.js';
import { renderReceiptPdf } from './receipt.js';
import { resolveDefinition } from './definitions.js';
import { ensureTrustLevelForApi, trustLevelProblemSchema } from '../accounts/index.js';

const submissionBody = {
  type: 'object',
  required: ['answers'],
  additionalProperties: false,
  properties: {
    answers: { type: 'object', description: 'Answers by step id and field id; see GET /api/v1/services/{id}/form' },
    language: { type: 'string', enum: [...languages], default: 'de' },
  },
} as const;

const submissionCreated = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    reference: { type: 'string' },
    submittedAt: { type: 'string', format: 'date-time' },
    receiptToken: { type: 'string', description: 'Bearer token for GET /api/v1/submissions/{id}/receipt.pdf; shown once' },
    paymentPath: { type: 'string', description: 'For a service paid before handling: the payment page (on this host) to send the applicant to; the office sees the application once it is paid' },
  },
} as const;

const errorResponse = { type: 'object', properties: { error: { type: 'string' }, details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } } } } as const;

/** JSON API for apps: a service's form as JSON Schema, and submissions validated by the same rules as the HTML form. */
export async function formApiRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db, catalog } = deps;
  const writeSubmission = createSubmissionWriter(db);

  app.get('/api/v1/services/:serviceId/form', {
    schema: { tags: ['services'], summary: 'JSON Schema of the answers a service accepts', params: { type: 'object', properties: { serviceId: { type: 'string' } } } },
  }, async (request: FastifyRequest<{ Params: { serviceId: string } }>, reply) => {
    const entry = await catalog.find(request.tenant.id, request.params.serviceId);
    if (!entry?.service.definition.form) return reply.code(404).send({ error: 'no online form for this service' });
    return reply.type('application/schema+json').send({ title: entry.service.definition.title.de, ...answersJsonSchema(entry.service.definition.form) });
  });

  app.post('/api/v1/services/:serviceId/submissions', {
    config: { rateLimit: { max: deps.config.submissionRateLimit, timeWindow: '1 minute' } },
    schema: {
      tags: ['services'],
      summary: 'Submit an application',
      params: { type: 'object', properties: { serviceId: { type: 'string' } } },
      body: submissionBody,
      response: { 201: submissionCreated, 400: errorResponse, 403: trustLevelProblemSchema, 404: errorResponse, 422: errorResponse },
    },
  }, async (request: FastifyRequest<{ Params: { serviceId: string }; Body: { answers: unknown; language?: Lang } }>, reply) => {
    const entry = await catalog.find(request.tenant.id, request.params.serviceId);
    const form = entry?.service.definition.form;
    if (!entry || !form) return reply.code(404).send({ error: 'no online form for this service' });
    // A service that requires a trust level takes applications only from an account signed in at it.
    if (!(await ensureTrustLevelForApi(db, request, reply, entry.service.definition.minimumTrustLevel))) return reply;
    const lang = request.body.language ?? 'de';
    const { raw, problems } = apiAnswersToRawInput(form, request.body.answers);
    if (problems.length > 0) return reply.code(400).send({ error: 'answers do not match the form', details: problems });

    const answers: Answers = {};
    const details: Array<{ path: string; message: string }> = [];
    const today = berlinToday();
    for (const step of form.steps) {
      if (!isShown(step.when, answers)) continue;
      const parsed = parseStep(step, raw[step.id] ?? {}, { answers, files: {}, lang, today });
      for (const [name, message] of Object.entries(parsed.errors)) details.push({ path: `${step.id}.${name}`, message });
      answers[step.id] = parsed.answers;
    }
    if (details.length > 0) return reply.code(422).send({ error: 'validation failed', details });

    const tenant = deps.tenants.findById(request.tenant.id)!;
    const receipt = await submitApplication(deps, writeSubmission, {
      tenant: { id: tenant.id, referencePrefix: tenant.referencePrefix },
      service: entry.service,
      departmentId: entry.department.id,
      answers,
      language: lang,
      actor: 'api-client',
    });
    deps.jobs.kick();
    return reply.code(201).send({
      id: receipt.submissionId, reference: receipt.reference, submittedAt: receipt.submittedAt.toISOString(), receiptToken: receipt.receiptToken,
      ...(receipt.paymentId ? { paymentPath: `/zahlung/${receipt.paymentId}` } : {}),
    });
  });

  app.get('/api/v1/submissions/:submissionId/receipt.pdf', {
    schema: { tags: ['services'], summary: 'The receipt PDF of a submission (Authorization: Bearer <receiptToken>)', params: { type: 'object', properties: { submissionId: { type: 'string', format: 'uuid' } } } },
  }, async (request: FastifyRequest<{ Params: { submissionId: string } }>, reply) => {
    const token = request.headers.authorization?.match(/^Bearer ([A-Za-z0-9_-]{43})$/)?.[1];
    if (!token) return reply.code(401).send({ error: 'receipt token required' });
    const tokenHash = hashToken(token);
    const found = await findReceipt(deps, { tenantId: request.tenant.id, receiptTokenHashes: [tokenHash] }, request.params.submissionId);
    if (!found) return reply.code(404).send({ error: 'not found' });
    const entry = await catalog.find(request.tenant.id, found.submission.service_id);
    const service = await resolveDefinition(db, deps.services, found.submission.definition_hash);
    const lang = found.submission.language as Lang;
    const pdf = await renderReceiptPdf({
      tenant: deps.tenants.findById(request.tenant.id)!,
      service,
      submission: found.submission,
      files: found.files,
      departmentName: entry ? localize(entry.department.name, lang) : '',
      lang,
    });
    return reply.type('application/pdf').send(pdf);
  });
}
