-- Case processing: who works on a case, until when, at which service-defined step, with what
-- outcome, and everything that happened to it (case_events). `version` makes concurrent edits
-- visible: a change names the version it was made on and fails when another change came first.
alter table cases
  add column version integer not null default 1,
  add column assignee_id uuid,
  add column due_at timestamptz,
  add column step text,
  add column decision text check (decision in ('approved', 'partly', 'rejected')),
  add foreign key (tenant_id, assignee_id) references staff (tenant_id, id);
create index cases_assignee on cases (tenant_id, assignee_id) where assignee_id is not null;
create index cases_due on cases (tenant_id, due_at) where status in ('received', 'in_progress', 'waiting_for_applicant');

-- Append-only history of a case: status changes, assignments, steps and internal notes. Visible
-- exactly when its case is (the subquery is itself filtered by the policy on cases).
create table case_events (
  tenant_id uuid not null,
  id bigint generated always as identity primary key,
  case_id uuid not null,
  occurred_at timestamptz not null default now(),
  staff_id uuid,
  kind text not null check (kind in ('status', 'assigned', 'step', 'note')),
  details jsonb not null default '{}',
  foreign key (tenant_id, case_id) references cases (tenant_id, id),
  foreign key (tenant_id, staff_id) references staff (tenant_id, id)
);
create index case_events_case on case_events (case_id, id);
alter table case_events enable row level security;
alter table case_events force row level security;
create policy case_events_of_visible_cases on case_events
  using (tenant_id = app_tenant_id() and exists (select 1 from cases c where c.tenant_id = case_events.tenant_id and c.id = case_events.case_id));
grant select, insert on case_events to rathaus_app;

-- New cases get their deadline from the service's processing time (computed by the caller, which
-- knows the definition): the item may carry "dueAt".
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
        "language" text, "receiptTokenHash" text, actor text, "applicantEmail" text, "dueAt" timestamptz)
    ), submission as (
      -- No RETURNING: the new rows need not be readable by the application role here.
      insert into submissions (tenant_id, id, reference, service_id, definition_hash, department_id, answers, language, receipt_token_hash, submitted_at)
      select p_tenant_id, i."id", i.ref, i."serviceId", i."definitionHash", i."departmentId", i.answers, i."language", i."receiptTokenHash", now()
      from item i
    ), opened_case as (
      insert into cases (tenant_id, id, submission_id, department_id, reference, service_id, due_at)
      select p_tenant_id, i."caseId", i."id", i."departmentId", i.ref, i."serviceId", i."dueAt" from item i
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
