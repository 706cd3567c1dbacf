import type { Config } from '../../config.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { loadHandoffKey, openSecret, sealSecret } from '../../platform/crypto/secret-box.js';
import type { Keyring } from '../../platform/crypto/keyring.js';
import { inTransaction, type Db, type Trx } from '../../platform/db/database.js';
import { enqueueJob, type Job, type JobHandler } from '../../platform/jobs/jobs.js';
import { recordAudit } from '../audit/index.js';
import { openAnswers, type Answers } from '../forms/index.js';
import type { StaffMember } from '../staff/index.js';
import type { TenantDirectory } from '../tenants/tenant-directory.js';
import { classifyAttempt, handoffBody, handoffJob, handoffMaxAttempts, mayResend, type AttemptOutcome, type HandoffDelivery } from './handoff.js';
import {
  deleteTarget, findDeliveryToSend, findTarget, insertHandoffEvent, listDeliveries, listSubmissionFiles, listTargets, lockDeliveryOfCase, markResent, recordAttempt, upsertTarget,
} from './handoff.repository.js';
import { checkTargetUrl, guardedLookup, targetRules } from './target-url.js';
import { isWebhookSecret, newWebhookSecret, signWebhook } from './webhook-signature.js';
import { postWebhook } from './webhook-sender.js';

/** What the hand-off job needs. */
export interface HandoffDeps {
  db: Db;
  tenants: TenantDirectory;
  config: Pick<Config, 'env' | 'dataDir' | 'handoffKey' | 'handoffAllowPrivateTargets'>;
  /** Opens the sensitive answers: the town's own system gets them in the clear (the transfer is signed and its channel is the target's TLS). */
  keyring: Keyring;
  /** How long one attempt may take; Standard Webhooks recommends 15 to 30 s. */
  timeoutMs?: number;
}

const defaultTimeoutMs = 15_000;

// The associated data of a sealed secret: it opens only for the target it was sealed for.
const sealContext = (tenantId: string, serviceId: string) => `handoff:${tenantId}:${serviceId}`;

/** The job handler that delivers hand-offs (see deliverHandoff). */
export function handoffJobHandlers(deps: HandoffDeps): Record<string, JobHandler> {
  return { [handoffJob]: (job) => deliverHandoff(deps, job) };
}

/**
 * One attempt of a delivery: reads the case, signs and POSTs it outside any transaction, then
 * records the outcome. A retryable failure throws, so the job table schedules the next attempt
 * with its back-off; on the job's last attempt it is recorded as failed instead. The webhook-id and
 * Idempotency-Key are the delivery's id on every attempt. The job runs as the case's department,
 * which row-level security requires to read the submission and write the case's history.
 */
