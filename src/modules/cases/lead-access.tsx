import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../platform/db/database.js';
import { defineMessages } from '../../platform/i18n/i18n.js';
import { sendPage } from '../../platform/views/html.js';
import { Layout, type PageContext } from '../../platform/views/layout.js';
import { requireStaff, type StaffMember } from '../staff/index.js';
import { StaffBar } from './views/case-pages.js';
import { isLead, type DepartmentRole } from './workflow.js';

const t = defineMessages({
  de: {
    title: 'Nur für Teamleitungen',
    text: 'Diese Seite sehen Teamleitungen und Fachbereichsleitungen für ihre Fachbereiche. Ihr Konto hat diese Rolle in keinem Fachbereich.',
    back: 'Zum Posteingang',
  },
  en: {
    title: 'For team leads only',
    text: 'Team leads and department admins see this page for their departments. Your account has this role in no department.',
    back: 'Go to the inbox',
  },
});

/** The departments in which the staff member is team lead or department admin. */
export function ledDepartmentIds(staff: StaffMember): string[] {
  return staff.departments.filter((d) => isLead(d.role as DepartmentRole)).map((d) => d.id);
}

/**
 * For a page of team leads (statistics, retention report): the signed-in staff member and the
 * departments they lead, or null after answering (sign-in redirect, or 403 for everyone else).
 */
export async function requireLead(db: Db, request: FastifyRequest, reply: FastifyReply): Promise<{ staff: StaffMember; ctx: PageContext; departmentIds: string[] } | null> {
  const signedIn = await requireStaff(db, request, reply);
  if (!signedIn) return null;
  const departmentIds = ledDepartmentIds(signedIn.staff);
  if (departmentIds.length > 0) return { staff: signedIn.staff, ctx: signedIn.ctx, departmentIds };
  const { lang } = signedIn.ctx;
  sendPage(reply, (
    <Layout ctx={signedIn.ctx} title={t(lang, 'title')}>
      <StaffBar ctx={signedIn.ctx} staffName={signedIn.staff.name} />
      <h1 class="kern-heading-x-large">{t(lang, 'title')}</h1>
      <p class="kern-body">{t(lang, 'text')}</p>
      <p class="kern-body"><a class="kern-link" href="/verwaltung">{t(lang, 'back')}</a></p>
    </Layout>
  ), 403);
  return null;
}
