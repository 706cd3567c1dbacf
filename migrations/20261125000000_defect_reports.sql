-- Defect reports (Mängelmelder, ADR 0026). A report is public from the start (category, status,
-- date, approximate location); what the citizen typed is not. Row-level security works per row,
-- so the public part and the private part are separate tables: `reports` is readable by everyone
-- in the town, `report_details` (description as typed, address as typed, e-mail) only by the
-- department the report is routed to and by the browser holding the receipt. A description
-- becomes public only as `reports.public_description`, the text a clerk reviewed and released.

-- The town's area: reports outside are refused (GeoJSON Polygon or MultiPolygon, WGS 84), with
-- a notice naming who is responsible there, if the town knows.
create table report_areas (
  tenant_id uuid primary key references tenants (id),
  boundary jsonb not null check (boundary->>'type' in ('Polygon', 'MultiPolygon')),
  outside_notice jsonb
);

-- Streets a citizen can pick without a map; the point is where a report on that street is shown.
create table report_streets (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 2 and 120),
  lat double precision not null check (lat between -90 and 90),
  lon double precision not null check (lon between -180 and 180),
  primary key (tenant_id, id),
  unique (tenant_id, name)
);

-- What can be reported, each routed to one department. `code` is the Open311 service_code.
create table report_categories (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  code text not null check (code ~ '^[a-z0-9-]{2,40}$'),
  name jsonb not null,
  description jsonb not null,
  department_id uuid not null,
  position integer not null default 0,
  active boolean not null default true,
  primary key (tenant_id, id),
  unique (tenant_id, code),
  foreign key (tenant_id, department_id) references departments (tenant_id, id)
);

create table reports (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  category_id uuid not null,
  -- The routing at the time of the report; a clerk may correct it later (reassignment).
  department_id uuid not null,
  lat double precision not null check (lat between -90 and 90),
  lon double precision not null check (lon between -180 and 180),
  -- Public: the street's name when the citizen picked one, never the house number.
  location_label text check (length(location_label) <= 120),
  status text not null default 'received' check (status in ('received', 'in_progress', 'done', 'rejected')),
  public_comment text check (length(public_comment) <= 2000),
  public_description text check (length(public_description) <= 2000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, category_id) references report_categories (tenant_id, id),
  foreign key (tenant_id, department_id) references departments (tenant_id, id)
);
create index reports_public_list on reports (tenant_id, created_at desc);
create index reports_department on reports (tenant_id, department_id, created_at desc);

create table report_details (
  tenant_id uuid not null,
  report_id uuid not null,
  description text not null check (length(description) between 1 and 2000),
  address text check (length(address) <= 200),
  reporter_email text check (reporter_email = lower(reporter_email) and length(reporter_email) <= 254),
  receipt_token_hash text not null,
  primary key (tenant_id, report_id),
  foreign key (tenant_id, report_id) references reports (tenant_id, id)
);

-- Photos as re-encoded by the portal (never the uploaded bytes): file store addresses of the
-- image and its thumbnail. Public only once a clerk released them (faces, number plates).
create table report_photos (
  tenant_id uuid not null,
  report_id uuid not null,
  position smallint not null check (position between 1 and 3),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  thumbnail_sha256 text not null check (thumbnail_sha256 ~ '^[0-9a-f]{64}$'),
  width integer not null check (width > 0),
  height integer not null check (height > 0),
  released boolean not null default false,
  primary key (tenant_id, report_id, position),
  foreign key (tenant_id, report_id) references reports (tenant_id, id)
);

-- Another citizen saying "me too" instead of filing a duplicate; one per browser session (its
-- hash, not the session itself), counted publicly.
create table report_supports (
  tenant_id uuid not null,
  report_id uuid not null,
  supporter_hash text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, report_id, supporter_hash),
  foreign key (tenant_id, report_id) references reports (tenant_id, id)
);

do $$
declare t text;
begin
  foreach t in array array['report_areas', 'report_streets', 'report_categories', 'reports', 'report_details', 'report_photos', 'report_supports']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
  end loop;
end
$$;

-- Town configuration: read by everyone in the town, written by the owner (seed, CLI) only.
create policy tenant_rows on report_areas for select using (tenant_id = app_tenant_id());
create policy tenant_rows on report_streets for select using (tenant_id = app_tenant_id());
create policy tenant_rows on report_categories for select using (tenant_id = app_tenant_id());
grant select on report_areas, report_streets, report_categories to rathaus_app;

-- The public part: anyone in the town reads it and may file a report; the routed department
-- changes it.
create policy public_reports on reports for select using (tenant_id = app_tenant_id());
create policy file_report on reports for insert with check (tenant_id = app_tenant_id() and status = 'received' and public_description is null and public_comment is null);
create policy department_updates_report on reports for update
  using (tenant_id = app_tenant_id() and department_id = any (app_department_ids()));
grant select, insert on reports to rathaus_app;
-- What a clerk may change: never where or when it was reported, nor its category as filed.
grant update (department_id, status, public_comment, public_description, updated_at) on reports to rathaus_app;

-- What the citizen typed: the routed department and the holder of the receipt only.
create policy file_report_details on report_details for insert with check (tenant_id = app_tenant_id());
create policy department_or_reporter on report_details for select
  using (tenant_id = app_tenant_id()
         and (receipt_token_hash = any (app_receipt_token_hashes())
              or exists (select 1 from reports r where r.tenant_id = report_details.tenant_id and r.id = report_details.report_id
                                                  and r.department_id = any (app_department_ids()))));
grant select, insert on report_details to rathaus_app;

create policy file_report_photo on report_photos for insert with check (tenant_id = app_tenant_id() and not released);
create policy released_or_department_or_reporter on report_photos for select
  using (tenant_id = app_tenant_id()
         and (released
              or exists (select 1 from report_details d where d.tenant_id = report_photos.tenant_id and d.report_id = report_photos.report_id)));
grant select, insert on report_photos to rathaus_app;

create policy public_supports on report_supports for select using (tenant_id = app_tenant_id());
create policy support_report on report_supports for insert with check (tenant_id = app_tenant_id());
grant select, insert on report_supports to rathaus_app;
