import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { MessageKind, PostboxMessage } from './postbox.js';

interface MessageRow {
  kind: MessageKind;
  id: string;
  case_id: string;
  reference: string;
  service_id: string;
  case_status: string;
  sent_at: Date;
  state: string | null;
  due_on: string | null;
  title: string | null;
  document_number: string | null;
  read_at: Date | null;
}

/**
 * The account's messages, derived from the tables that hold them (nothing is copied): the
 * questions on its applications' cases (its own and its organisations'), their letters
 * delivered to the postbox and the confirmations of their settled payments, each with whether the account has opened it. Row-level security shows
 * an account only those cases; the explicit condition says the same for whoever reads the query. Linked cases (another
 * department involved) never write to the applicant.
 */
function messages(accountId: string) {
  const ownCase = sql`join cases c on c.tenant_id = m.tenant_id and c.id = m.case_id and c.parent_case_id is null
    join submissions s on s.tenant_id = c.tenant_id and s.id = c.submission_id and app_applies_for(s.account_id, s.organisation_id)`;
  return sql<MessageRow>`
    select 'question' as kind, m.id, c.id as case_id, c.reference, c.service_id, c.status as case_status, m.requested_at as sent_at,
           m.state, m.due_on::text as due_on, null::text as title, null::text as document_number,
           (select p.read_at from postbox_reads p where p.tenant_id = m.tenant_id and p.account_id = ${accountId} and p.request_id = m.id) as read_at
    from applicant_requests m ${ownCase}
    union all
    select 'letter', m.id, c.id, c.reference, c.service_id, c.status, m.delivered_at,
           null, null, m.title, m.document_number,
           (select p.read_at from postbox_reads p where p.tenant_id = m.tenant_id and p.account_id = ${accountId} and p.document_id = m.id)
    from case_documents m ${ownCase}
    where m.delivery = 'postbox'
    union all
    select 'receipt', m.id, c.id, c.reference, c.service_id, c.status, m.paid_at,
           null, null, m.description, null,
           (select p.read_at from postbox_reads p where p.tenant_id = m.tenant_id and p.account_id = ${accountId} and p.payment_id = m.id)
    from payments m ${ownCase}
    where m.status in ('paid', 'refunded')`;
}

function toMessage(r: MessageRow): PostboxMessage {
  const base = { id: r.id, caseId: r.case_id, reference: r.reference, serviceId: r.service_id, caseStatus: r.case_status, sentAt: new Date(r.sent_at), readAt: r.read_at && new Date(r.read_at) };
  if (r.kind === 'question') return { ...base, kind: 'question', state: r.state as 'open' | 'answered' | 'withdrawn', dueOn: r.due_on! };
  return r.kind === 'letter' ? { ...base, kind: 'letter', title: r.title!, documentNumber: r.document_number! } : { ...base, kind: 'receipt', title: r.title! };
}

/** A page of the account's messages (all of them without `page`), newest first. */
export async function listMessages(trx: Trx, accountId: string, page?: { limit: number; offset: number }): Promise<PostboxMessage[]> {
  const paging = page ? sql`limit ${page.limit} offset ${page.offset}` : sql``;
  const result = await sql<MessageRow>`select * from (${messages(accountId)}) m order by sent_at desc, id ${paging}`.execute(trx);
  return result.rows.map(toMessage);
}

/** How many of the account's messages it has not opened yet. */
export async function countUnread(trx: Trx, accountId: string): Promise<number> {
  const result = await sql<{ n: number }>`select count(*)::int as n from (${messages(accountId)}) m where m.read_at is null`.execute(trx);
  return Number(result.rows[0]!.n);
}

/** One message of the account by kind and id, or undefined when it is not the account's. */
export async function findMessage(trx: Trx, accountId: string, kind: MessageKind, id: string): Promise<PostboxMessage | undefined> {
  const result = await sql<MessageRow>`select * from (${messages(accountId)}) m where m.kind = ${kind} and m.id = ${id}`.execute(trx);
  return result.rows[0] && toMessage(result.rows[0]);
}

/** Marks a message as opened by the account (once; opening it again changes nothing). */
export async function markRead(trx: Trx, input: { tenantId: string; accountId: string; message: Pick<PostboxMessage, 'kind' | 'id' | 'caseId'> }): Promise<void> {
  const { message } = input;
  await trx
    .insertInto('postbox_reads')
    .values({
      tenant_id: input.tenantId, account_id: input.accountId, case_id: message.caseId,
      request_id: message.kind === 'question' ? message.id : null, document_id: message.kind === 'letter' ? message.id : null,
      payment_id: message.kind === 'receipt' ? message.id : null,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}
