import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { defineMessages, type Lang } from '../i18n/i18n.js';
import { Layout } from '../views/layout.js';
import { sendPage } from '../views/html.js';

const t = defineMessages({
  de: {
    notFoundTitle: 'Seite nicht gefunden',
    notFoundText: 'Die Seite gibt es nicht (mehr). Prüfen Sie die Adresse oder beginnen Sie auf der Startseite.',
    badRequestTitle: 'Die Anfrage konnte nicht verarbeitet werden',
    badRequestText: 'Die gesendeten Daten sind unvollständig oder fehlerhaft. Bitte gehen Sie zurück und versuchen Sie es erneut.',
    tooLargeTitle: 'Die Datei ist zu groß',
    tooLargeText: 'Bitte gehen Sie zurück und laden Sie eine kleinere Datei hoch.',
    forbiddenTitle: 'Die Sitzung ist abgelaufen',
    forbiddenText: 'Aus Sicherheitsgründen wurde das Formular nicht angenommen. Bitte laden Sie die Seite neu und senden Sie es erneut.',
    tooManyTitle: 'Zu viele Anfragen',
    tooManyText: 'Bitte warten Sie einen Moment und versuchen Sie es dann erneut.',
    serverErrorTitle: 'Es ist ein Fehler aufgetreten',
    serverErrorText: 'Bitte versuchen Sie es später erneut. Ihre bisher gespeicherten Angaben gehen nicht verloren.',
    home: 'Zur Startseite',
  },
  en: {
    notFoundTitle: 'Page not found',
    notFoundText: 'This page does not exist (any more). Check the address or start on the home page.',
    badRequestTitle: 'The request could not be processed',
    badRequestText: 'The data sent is incomplete or malformed. Please go back and try again.',
    tooLargeTitle: 'The file is too large',
    tooLargeText: 'Please go back and upload a smaller file.',
    forbiddenTitle: 'The session has expired',
    forbiddenText: 'For your security the form was not accepted. Please reload the page and send it again.',
    tooManyTitle: 'Too many requests',
    tooManyText: 'Please wait a moment and try again.',
    serverErrorTitle: 'Something went wrong',
    serverErrorText: 'Please try again later. What you have saved so far is not lost.',
    home: 'Go to the home page',
  },
});

type Kind = 'notFound' | 'badRequest' | 'tooLarge' | 'forbidden' | 'tooMany' | 'serverError';

function kindOf(status: number): Kind {
  if (status === 404) return 'notFound';
  if (status === 413) return 'tooLarge';
  if (status === 403) return 'forbidden';
  if (status === 429) return 'tooMany';
  if (status >= 500) return 'serverError';
  return 'badRequest';
}

/** Sends the error page (HTML, or JSON under /api/) for a status; 5xx details never reach the client. */
export function sendErrorPage(request: FastifyRequest, reply: FastifyReply, status: number): FastifyReply {
  const lang: Lang = request.lang ?? 'de';
  const kind = kindOf(status);
  const title = t(lang, `${kind}Title`);
  if (request.url.startsWith('/api/') || request.url.startsWith('/schemas/')) {
    return reply.code(status).send({ error: title, statusCode: status });
  }
  const townName = request.tenant?.name ?? 'Rathaus';
  return sendPage(
    reply,
    <Layout ctx={{ lang, path: request.url, townName }} title={title}>
      <h1 class="kern-heading-x-large">{title}</h1>
      <p class="kern-body">{t(lang, `${kind}Text`)}</p>
      <p class="kern-body"><a class="kern-link" href="/">{t(lang, 'home')}</a></p>
    </Layout>,
    status,
  );
}

/** Maps every error to a page with a clear message; 4xx for the client's mistakes, never a 500. */
export function registerErrorPages(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => sendErrorPage(request, reply, 404));
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let status = error.statusCode ?? 500;
    // Broken multipart bodies surface as plain errors from busboy; they are the client's fault.
    if (status === 500 && /multipart|boundary|unexpected end of form/i.test(error.message)) status = 400;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: error.code, status }, 'request rejected');
    if (request.url.startsWith('/api/') && error.validation) {
      return reply.code(400).send({ error: 'invalid request', details: error.validation.map((v) => ({ path: v.instancePath, message: v.message })) });
    }
    if (status === 429 && error.message) reply.header('retry-after', reply.getHeader('retry-after') ?? '60');
    return sendErrorPage(request, reply, status);
  });
}
