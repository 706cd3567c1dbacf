import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleDeps } from '../../app.js';
import { isUuid } from '../../platform/crypto/tokens.js';
import { sendErrorPage } from '../../platform/http/error-pages.js';
import { isValidCsrfToken } from '../../platform/http/session.js';
import type { FieldErrors } from '../../platform/views/components.js';
import { sendPage } from '../../platform/views/html.js';
import { requireAccount, requireAccountForm, type SignedInAccount } from '../accounts/index.js';
import { berlinToday, parseStep, type RawInput } from '../forms/answers.js';
import { readMultipartStep } from '../forms/uploads.js';
import { documentSafeLimits, documentUploadStep, type SafeDocument } from './document-safe.js';
import { addSafeDocument, deleteSafeDocument, findSafeDocuments, listSafeDocuments } from './document-safe.service.js';
import { knowsEveryInput } from './profile.routes.js';
import { t } from './profile.i18n.js';
import { DeleteDocumentPage, DocumentSafePage } from './views/document-safe-pages.js';

type DocumentRequest = FastifyRequest<{ Params: { documentId: string }; Body: Record<string, unknown> }>;

// Each upload is up to 10 MB of disk and sniffing; a person adds a few documents at a time.
const uploadLimit = { rateLimit: { max: 20, timeWindow: '1 minute' } };

const notices = { hinzugefuegt: 'documentUploaded', geloescht: 'documentDeleted' } as const;

/** "Name.pdf" as a download's file name: ASCII for old clients, the exact name in UTF-8 (RFC 6266) for the rest. */
function attachmentHeader(filename: string): string {
  const ascii = filename.normalize('NFKD').replace(/[^\x20-\x7e]/g, '').replace(/["\\]/g, '_') || 'dokument';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/** The account's document safe at /konto/dokumente: upload, list, download, delete. */
export async function documentSafeRoutes(app: FastifyInstance, deps: ModuleDeps): Promise<void> {
  const { db } = deps;

  async function sendSafePage(reply: FastifyReply, signedIn: SignedInAccount, form: { raw: RawInput; errors: FieldErrors; notice?: string }, status = 200) {
    const documents = await listSafeDocuments(db, reply.request.tenant.id, signedIn.account.id);
    return sendPage(reply, <DocumentSafePage ctx={signedIn.ctx} documents={documents} {...form} />, status);
  }

  /** The signed-in account and one of its documents, or null after redirecting to the sign-in or answering 404. */
  async function ownDocument(request: DocumentRequest, reply: FastifyReply): Promise<{ signedIn: SignedInAccount; document: SafeDocument } | null> {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return null;
    const [document] = isUuid(request.params.documentId) ? await findSafeDocuments(db, request.tenant.id, signedIn.account.id, [request.params.documentId]) : [];
    if (!document) {
      sendErrorPage(request, reply, 404);
      return null;
    }
    return { signedIn, document };
  }

  app.get('/konto/dokumente', async (request: FastifyRequest<{ Querystring: Record<string, unknown> }>, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    const key = notices[request.query.hinweis as keyof typeof notices];
    return sendSafePage(reply, signedIn, { raw: {}, errors: {}, notice: key && t(request.lang, key) });
  });

  app.post('/konto/dokumente', { config: uploadLimit }, async (request, reply) => {
    const signedIn = await requireAccount(db, request, reply);
    if (!signedIn) return reply;
    if (!request.isMultipart()) return sendErrorPage(request, reply, 400);
    const { lang } = request;
    const upload = await readMultipartStep(request, documentUploadStep, lang);
    if (upload.unknownFileField) return sendErrorPage(request, reply, 400);
    if (!isValidCsrfToken(signedIn.session, upload.raw._csrf)) return sendErrorPage(request, reply, 403);
    if (!knowsEveryInput(documentUploadStep, upload.raw)) return sendErrorPage(request, reply, 400);
    const parsed = parseStep(documentUploadStep, upload.raw, { answers: {}, files: { datei: upload.files.map((f) => f.ref) }, lang, today: berlinToday() });
    const errors = { ...parsed.errors, ...upload.fileErrors };
    const file = upload.files[0];
    if (Object.keys(errors).length === 0 && file) {
      const added = await addSafeDocument(db, deps.files, request.tenant.id, signedIn.account.id, { name: parsed.answers.name as string, file });
      if (added.ok) return reply.redirect('/konto/dokumente?hinweis=hinzugefuegt', 303);
      errors.datei = t(lang, 'safeFull', { maxCount: documentSafeLimits.maxDocuments, maxMb: documentSafeLimits.maxTotalBytes / (1024 * 1024) });
    }
    return sendSafePage(reply, signedIn, { raw: upload.raw, errors }, 422);
  });

  app.get('/konto/dokumente/:documentId/herunterladen', async (request: DocumentRequest, reply) => {
    const found = await ownDocument(request, reply);
    if (!found) return reply;
    const { document } = found;
    return reply.type(document.mediaType).header('content-disposition', attachmentHeader(document.filename)).send(await deps.files.get(document.sha256));
  });

  app.get('/konto/dokumente/:documentId/loeschen', async (request: DocumentRequest, reply) => {
    const found = await ownDocument(request, reply);
    if (!found) return reply;
    return sendPage(reply, <DeleteDocumentPage ctx={found.signedIn.ctx} document={found.document} />);
  });

  app.post('/konto/dokumente/:documentId/loeschen', async (request: DocumentRequest, reply) => {
    const signedIn = await requireAccountForm(db, request, reply);
    if (!signedIn) return reply;
    const deleted = isUuid(request.params.documentId) && (await deleteSafeDocument(db, request.tenant.id, signedIn.account.id, request.params.documentId));
    if (!deleted) return sendErrorPage(request, reply, 404);
    return reply.redirect('/konto/dokumente?hinweis=geloescht', 303);
  });
}
