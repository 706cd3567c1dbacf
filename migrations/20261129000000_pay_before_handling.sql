-- Fees paid before the clerk sees the application (docs/adr/0027-e-payment.md, "pay before"):
-- a case of a service with payment mode `before` is written with its submission as always, but it
-- reaches its department only once one of its payments is paid. The hold is not a flag someone has
-- to clear: the department's policies ask whether a payment of the case is paid (or was, and has
-- been refunded since), so the case appears in the inbox in the very transaction that records the
-- provider's confirmation, and never because of the browser's return alone.

alter table cases add column payment_first boolean not null default false;

alter policy department_cases on cases
  using (tenant_id = app_tenant_id() and department_id = any (app_department_ids())
         and (not payment_first
              or exists (select 1 from payments p where p.tenant_id = cases.tenant_id and p.case_id = cases.id and p.status in ('paid', 'refunded'))));
alter policy department_cases_update on cases
  using (tenant_id = app_tenant_id() and department_id = any (app_department_ids())
         and (not payment_first
              or exists (select 1 from payments p where p.tenant_id = cases.tenant_id and p.case_id = cases.id and p.status in ('paid', 'refunded'))));

-- One open payment per case at a time: two clicks on "pay again" cannot open two claims.
create unique index payments_one_open_per_case on payments (tenant_id, case_id) where case_id is not null and status in ('created', 'pending');

-- The submission function as in 20261123080000, now also marking a case whose fee is paid first.
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
        "organisationId" uuid, "sealedAnswers" text, "dataKeyId" uuid, "paymentFirst" boolean)
    ), submission as (
      -- No RETURNING: the new rows need not be readable by the application role here.
      insert into submissions (tenant_id, id, reference, service_id, definition_hash, department_id, answers, language, receipt_token_hash, submitted_at,
                               account_id, organisation_id, organisation_name, sealed_answers, data_key_id)
      select p_tenant_id, i."id", i.ref, i."serviceId", i."definitionHash", i."departmentId", i.answers, i."language", i."receiptTokenHash", now(),
             i."accountId", i."organisationId", i.organisation_name, i."sealedAnswers", i."dataKeyId"
      from item i
    ), opened_case as (
      insert into cases (tenant_id, id, submission_id, department_id, reference, service_id, due_at, search, payment_first)
      select p_tenant_id, i."caseId", i."id", i."departmentId", i.ref, i."serviceId", i."dueAt",
             to_tsvector('simple', i.ref) || to_tsvector('german', i."searchText"), coalesce(i."paymentFirst", false)
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

-- The service a payment is a fee of, so that the finance export can name the account assignment
-- the service defines (Kostenstelle, Sachkonto, Haushaltsstelle) without reading the case, which
-- belongs to one department while the town's finance office books them all. Fixed at creation.
alter table payments add column service_id text check (service_id ~ '^[a-z0-9-]{2,60}$');
-- The finance export reads a town's payments by the day they were paid.
create index payments_paid on payments (tenant_id, paid_at) where paid_at is not null;

-- Retention (docs/adr/0011) deletes a case when its period is over, but a payment is a booking the
-- finance office keeps for longer (§ 147 AO: ten years) and holds no personal data: the retention
-- job detaches it from the case it deletes instead of deleting it. Only that: a restrictive policy
-- limits the job's role to payments of cases it has stubbed, and to clearing the link.
grant update (case_id) on payments to rathaus_retention;
create policy retention_detaches on payments as restrictive for update to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = payments.tenant_id and d.case_id = payments.case_id))
  with check (case_id is null);
