-- Landmarks and the town admin's report settings (ADR 0026, "Landmarks" and "Report settings").

-- Places everyone in town knows (Rathaus, Marktplatz, a playground): the third way to say where a
-- defect is without a map ("In der Nähe von"). The point is where a report near it is shown.
create table report_landmarks (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 2 and 120),
  description text check (length(description) between 1 and 200),
  lat double precision not null check (lat between -90 and 90),
  lon double precision not null check (lon between -180 and 180),
  primary key (tenant_id, id),
  unique (tenant_id, name)
);
alter table report_landmarks enable row level security;
alter table report_landmarks force row level security;
create policy tenant_rows on report_landmarks using (tenant_id = app_tenant_id());
-- Read by everyone in the town; town admins add and remove them (the administration checks the role).
grant select, insert, delete on report_landmarks to rathaus_app;

-- The street list and the blocked words were written by the owner only (seed, CLI); town admins
-- now keep them on /verwaltung/admin/maengel. Reports keep the street's name as text, so removing
-- a street changes no report; an alert near a street refers to it (foreign key), so such a street stays.
create policy town_admin_adds on report_streets for insert with check (tenant_id = app_tenant_id());
create policy town_admin_removes on report_streets for delete using (tenant_id = app_tenant_id());
grant insert, delete on report_streets to rathaus_app;
create policy town_admin_changes on report_areas for update using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
grant update (blocked_words) on report_areas to rathaus_app;

-- Categories: town admins add them and change their names, descriptions, routing and whether
-- citizens can choose them. The code (Open311 service_code) and the extra questions stay as filed
-- (clients keep the code; questions are content of the seed). A category is never deleted:
-- reports refer to it; an inactive one is offered nowhere but still names its reports.
create policy town_admin_adds on report_categories for insert with check (tenant_id = app_tenant_id());
create policy town_admin_changes on report_categories for update using (tenant_id = app_tenant_id()) with check (tenant_id = app_tenant_id());
grant insert on report_categories to rathaus_app;
grant update (name, description, department_id, active) on report_categories to rathaus_app;
