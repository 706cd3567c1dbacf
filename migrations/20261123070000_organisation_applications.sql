-- Applying in an organisation's name (ADR 0023). The draft names the organisation the applicant
-- chose; the submission carries it and a copy of its name (the application's record of who applied,
-- readable by clerks, who cannot read organisations, and kept when the organisation is dissolved).
-- Every member of the organisation sees its applications, answers the town's questions about them
-- and reads their letters, as the account that applied does.

-- No foreign key on the draft: dissolving an organisation must not silently turn its drafts into
-- personal ones (set null) or delete them (cascade). The submission checks the membership again.
alter table drafts
  add column organisation_id uuid,
  add constraint drafts_organisation_of_account check (organisation_id is null or account_id is not null);

alter table submissions
  add column organisation_id uuid,
  add column organisation_name text,
  add constraint submissions_organisation_named check (organisation_id is null or organisation_name is not null),
  add foreign key (tenant_id, organisation_id) references organisations (tenant_id, id) on delete set null (organisation_id);
create index submissions_organisation on submissions (tenant_id, organisation_id, submitted_at desc) where organisation_id is not null;

-- Whether the acting account applied for a submission: itself, or for an organisation it belongs
-- to. A plain SQL function, inlined by the planner, so the indexes on both columns still serve.
create function app_applies_for(p_account_id uuid, p_organisation_id uuid) returns boolean language sql stable
  as $$ select p_account_id = app_account_id() or p_organisation_id = any (app_organisation_ids()) $$;

-- Only a member applies in an organisation's name, whatever the statement says.
alter policy create_submission on submissions
  with check (tenant_id = app_tenant_id() and (organisation_id is null or organisation_id = any (app_organisation_ids())));

alter policy read_submission on submissions
  using (tenant_id = app_tenant_id()
         and (department_id = any (app_department_ids()) or receipt_token_hash = any (app_receipt_token_hashes())
              or app_applies_for(account_id, organisation_id)));

alter policy visible_to_applicant on cases
  using (tenant_id = app_tenant_id()
         and (((select cardinality(app_status_token_hashes())) > 0
               and exists (select 1 from status_links l where l.reference = cases.reference and l.token_hash = any (app_status_token_hashes())))
              or ((select cardinality(app_receipt_token_hashes())) > 0
               and exists (select 1 from submissions s where s.tenant_id = cases.tenant_id and s.id = cases.submission_id
                                                      and s.receipt_token_hash = any (app_receipt_token_hashes())))
              or ((select app_account_id()) is not null
               and exists (select 1 from submissions s where s.tenant_id = cases.tenant_id and s.id = cases.submission_id
                                                      and app_applies_for(s.account_id, s.organisation_id)))));

create or replace function applicant_may_see_case(p_reference text, p_submission_id uuid) returns boolean language sql stable
  as $$ select (cardinality(app_status_token_hashes()) > 0
                and exists (select 1 from status_links l where l.reference = p_reference and l.token_hash = any (app_status_token_hashes())))
            or (cardinality(app_receipt_token_hashes()) > 0
                and exists (select 1 from submissions s where s.tenant_id = app_tenant_id() and s.id = p_submission_id
                                                       and s.receipt_token_hash = any (app_receipt_token_hashes())))
            or (app_account_id() is not null
                and exists (select 1 from submissions s where s.tenant_id = app_tenant_id() and s.id = p_submission_id
                                                       and app_applies_for(s.account_id, s.organisation_id))) $$;

-- The submission function takes each item's organisation; its name is read here, as the member
-- (row-level security lets only members read it, so a stranger's id finds no name and the
-- submission's check constraint refuses it before the insert policy would).
create or replace function submit_applications(p_tenant_id uuid, p_sequence text, p_reference_prefix text, p_items jsonb)
returns table (submission_id uuid, reference text, submitted_at timestamptz)
language plpgsql as $$
begin
  perform set_config('role', 'rathaus_app', true), set_config('app.tenant_id', p_tenant_id::text, true);
  return query
    with item as materialized (
      select x.*, format('%s-%s-%s', p_reference_prefix, extract(year from now() at time zone 'Europe/Berlin')::int,
                         lpad(nextval(p_sequence::regclass)::text, 6, '0')) as ref,
             (select o.name from organisations o where o.tenant_id = p_tenant_id and o.id = x."organisationId") as organisation_name
      from jsonb_to_recordset(p_items) as x(
        "id" uuid, "caseId" uuid, "serviceId" text, "definitionHash" text, "departmentId" uuid, answers jsonb,
        "language" text, "receiptTokenHash" text, actor text, "applicantEmail" text, "dueAt" timestamptz, "searchText" text, "accountId" uuid,
        "organisationId" uuid)
    ), submission as (
      -- No RETURNING: the new rows need not be readable by the application role here.
      insert into submissions (tenant_id, id, reference, service_id, definition_hash, department_id, answers, language, receipt_token_hash, submitted_at,
                               account_id, organisation_id, organisation_name)
      select p_tenant_id, i."id", i.ref, i."serviceId", i."definitionHash", i."departmentId", i.answers, i."language", i."receiptTokenHash", now(),
             i."accountId", i."organisationId", i.organisation_name
      from item i
    ), opened_case as (
      insert into cases (tenant_id, id, submission_id, department_id, reference, service_id, due_at, search)
      select p_tenant_id, i."caseId", i."id", i."departmentId", i.ref, i."serviceId", i."dueAt",
             to_tsvector('simple', i.ref) || to_tsvector('german', i."searchText")
      from item i
    ), audit as (
      insert into audit_log (tenant_id, actor, action, subject, details)
      select p_tenant_id, i.actor, 'submission.created', 'submission:' || i."id",
             jsonb_strip_nulls(jsonb_build_object('reference', i.ref, 'service', i."serviceId", 'organisation', i."organisationId"))
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

-- Each member marks its organisation's messages read for itself.
alter policy account_marks_read on postbox_reads
  with check (tenant_id = app_tenant_id() and account_id = app_account_id()
              and exists (select 1 from cases c join submissions s on s.tenant_id = c.tenant_id and s.id = c.submission_id
                          where c.tenant_id = postbox_reads.tenant_id and c.id = postbox_reads.case_id and app_applies_for(s.account_id, s.organisation_id))
              and (request_id is null
                   or exists (select 1 from applicant_requests r where r.tenant_id = postbox_reads.tenant_id and r.id = postbox_reads.request_id
                                                                  and r.case_id = postbox_reads.case_id))
              and (document_id is null
                   or exists (select 1 from case_documents d where d.tenant_id = postbox_reads.tenant_id and d.id = postbox_reads.document_id
                                                               and d.case_id = postbox_reads.case_id and d.delivery = 'postbox')));
