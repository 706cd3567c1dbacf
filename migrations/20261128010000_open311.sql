-- Open311 GeoReport v2 completion (ADR 0026): extra questions per category (the spec's service
-- attributes), API clients that may post service requests, and the spec's request tokens.

-- A category's extra questions: [{ code, datatype, required, description: {de, en}, values?: [{ key, name: {de, en} }] }].
alter table report_categories add column attributes jsonb not null default '[]' check (jsonb_typeof(attributes) = 'array');
-- The answers to them, private like the description: { code: value | [values] }.
alter table report_details add column attributes jsonb not null default '{}' check (jsonb_typeof(attributes) = 'object');

-- Systems that post reports for a town (another app, a city's call centre). Only the SHA-256 of
-- the key is stored; whoever registers a client (command line, town admin page) sees the key once.
create table open311_clients (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 1 and 120),
  key_hash text not null unique check (key_hash ~ '^[0-9a-f]{64}$'),
  -- Reports a client may post per hour: a runaway or abused client cannot flood the inbox.
  requests_per_hour integer not null default 100 check (requests_per_hour between 1 and 100000),
  created_at timestamptz not null default now(),
  revoked_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, name)
);
alter table open311_clients enable row level security;
alter table open311_clients force row level security;
create policy tenant_rows on open311_clients using (tenant_id = app_tenant_id());
-- Town admins register and revoke clients (the administration checks the role); a key never changes.
grant select, insert on open311_clients to rathaus_app;
grant update (revoked_at) on open311_clients to rathaus_app;

-- A request posted through the API: by which client (the rate limit counts these), and the
-- token the spec's tokens/{token} endpoint answers for. Not secret: it only leads to the public
-- service_request_id, which the POST answered with anyway.
create table open311_requests (
  tenant_id uuid not null,
  report_id uuid not null,
  client_id uuid not null,
  token uuid not null unique default gen_random_uuid(),
  created_at timestamptz not null default now(),
  primary key (tenant_id, report_id),
  foreign key (tenant_id, report_id) references reports (tenant_id, id),
  foreign key (tenant_id, client_id) references open311_clients (tenant_id, id)
);
create index open311_requests_client on open311_requests (tenant_id, client_id, created_at);
alter table open311_requests enable row level security;
alter table open311_requests force row level security;
create policy tenant_rows on open311_requests using (tenant_id = app_tenant_id());
grant select, insert on open311_requests to rathaus_app;
