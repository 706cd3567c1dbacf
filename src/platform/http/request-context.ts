import type { Lang } from '../i18n/i18n.js';

/** The town a request is for, as the HTTP layer needs it (set from the Host header). */
export interface RequestTenant {
  id: string;
  slug: string;
  name: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    tenant: RequestTenant;
    lang: Lang;
  }
}
