-- The case's search vector is made from a text the application prepares (searchText in
-- src/modules/forms/answers.ts: the shown answers as displayed, each cut to 500 characters, no file
-- names) instead of every string in the answers: PostgreSQL's text-search parser costs ~0.1 ms per
-- KB, and whole 3 KB complaints had tripled the database work of a submission
-- (docs/performance.md). Cases made before keep their vectors.

create or replace function submit_applications(p_tenant_id uuid, p_sequence text, p_reference_prefix text, p_items jsonb)
returns table (submission_id uuid, reference text, submitted_at timestamptz)
language plpgsql as $$
begin
  perform set_config('role', 'rathaus_app', true), set_config('app.tenant_id', p_tenant_id::text, true);
  return query
    with item as materialized (
      select x.*, format('%s-%s-%s', p_reference_prefix, extract(year from now() at time zone 'Europe/Berlin')::int,
                         lpad(nextval(p_sequence::regclass)::text, 6, '0')) as ref
      from jsonb_to_recordset(p_items) as x(
        "id" uuid, "caseId" uuid, "serviceId" text, "definitionHash" text, "departmentId" uuid, answers jsonb,
        "language" text, "receiptTokenHash" text, actor text, "applicantEmail" text, "dueAt" timestamptz, "searchText" text)
    ), submission as (
      -- No RETURNING: the new rows need not be readable by the application role here.
      insert into submissions (tenant_id, id, reference, service_id, definition_hash, department_id, answers, language, receipt_token_hash, submitted_at)
      select p_tenant_id, i."id", i.ref, i."serviceId", i."definitionHash", i."departmentId", i.answers, i."language", i."receiptTokenHash", now()
      from item i
    ), opened_case as (
      insert into cases (tenant_id, id, submission_id, department_id, reference, service_id, due_at, search)
      select p_tenant_id, i."caseId", i."id", i."departmentId", i.ref, i."serviceId", i."dueAt",
             to_tsvector('simple', i.ref) || to_tsvector('german', i."searchText")
      from item i
    ), audit as (
      insert into audit_log (tenant_id, actor, action, subject, details)
      select p_tenant_id, i.actor, 'submission.created', 'submission:' || i."id", jsonb_build_object('reference', i.ref, 'service', i."serviceId")
      from item i
    ), mail as (
      insert into jobs (tenant_id, kind, payload)
      select p_tenant_id, 'mail.submission-received',
             jsonb_build_object('to', i."applicantEmail", 'reference', i.ref, 'serviceId', i."serviceId", 'lang', i."language")
      from item i where i."applicantEmail" is not null
    )
    select i."id", i.ref, now() from item i;
end
$$;