export async function deliverHandoff(deps: HandoffDeps, job: Job): Promise<void> {
  const { deliveryId, departmentId } = job.payload as { deliveryId?: unknown; departmentId?: unknown };
  const town = job.tenantId ? deps.tenants.findById(job.tenantId) : undefined;
  if (typeof deliveryId !== 'string' || !isUuid(deliveryId) || typeof departmentId !== 'string' || !isUuid(departmentId) || !town) {
    throw new Error('malformed hand-off job');
  }
  const actor = { tenantId: town.id, departmentIds: [departmentId] };
  const found = await inTransaction(deps.db, actor, async (trx) => {
    const delivery = await findDeliveryToSend(trx, deliveryId);
    // Delivered already (a repeated job) or gone: nothing to send.
    if (!delivery || (delivery.status !== 'pending' && delivery.status !== 'resent')) return undefined;
    const answers = await openAnswers(deps.keyring, trx, town.id, { submissionId: delivery.submission_id }, { answers: delivery.answers, sealed: delivery.sealed_answers, dataKeyId: delivery.data_key_id });
    return { delivery: { ...delivery, answers }, target: await findTarget(trx, town.id, delivery.service_id), files: await listSubmissionFiles(trx, delivery.submission_id) };
  });
  if (!found) return;
  const { delivery, target, files } = found;

  const rules = targetRules(deps.config);
  const checked = target ? checkTargetUrl(target.url, rules) : undefined;
  let outcome = await attempt(deps, { town, delivery, target, checked, files });
  if (outcome.kind === 'retry' && job.attempts >= job.maxAttempts) {
    outcome = { kind: 'failed', httpStatus: outcome.httpStatus, reason: `${outcome.reason} (gave up after ${job.attempts} attempts)` };
  }
  const final = outcome;
  await inTransaction(deps.db, actor, async (trx) => {
    const status = final.kind === 'delivered' ? 'delivered' : final.kind === 'failed' ? 'failed' : delivery.status;
    const caseId = await recordAttempt(trx, deliveryId, { status, httpStatus: final.httpStatus, error: final.kind === 'delivered' ? null : final.reason });
    if (!caseId || final.kind === 'retry') return;
    await insertHandoffEvent(trx, {
      tenantId: town.id, caseId, staffId: null,
      details: final.kind === 'delivered' ? { event: 'delivered', httpStatus: final.httpStatus, deliveryId } : { event: 'failed', reason: final.reason.slice(0, 300), deliveryId },
    });
    // Personal data left the portal: the audit log says when and to which host, not what.
    if (final.kind === 'delivered') {
      await recordAudit(trx, { tenantId: town.id, actor: 'system:handoff', action: 'handoff.delivered', subject: `case:${caseId}`, details: { deliveryId, host: checked && checked.ok ? checked.url.host : '', httpStatus: final.httpStatus } });
    }
  });
  // The response excerpt may quote the case; the job table and the log get only the status.
  if (final.kind === 'retry') throw new Error(final.httpStatus ? `hand-off answered HTTP ${final.httpStatus}` : `hand-off got no response: ${final.reason}`);
}

type DeliveryToSend = NonNullable<Awaited<ReturnType<typeof findDeliveryToSend>>> & { answers: Answers };

/** Signs and POSTs a delivery once and says what came of it. */
async function attempt(
  deps: HandoffDeps,
  input: {
    town: { id: string; slug: string; name: string };
    delivery: DeliveryToSend;
    target: Awaited<ReturnType<typeof findTarget>>;
    checked: ReturnType<typeof checkTargetUrl> | undefined;
    files: Awaited<ReturnType<typeof listSubmissionFiles>>;
  },
): Promise<AttemptOutcome> {
  const { town, delivery, target, checked } = input;
  if (!target || !checked) return { kind: 'failed', httpStatus: null, reason: 'the service no longer forwards its cases (hand-off target removed)' };
  if (!checked.ok) return { kind: 'failed', httpStatus: null, reason: checked.reason };
  let secret: string;
  try {
    secret = openSecret(await loadHandoffKey(deps.config), target.secret_sealed, sealContext(town.id, target.service_id));
  } catch (error) {
    // A missing or wrong HANDOFF_KEY is fixed by the operator; the attempts keep going meanwhile.
    return { kind: 'retry', httpStatus: null, reason: `the signing secret cannot be opened: ${error instanceof Error ? error.message : String(error)}` };
  }
  const body = handoffBody({
    caseId: delivery.case_id,
    reference: delivery.reference,
    tenant: { slug: town.slug, name: town.name },
    serviceId: delivery.service_id,
    definitionVersion: delivery.definition_version,
    definitionHash: delivery.definition_hash,
    submittedAt: new Date(delivery.submitted_at),
    language: delivery.language,
    answers: delivery.answers,
    files: input.files.map((f) => ({ filename: f.filename, mediaType: f.media_type, size: f.size, sha256: f.sha256 })),
  });
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'Rathaus-Handoff/1',
    'idempotency-key': delivery.id,
    'webhook-id': delivery.id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, delivery.id, timestamp, body),
  };
  return classifyAttempt(await postWebhook(checked.url, headers, body, { timeoutMs: deps.timeoutMs ?? defaultTimeoutMs, lookup: guardedLookup(targetRules(deps.config)) }));
}

