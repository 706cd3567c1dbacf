import type { FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { inTransaction, type Actor } from '../../platform/db/database.js';
import { findSession, type Session } from '../../platform/http/session.js';
import type { CatalogEntry, Service } from '../catalog/index.js';
import { visibleSteps } from './answers.js';
import { resolveDefinition } from './definitions.js';
import { findDraft, type Draft } from './forms.repository.js';

/** A draft the request may work on, with its session, the definition it was started with and the service's catalog entry. */
export interface LoadedDraft {
  session: Session;
  draft: Draft;
  service: Service;
  entry: CatalogEntry;
}

/** Who works on drafts in a request: the browser session, and the account signed in with it (its drafts follow it everywhere). */
export function draftActor(tenantId: string, session: Session): Actor {
  return { tenantId, sessionHash: session.idHash, accountId: session.accountId ?? undefined };
}

/** The draft of a path, if this browser session or its signed-in account may reach it and the town still offers the service. */
export async function loadDraft(deps: Pick<ModuleDeps, 'db' | 'catalog' | 'services'>, request: FastifyRequest, draftId: string): Promise<LoadedDraft | undefined> {
  if (!isUuid(draftId)) return undefined;
  const session = await findSession(deps.db, request);
  if (!session) return undefined;
  const draft = await inTransaction(deps.db, draftActor(request.tenant.id, session), (trx) => findDraft(trx, draftId));
  if (!draft) return undefined;
  const entry = await deps.catalog.find(request.tenant.id, draft.serviceId);
  if (!entry) return undefined;
  const service = await resolveDefinition(deps.db, deps.services, draft.definitionHash);
  return { session, draft, service, entry };
}

/** Where a draft continues: its first shown step without answers, else the check page. */
export function resumePath(loaded: Pick<LoadedDraft, 'draft' | 'service'>): string {
  const { draft } = loaded;
  const next = visibleSteps(loaded.service.definition.form!, draft.answers).find((s) => !draft.answers[s.id]);
  return `/antrag/${draft.id}/${next ? next.id : 'pruefen'}`;
}
