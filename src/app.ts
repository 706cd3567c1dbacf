import path from 'node:path';
import type { Writable } from 'node:stream';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyFormbody from '@fastify/formbody';
import fastifyMultipart from '@fastify/multipart';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import type { Config } from './config.js';
import { assertRlsEnforced, openDatabase, type DatabaseHandle } from './platform/db/database.js';
import { migrate } from './platform/db/migrate.js';
import { addSecurityHeaders } from './platform/http/security-headers.js';
import { registerErrorPages } from './platform/http/error-pages.js';
import { registerOperations } from './platform/http/operations.js';
import { createMailer, type Mailer } from './platform/mail/mailer.js';
import { startJobWorker, type JobWorker } from './platform/jobs/jobs.js';
import { createFileStore, type FileStore } from './platform/files/file-store.js';
import { Keyring } from './platform/crypto/keyring.js';
import { loadAnswersKey } from './platform/crypto/secret-box.js';
import './platform/http/request-context.js';
import { TenantDirectory } from './modules/tenants/tenant-directory.js';
import { tenantRoutes, resolveTenantHook } from './modules/tenants/tenants.routes.js';
import { loadServices, type Service } from './modules/catalog/index.js';
import { catalogRoutes, Catalog } from './modules/catalog/index.js';
import { formApiRoutes, formRoutes, registerDefinitionSnapshots, savedDraftsDataSection, submissionJobHandlers } from './modules/forms/index.js';
import { devOutboxRoutes } from './platform/mail/dev-outbox.js';
import { scheduleHousekeeping } from './housekeeping.js';
import { staffOidcRoutes, staffRoutes } from './modules/staff/index.js';
import { casesStaffRoutes } from './modules/cases/index.js';
import { lettersStaffRoutes } from './modules/letters/index.js';
import { statusJobHandlers, statusRoutes } from './modules/status/index.js';
import { retentionJobHandlers, retentionRoutes } from './modules/retention/index.js';
import { statisticsRoutes } from './modules/statistics/index.js';
import { administrationJobHandlers, administrationRoutes } from './modules/administration/index.js';
import { handoffJobHandlers, handoffStaffRoutes } from './modules/handoff/index.js';
import { accountDataRoutes, accountJobHandlers, accountOidcRoutes, accountRoutes, coreAccountDataSections, signInMethodRoutes } from './modules/accounts/index.js';
import { organisationJobHandlers, organisationRoutes, organisationsDataSection } from './modules/organisations/index.js';
import { applicationRoutes } from './modules/applications/index.js';
import { documentSafeRoutes, profileDataSection, profileRoutes } from './modules/profile/index.js';
import { postboxDataSection, postboxJobHandlers, postboxRoutes } from './modules/postbox/index.js';
import { appointmentAdminRoutes, appointmentJobHandlers, appointmentRoutes, queueRoutes } from './modules/appointments/index.js';
import { createPaymentProviders, paymentJobHandlers, paymentRoutes, type PaymentDeps } from './modules/payments/index.js';
import { open311AdminRoutes, open311Routes, reportJobHandlers, reportOverviewRoutes, reportRoutes, reportStaffRoutes } from './modules/reports/index.js';
import { projectRoot } from './platform/project-root.js';


/** Module dependencies, passed explicitly to every module's route plugin. */
export interface ModuleDeps {
  config: Config;
  db: DatabaseHandle['db'];
  tenants: TenantDirectory;
  services: Map<string, Service>;
  catalog: Catalog;
  mailer: Mailer;
  jobs: JobWorker;
  files: FileStore;
  payments: PaymentDeps;
  /** Seals and opens the answers to fields marked sensitive (ADR 0025). */
  keyring: Keyring;
}

/** Everything a running portal holds; tests use it to reach the database and the job worker. */
export interface Runtime extends ModuleDeps {
  app: FastifyInstance;
  database: DatabaseHandle;
  close(): Promise<void>;
}

/**
 * Builds the portal: database ready, platform plugins, then the domain modules. A database passed
 * in must be migrated already (server.ts and the tests do it before seeding).
 */
