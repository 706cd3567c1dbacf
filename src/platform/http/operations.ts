import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import client from 'prom-client';
import type { Db } from '../db/database.js';

const slowRequestMs = 1000;

/** /healthz (process alive), /readyz (database reachable) and /metrics (Prometheus). */
export function registerOperations(app: FastifyInstance, db: Db): void {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const duration = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  app.addHook('onResponse', (request, reply, done) => {
    // The route pattern, never the concrete URL: ids and query strings stay out of metrics.
    const route = request.routeOptions.url ?? 'unmatched';
    duration.observe({ method: request.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    if (reply.elapsedTime > slowRequestMs) request.log.warn({ method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) }, 'slow request');
    done();
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await sql`select 1`.execute(db);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'database unavailable' });
    }
  });
  app.get('/metrics', async (_request, reply) => reply.type(registry.contentType).send(await registry.metrics()));
}

/** Paths that answer without a town (load balancers and monitoring call them by IP). */
export const operationalPaths = new Set(['/healthz', '/readyz', '/metrics']);
