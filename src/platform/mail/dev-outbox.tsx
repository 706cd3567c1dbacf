import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.js';
import { formatDate } from '../i18n/i18n.js';
import { sendPage } from '../views/html.js';
import { Layout } from '../views/layout.js';
import { listOutbox } from './mailer.js';

/**
 * /dev/postausgang: the mails a development installation would have sent. Registered only when no
 * SMTP server is configured and NODE_ENV is not production.
 */
export async function devOutboxRoutes(app: FastifyInstance, options: { db: Db }): Promise<void> {
  app.get('/dev/postausgang', async (request, reply) => {
    const mails = (await listOutbox(options.db, 200)).filter((m) => m.tenantId === request.tenant.id);
    reply.header('cache-control', 'no-store');
    return sendPage(
      reply,
      <Layout ctx={{ lang: request.lang, path: request.url, townName: request.tenant.name }} title="Postausgang (Entwicklung)">
        <h1 class="kern-heading-x-large">Postausgang (nur Entwicklung)</h1>
        <p class="kern-body">Ohne SMTP_URL werden E-Mails hier abgelegt statt versendet.</p>
        {mails.length === 0 && <p class="kern-body">Keine E-Mails.</p>}
        {mails.map((m) => (
          <article class="outbox-mail" key={m.id}>
            <h2 class="kern-heading-small">{m.subject}</h2>
            <p class="kern-body kern-body--small">{`An: ${m.to} · ${formatDate(m.createdAt, request.lang, true)}`}</p>
            <pre class="outbox-mail__body">{m.text}</pre>
            {m.attachments.map((a) => (
              <details key={a.filename}>
                <summary>{`Anhang: ${a.filename} (${a.contentType})`}</summary>
                <pre class="outbox-mail__body">{a.content}</pre>
              </details>
            ))}
          </article>
        ))}
      </Layout>,
    );
  });
}