export async function buildApp(config: Config, options: { database?: DatabaseHandle; logStream?: Writable; startWorker?: boolean } = {}): Promise<Runtime> {
  const database = options.database ?? (await openMigratedDatabase(config));
  await assertRlsEnforced(database.db);
  const services = await loadServices();
  await registerDefinitionSnapshots(database.db, services);
  const tenants = new TenantDirectory(database.db);
  await tenants.reload();
  const keyring = new Keyring(await loadAnswersKey(config));
  await keyring.verify(database.db, tenants.all().map((t) => t.id));
  const catalog = new Catalog(database.db, services, tenants);
  const mailer = createMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom, db: database.db });
  const files = await createFileStore(path.resolve(config.dataDir, 'files'));
  const payments: PaymentDeps = { db: database.db, providers: await createPaymentProviders(config, database.db) };

  const app = Fastify({
    logger: { level: config.logLevel, ...(options.logStream ? { stream: options.logStream } : {}) },
    // Two log lines per request cost a third of a cached page's CPU; /metrics counts requests, and
    // errors, rejections and slow requests are logged where they happen (error-pages.tsx, operations.ts).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 1024 * 1024,
    // Unknown properties are an error, not something to drop silently.
    ajv: { customOptions: { removeAdditional: false } },
    trustProxy: config.trustProxy,
  });
  const jobs = startJobWorker({
    db: database.db,
    handlers: {
      ...submissionJobHandlers({ mailer, tenants, services, db: database.db, config }),
      ...statusJobHandlers({ mailer, tenants, db: database.db, config }),
      ...retentionJobHandlers({ db: database.db, files, services }),
      ...administrationJobHandlers({ mailer, tenants, db: database.db, config }),
      ...handoffJobHandlers({ tenants, db: database.db, config, keyring }),
      ...accountJobHandlers({ mailer, tenants, db: database.db, config }),
      ...organisationJobHandlers({ mailer, tenants, config }),
      ...postboxJobHandlers({ mailer, tenants, db: database.db, config }),
      ...appointmentJobHandlers({ mailer, tenants, db: database.db, config, services }),
      ...paymentJobHandlers(payments),
      ...reportJobHandlers({ mailer, tenants, db: database.db, config }),
    },
    logger: app.log,
    ...(options.startWorker === false ? { pollIntervalMs: 0 } : {}),
  });

  const deps: ModuleDeps = { config, db: database.db, tenants, services, catalog, mailer, jobs, files, payments, keyring };

  addSecurityHeaders(app);
  await app.register(fastifyCookie);
  await app.register(fastifyFormbody);
  // An oversized file is cut off and reported next to its field (uploads.ts), so the form keeps what was typed.
  await app.register(fastifyMultipart, { throwFileSizeLimit: false, limits: { fileSize: 10 * 1024 * 1024, files: 10, fields: 1000, parts: 1010, fieldSize: 20_000 } });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Rathaus API', version: '1', description: 'Service catalog and online applications of one town (the town follows from the host name).' },
    },
    hideUntagged: true,
  });
  await app.register(fastifyStatic, { root: path.join(projectRoot, 'public'), prefix: '/static/', maxAge: '1h', decorateReply: false });
  await app.register(fastifyStatic, { root: path.join(projectRoot, 'node_modules/@kern-ux/native/dist'), prefix: '/static/kern/', maxAge: '7d', decorateReply: false });
  // Leaflet for the Mängelmelder's maps, from its package rather than a CDN (the CSP admits scripts from 'self' only).
  await app.register(fastifyStatic, { root: path.join(projectRoot, 'node_modules/leaflet/dist'), prefix: '/static/leaflet/', maxAge: '7d', decorateReply: false });
  registerOperations(app, database.db);
  app.addHook('onRequest', resolveTenantHook(tenants));
  registerErrorPages(app);

  await app.register(tenantRoutes, deps);
  await app.register(catalogRoutes, deps);
  await app.register(formRoutes, deps);
  await app.register(formApiRoutes, deps);
  if (config.env !== 'production' && mailer.kind === 'outbox') await app.register(devOutboxRoutes, { db: database.db });
  await app.register(staffRoutes, deps);
  await app.register(staffOidcRoutes, deps);
  await app.register(casesStaffRoutes, deps);
  await app.register(reportStaffRoutes, deps);
  await app.register(open311AdminRoutes, deps);
  await app.register(lettersStaffRoutes, deps);
  await app.register(handoffStaffRoutes, deps);
  await app.register(statusRoutes, deps);
  await app.register(retentionRoutes, deps);
  await app.register(statisticsRoutes, deps);
  await app.register(administrationRoutes, deps);
  await app.register(accountRoutes, deps);
  await app.register(accountOidcRoutes, deps);
  await app.register(accountDataRoutes, { ...deps, sections: [...coreAccountDataSections, organisationsDataSection, savedDraftsDataSection, profileDataSection, postboxDataSection] });
  await app.register(organisationRoutes, deps);
  await app.register(applicationRoutes, deps);
  await app.register(profileRoutes, deps);
  await app.register(documentSafeRoutes, deps);
  await app.register(postboxRoutes, deps);
  await app.register(signInMethodRoutes, deps);
  await app.register(appointmentAdminRoutes, deps);
  await app.register(appointmentRoutes, deps);
  await app.register(queueRoutes, deps);
  await app.register(paymentRoutes, deps);
  await app.register(reportRoutes, deps);
  await app.register(open311Routes, deps);
  await app.register(reportOverviewRoutes, deps);

  app.get('/api/openapi.json', { schema: { hide: true } }, () => app.swagger());
  const stopHousekeeping = options.startWorker === false ? () => {} : scheduleHousekeeping(database.db, tenants, app.log);

  return {
    ...deps,
    app,
    database,
    async close() {
      stopHousekeeping();
      await app.close();
      await jobs.stop();
      mailer.close();
      await database.close();
    },
  };
}

async function openMigratedDatabase(config: Config): Promise<DatabaseHandle> {
  const database = await openDatabase(config);
  await migrate(database.db);
  return database;
}
