-- An application made while signed in belongs to the account (ADR 0016): "Meine Anträge" lists it,
-- and the account may do on its case what the holder of the status link may (follow the status,
-- answer a question, withdraw). When the account is deleted, the submission stays with the town,
-- detached (the town must keep it for its retention period).
alter table submissions
  add column account_id uuid,
  add foreign key (tenant_id, account_id) references accounts (tenant_id, id) on delete set null (account_id);
create index submissions_account on submissions (tenant_id, account_id, submitted_at desc) where account_id is not null;

-- Whether the transaction acts for an applicant: with a status link, a receipt, or as a signed-in
-- account. The policies that let an applicant write (answer, withdraw) are gated by it, so a
-- clerk's transaction (none of these set) never qualifies.
create function app_acts_as_applicant() returns boolean language sql stable
  as $$ select cardinality(app_status_token_hashes()) + cardinality(app_receipt_token_hashes()) > 0 or app_account_id() is not null $$;

alter policy read_submission on submissions
  using (tenant_id = app_tenant_id()
         and (department_id = any (app_department_ids()) or receipt_token_hash = any (app_receipt_token_hashes())
              or account_id = app_account_id()));

-- The account's cases; the subquery is gated by an InitPlan, so a clerk's inbox pays nothing per row.
alter policy visible_to_applicant on cases
  using (tenant_id = app_tenant_id()
         and (((select cardinality(app_status_token_hashes())) > 0
               and exists (select 1 from status_links l where l.reference = cases.reference and l.token_hash = any (app_status_token_hashes())))
              or ((select cardinality(app_receipt_token_hashes())) > 0
               and exists (select 1 from submissions s where s.tenant_id = cases.tenant_id and s.id = cases.submission_id
                                                      and s.receipt_token_hash = any (app_receipt_token_hashes())))
              or ((select app_account_id()) is not null
               and exists (select 1 from submissions s where s.tenant_id = cases.tenant_id and s.id = cases.submission_id
                                                      and s.account_id = app_account_id()))));

alter policy status_events_for_applicant on case_events
  using (kind = 'status' and tenant_id = app_tenant_id()
         and (select app_acts_as_applicant())
         and exists (select 1 from cases c where c.tenant_id = case_events.tenant_id and c.id = case_events.case_id));

alter policy open_request_closes on applicant_requests
  using (tenant_id = app_tenant_id() and state = 'open'
         and exists (select 1 from cases c where c.tenant_id = applicant_requests.tenant_id and c.id = applicant_requests.case_id))
  with check (tenant_id = app_tenant_id()
              and ((state = 'withdrawn'
                    and exists (select 1 from cases c where c.tenant_id = applicant_requests.tenant_id and c.id = applicant_requests.case_id
                                                        and c.department_id = any (app_department_ids())))
                   or (state = 'answered' and (select app_acts_as_applicant()))));

-- An UPDATE without a WHERE clause is not filtered by the SELECT policies, so the policies that let
-- an applicant write must name the applicant's cases themselves (before, a status link's holder
-- could have moved every open case of the town with one unfiltered statement).
create function applicant_may_see_case(p_reference text, p_submission_id uuid) returns boolean language sql stable
  as $$ select (cardinality(app_status_token_hashes()) > 0
                and exists (select 1 from status_links l where l.reference = p_reference and l.token_hash = any (app_status_token_hashes())))
            or (cardinality(app_receipt_token_hashes()) > 0
                and exists (select 1 from submissions s where s.tenant_id = app_tenant_id() and s.id = p_submission_id
                                                       and s.receipt_token_hash = any (app_receipt_token_hashes())))
            or (app_account_id() is not null
                and exists (select 1 from submissions s where s.tenant_id = app_tenant_id() and s.id = p_submission_id
                                                       and s.account_id = app_account_id())) $$;

alter policy applicant_answers on cases
  using (tenant_id = app_tenant_id()
         and (select app_acts_as_applicant())
         and applicant_may_see_case(reference, submission_id)
         and status in ('received', 'in_progress', 'waiting_for_applicant'))
  with check (tenant_id = app_tenant_id() and status in ('received', 'in_progress'));

alter policy applicant_reply_events on case_events
  with check (tenant_id = app_tenant_id() and kind in ('status', 'reply') and staff_id is null
              and (select app_acts_as_applicant())
              and exists (select 1 from cases c where c.tenant_id = case_events.tenant_id and c.id = case_events.case_id));

alter policy applicant_withdraws on cases
  using (tenant_id = app_tenant_id()
         and (select app_acts_as_applicant())
         and applicant_may_see_case(reference, submission_id)
         and status in ('received', 'in_progress', 'waiting_for_applicant'))
  with check (tenant_id = app_tenant_id() and status = 'withdrawn');

-- The submission function takes the account of each item (null when applied without one).
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
        "language" text, "receiptTokenHash" text, actor text, "applicantEmail" text, "dueAt" timestamptz, "searchText" text, "accountId" uuid)
    ), submission as (
      -- No RETURNING: the new rows need not be readable by the application role here.
      insert into submissions (tenant_id, id, reference, service_id, definition_hash, department_id, answers, language, receipt_token_hash, submitted_at, account_id)
      select p_tenant_id, i."id", i.ref, i."serviceId", i."definitionHash", i."departmentId", i.answers, i."language", i."receiptTokenHash", now(), i."accountId"
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
