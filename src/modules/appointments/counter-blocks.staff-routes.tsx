import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { inTransaction } from '../../platform/db/database.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { isValidCsrfToken } from '../../platform/http/session.js';
import { sendPage } from '../../platform/views/html.js';
import { requireStaff } from '../staff/index.js';
import { findLocationSetup } from './appointments.repository.js';
import { blockCounter, listBlocks, type BlockForm } from './counter-blocks.service.js';
import { BlocksPage, waitlistPaths } from './views/waiting-list-pages.js';
import { t } from './waiting-list.i18n.js';

type BlockRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined>; Body: Record<string, unknown> }>;

const formFields = ['resourceId', 'day', 'from', 'until', 'reason'] as const;

/**
 * Blocking a counter for a span (/verwaltung/termine/{location}/sperren), for the staff of the
 * location's department: POST → 303 → GET with how many appointments were cancelled; 422 with the
 * values kept.
 */
export async function counterBlockRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  /** The clerk and the location they serve, or null after answering (sign-in, 403, 404). */
  async function clerkAt(request: BlockRequest, reply: Parameters<typeof requireStaff>[2], form?: Record<string, unknown>) {
    const signedIn = await requireStaff(db, request, reply);
    if (!signedIn) return null;
    if (form && !isValidCsrfToken(signedIn, form._csrf)) return sendErrorPage(request, reply, 403), null;
    const departmentIds = signedIn.staff.departments.map((d) => d.id);
    const setup = isUuid(request.params.id) ? await inTransaction(db, { tenantId: request.tenant.id }, (trx) => findLocationSetup(trx, request.params.id)) : undefined;
    if (!setup) return reply.callNotFound(), null;
    if (!departmentIds.includes(setup.location.departmentId)) return sendErrorPage(request, reply, 403), null;
    return { signedIn, departmentIds, setup };
  }

  app.get(waitlistPaths.blocks(':id'), async (request: BlockRequest, reply) => {
    const clerk = await clerkAt(request, reply);
    if (!clerk) return reply;
    const saved = /^\d{1,4}$/.test(request.query.abgesagt ?? '') ? Number(request.query.abgesagt) : undefined;
    return sendPage(reply, <BlocksPage ctx={clerk.signedIn.ctx} staffName={clerk.signedIn.staff.name} locationName={clerk.setup.location.name} action={waitlistPaths.blocks(request.params.id)}
      resources={clerk.setup.resources} blocks={await listBlocks(db, request.tenant.id, request.params.id)} values={{}} errors={{}} saved={saved} />);
  });

  app.post(waitlistPaths.blocks(':id'), async (request: BlockRequest, reply) => {
    const body = request.body ?? {};
    const clerk = await clerkAt(request, reply, body);
    if (!clerk) return reply;
    const form = Object.fromEntries(formFields.map((f) => [f, typeof body[f] === 'string' ? (body[f] as string).slice(0, 300) : ''])) as BlockForm;
    const result = await blockCounter(db, request.tenant.id, clerk.departmentIds, request.params.id, form);
    if (result.ok) {
      deps.jobs.kick();
      return reply.redirect(`${waitlistPaths.blocks(request.params.id)}?abgesagt=${result.cancelled}`, 303);
    }
    if (result.kind === 'notFound') return reply.callNotFound();
    const errors = Object.fromEntries(Object.entries(result.errors).map(([k, key]) => [k, t(request.lang, key!)]));
    return sendPage(reply, <BlocksPage ctx={clerk.signedIn.ctx} staffName={clerk.signedIn.staff.name} locationName={clerk.setup.location.name} action={waitlistPaths.blocks(request.params.id)}
      resources={clerk.setup.resources} blocks={await listBlocks(db, request.tenant.id, request.params.id)} values={form} errors={errors} />, 422);
  });
}