/** The deliveries of a case for its department's page (called inside the page's transaction). */
export async function listCaseHandoffs(trx: Trx, caseId: string): Promise<HandoffDelivery[]> {
  return (await listDeliveries(trx, caseId)).map((d) => ({
    id: d.id,
    status: d.status,
    attempts: d.attempts,
    lastAttemptAt: d.last_attempt_at,
    httpStatus: d.http_status,
    error: d.error,
    deliveredAt: d.delivered_at,
  }));
}

/**
 * A clerk sends a delivery again: the same delivery (so the same Idempotency-Key) gets a new job,
 * the history and the audit log say who did it. A delivery still waiting is left alone, so a
 * double click sends nothing twice.
 */
export async function resendHandoff(db: Db, input: { tenantId: string; staff: StaffMember; caseId: string; deliveryId: string }): Promise<'done' | 'alreadyQueued' | 'notFound'> {
  const actor = { tenantId: input.tenantId, departmentIds: input.staff.departments.map((d) => d.id) };
  return inTransaction(db, actor, async (trx) => {
    const delivery = await lockDeliveryOfCase(trx, input.caseId, input.deliveryId);
    if (!delivery) return 'notFound';
    if (!mayResend(delivery.status)) return 'alreadyQueued';
    await markResent(trx, delivery.id);
    await enqueueJob(trx, { tenantId: input.tenantId, kind: handoffJob, payload: { deliveryId: delivery.id, departmentId: delivery.department_id }, maxAttempts: handoffMaxAttempts });
    await insertHandoffEvent(trx, { tenantId: input.tenantId, caseId: input.caseId, staffId: input.staff.id, details: { event: 'resent', deliveryId: delivery.id } });
    await recordAudit(trx, { tenantId: input.tenantId, actor: `staff:${input.staff.id}`, action: 'handoff.resent', subject: `case:${input.caseId}`, details: { deliveryId: delivery.id, reference: delivery.reference } });
    return 'done';
  });
}

/**
 * Configures where a town's service forwards its new cases (the CLI, as the database owner with
 * the town set). A new target gets the given secret or a generated one, returned to show once; a
 * changed URL keeps the secret unless a new one is given.
 */
export async function setHandoffTarget(
  trx: Trx,
  key: Buffer,
  config: Pick<Config, 'env' | 'handoffAllowPrivateTargets'>,
  input: { tenantId: string; serviceId: string; url: string; secret?: string },
): Promise<{ ok: true; created: boolean; generatedSecret?: string } | { ok: false; reason: string }> {
  const checked = checkTargetUrl(input.url, targetRules(config));
  if (!checked.ok) return checked;
  if (input.secret !== undefined && !isWebhookSecret(input.secret)) {
    return { ok: false, reason: 'the secret must be whsec_ followed by 24 to 64 bytes in base64 (Standard Webhooks)' };
  }
  const seal = (secret: string) => sealSecret(key, secret, sealContext(input.tenantId, input.serviceId));
  const given = input.secret === undefined ? undefined : seal(input.secret);
  const outcome = await upsertTarget(trx, { tenantId: input.tenantId, serviceId: input.serviceId, url: checked.url.href, secretSealed: given });
  if (outcome !== 'needsSecret') return { ok: true, created: outcome === 'created' };
  const generatedSecret = newWebhookSecret();
  await upsertTarget(trx, { tenantId: input.tenantId, serviceId: input.serviceId, url: checked.url.href, secretSealed: seal(generatedSecret) });
  return { ok: true, created: true, generatedSecret };
}

/** The targets of a town, without secrets. */
export function listHandoffTargets(trx: Trx, tenantId: string) {
  return listTargets(trx, tenantId);
}

/** Stops forwarding a town's service; its pending deliveries then fail with that reason. */
export function removeHandoffTarget(trx: Trx, tenantId: string, serviceId: string): Promise<boolean> {
  return deleteTarget(trx, tenantId, serviceId);
}
