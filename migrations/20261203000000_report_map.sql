-- The Mängelmelder's map (ADR 0026): each town names the tile server its maps load (the template
-- with {z}/{x}/{y}) and the attribution its licence asks for. Without a row the portal uses the
-- OpenStreetMap default (report-map.ts). The app checks the template more closely; the CHECKs
-- keep a row that bypassed it from breaking every map page.
create table report_map_settings (
  tenant_id uuid primary key references tenants (id),
  tile_url text not null check (length(tile_url) <= 500 and tile_url ~ '^https?://[^/{}]+/' and tile_url like '%{z}%' and tile_url like '%{x}%' and tile_url like '%{y}%'),
  attribution text not null check (length(attribution) between 1 and 200),
  updated_at timestamptz not null default now()
);
alter table report_map_settings enable row level security;
alter table report_map_settings force row level security;
create policy tenant_rows on report_map_settings using (tenant_id = app_tenant_id());
-- Town admins change it (the administration checks the role).
grant select, insert on report_map_settings to rathaus_app;
grant update (tile_url, attribution, updated_at) on report_map_settings to rathaus_app;
