-- The staff side of defect reports (ADR 0026, "Staff side"): a report inbox per department next to
-- the case inbox, the report's history (status changes, internal notes, releases, reassignments),
-- photo release, and the reporter's status mails with an unsubscribe link.

-- Reassigning moves a report to another department: the row then leaves the clerk's departments,
-- so the check on the new row must not require them (USING alone would be applied to it too).
drop policy department_updates_report on reports;
create policy department_updates_report on reports for update
  using (tenant_id = app_tenant_id() and department_id = any (app_department_ids()))
  with check (tenant_id = app_tenant_id());

-- Releasing a photo for the public page: the routed department only, and only that column.
create policy department_releases_photo on report_photos for update
  using (tenant_id = app_tenant_id()
         and exists (select 1 from reports r where r.tenant_id = report_photos.tenant_id and r.id = report_photos.report_id
                                             and r.department_id = any (app_department_ids())));
grant update (released) on report_photos to rathaus_app;

-- What happened to a report in the back office. Internal: only the department the report is
-- routed to now reads it (a reassigned report takes its history along).
create table report_events (
  tenant_id uuid not null,
  id bigint generated always as identity primary key,
  report_id uuid not null,
  occurred_at timestamptz not null default now(),
  staff_id uuid not null,
  kind text not null check (kind in ('status', 'note', 'released', 'reassigned')),
  details jsonb not null default '{}',
  foreign key (tenant_id, report_id) references reports (tenant_id, id),
  foreign key (tenant_id, staff_id) references staff (tenant_id, id)
);
create index report_events_report on report_events (report_id, id);
alter table report_events enable row level security;
alter table report_events force row level security;
create policy department_events on report_events
  using (tenant_id = app_tenant_id()
         and exists (select 1 from reports r where r.tenant_id = report_events.tenant_id and r.id = report_events.report_id
                                             and r.department_id = any (app_department_ids())));
grant select, insert on report_events to rathaus_app;

-- One random token per status mail (only its SHA-256 here); any of them stops further mails.
-- Looked up by hash only: a hash is worthless without the token it was made from.
create table report_mail_tokens (
  token_hash text primary key,
  tenant_id uuid not null,
  report_id uuid not null,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, report_id) references reports (tenant_id, id)
);
create table report_mail_stops (
  tenant_id uuid not null,
  report_id uuid not null,
  stopped_at timestamptz not null default now(),
  primary key (tenant_id, report_id),
  foreign key (tenant_id, report_id) references reports (tenant_id, id)
);
alter table report_mail_tokens enable row level security;
alter table report_mail_tokens force row level security;
alter table report_mail_stops enable row level security;
alter table report_mail_stops force row level security;
create policy tenant_rows on report_mail_tokens using (tenant_id = app_tenant_id());
create policy tenant_rows on report_mail_stops using (tenant_id = app_tenant_id());
grant select, insert on report_mail_tokens, report_mail_stops to rathaus_app;
