-- Hand-off of new cases to specialist systems (Fachverfahren) by signed webhook
-- (docs/adr/0012-handoff-webhooks.md).

-- Which services of a town forward their new cases where. Written by `npm run cli -- handoff set`
-- (as the table owner, with the town set); the application only reads it. The signing secret is
-- sealed with HANDOFF_KEY (AES-256-GCM, the town and service as associated data), never plain.
create table handoff_targets (
  tenant_id uuid not null references tenants (id),
  service_id text not null,
  url text not null check (url ~ '^https?://' and length(url) <= 2000),
  secret_sealed text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, service_id)
);
alter table handoff_targets enable row level security;
alter table handoff_targets force row level security;
create policy tenant_rows on handoff_targets using (tenant_id = app_tenant_id());
grant select on handoff_targets to rathaus_app;

-- One delivery per forwarded case. Its id is the webhook-id and Idempotency-Key: the same on every
-- retry and on a clerk's resend, so the receiving system can recognise a repeat. 'resent' is a
-- delivery that a clerk sent again and that is waiting for its next attempt.
create table handoff_deliveries (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  case_id uuid not null unique,
  service_id text not null,
  status text not null default 'pending' check (status in ('pending', 'delivered', 'failed', 'resent')),
  attempts integer not null default 0,
  last_attempt_at timestamptz,
  http_status integer check (http_status between 100 and 599),
  error text check (length(error) <= 1000),
  delivered_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, case_id) references cases (tenant_id, id)
);
alter table handoff_deliveries enable row level security;
alter table handoff_deliveries force row level security;
-- Created with the case by whoever submits (the trigger below); seen and changed only by the
-- case's department (the job runs as that department, a clerk resends as a member of it).
create policy create_delivery on handoff_deliveries for insert with check (tenant_id = app_tenant_id());
create policy department_deliveries on handoff_deliveries for select
  using (tenant_id = app_tenant_id()
         and exists (select 1 from cases c where c.tenant_id = handoff_deliveries.tenant_id and c.id = handoff_deliveries.case_id
                                             and c.department_id = any (app_department_ids())));
create policy department_deliveries_update on handoff_deliveries for update
  using (tenant_id = app_tenant_id()
         and exists (select 1 from cases c where c.tenant_id = handoff_deliveries.tenant_id and c.id = handoff_deliveries.case_id
                                             and c.department_id = any (app_department_ids())));
grant select, insert on handoff_deliveries to rathaus_app;
grant update (status, attempts, last_attempt_at, http_status, error, delivered_at) on handoff_deliveries to rathaus_app;

-- The delivery and its job are written by the statement that creates the cases, so they exist
-- exactly when the case does, whichever path created it (browser, API batch). A trigger rather
-- than another copy of submit_applications: the function stays as it is, and one statement of a
-- batch adds the deliveries of all its cases at once. Linked cases of an involvement
-- (parent_case_id) are internal and never forwarded. No RETURNING on the insert: the submitter
-- cannot read the new rows (see submit_applications), so the ids are chosen beforehand.
-- max_attempts 15 with the worker's back-off (2^n s, capped at an hour) retries for about 4 hours.
create function enqueue_handoffs() returns trigger language plpgsql as $$
begin
  with forwarded as materialized (
    select gen_random_uuid() as delivery_id, n.tenant_id, n.id as case_id, n.service_id, n.department_id
    from new_cases n
    join handoff_targets t on t.tenant_id = n.tenant_id and t.service_id = n.service_id
    where n.parent_case_id is null
  ), delivery as (
    insert into handoff_deliveries (tenant_id, id, case_id, service_id)
    select f.tenant_id, f.delivery_id, f.case_id, f.service_id from forwarded f
  )
  insert into jobs (tenant_id, kind, payload, max_attempts)
  select f.tenant_id, 'handoff', jsonb_build_object('deliveryId', f.delivery_id, 'departmentId', f.department_id), 15
  from forwarded f;
  return null;
end
$$;
create trigger cases_handoff after insert on cases
  referencing new table as new_cases
  for each statement execute function enqueue_handoffs();

alter table case_events drop constraint case_events_kind_check, add constraint case_events_kind_check check (kind in ('status', 'assigned', 'step', 'note', 'document', 'involvement', 'request', 'reply', 'handoff'));
