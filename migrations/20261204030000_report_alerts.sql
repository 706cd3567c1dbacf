-- Alerts (ADR 0026, "Alerts"): citizens subscribe by e-mail to new public reports of a category
-- and/or near a street and/or inside a box; confirmed opt-in, an unsubscribe link in every mail.

create table report_alerts (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  email text not null check (email = lower(email) and length(email) <= 254),
  -- Null: every category.
  category_id uuid,
  -- Null: anywhere; otherwise reports within 250 m of the street's point.
  street_id uuid,
  -- An optional box in degrees; all four or none.
  min_lat double precision, min_lon double precision, max_lat double precision, max_lon double precision,
  lang text not null default 'de' check (lang in ('de', 'en')),
  created_at timestamptz not null default now(),
  -- Null until the address confirmed it; unconfirmed alerts send nothing and go after 7 days.
  confirmed_at timestamptz,
  primary key (tenant_id, id),
  foreign key (tenant_id, category_id) references report_categories (tenant_id, id),
  foreign key (tenant_id, street_id) references report_streets (tenant_id, id),
  check ((min_lat is null) = (max_lon is null) and (min_lat is null) = (min_lon is null) and (min_lat is null) = (max_lat is null)),
  check (min_lat is null or (min_lat <= max_lat and min_lon <= max_lon))
);
create index report_alerts_email on report_alerts (tenant_id, email);

-- One random token per mail (confirmation or alert), only its SHA-256 here: it confirms an
-- unconfirmed alert and ends a confirmed one.
create table report_alert_tokens (
  token_hash text primary key check (token_hash ~ '^[0-9a-f]{64}$'),
  tenant_id uuid not null,
  alert_id uuid not null,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, alert_id) references report_alerts (tenant_id, id) on delete cascade
);

alter table report_alerts enable row level security;
alter table report_alerts force row level security;
alter table report_alert_tokens enable row level security;
alter table report_alert_tokens force row level security;
create policy tenant_rows on report_alerts using (tenant_id = app_tenant_id());
create policy tenant_rows on report_alert_tokens using (tenant_id = app_tenant_id());
grant select, insert, delete on report_alerts to rathaus_app;
grant update (confirmed_at) on report_alerts to rathaus_app;
grant select, insert on report_alert_tokens to rathaus_app;
