-- A town's connection to its XBezahldienste payment service (ePayBL, pmPayment, ...; ADR 0027):
-- where the service is and who the portal is there. No secret is stored here: the OAuth2 client
-- secret comes from the environment (XBEZAHLDIENSTE_CLIENT_SECRET_<TOWN>).
create table xbezahldienste_settings (
  tenant_id uuid primary key references tenants (id),
  -- https, or http on this machine only (a test double of the payment service).
  base_url text not null check (base_url ~ '^https://[^/?#\s]+(/[^?#\s]*)?$' or base_url ~ '^http://(localhost|127\.0\.0\.1)(:[0-9]+)?(/[^?#\s]*)?$'),
  -- The path parameters the operator assigns (XBezahldienste v1.0.0: 1-36 of [A-Za-z0-9_-]).
  originator_id text not null check (originator_id ~ '^[A-Za-z0-9_-]{1,36}$'),
  endpoint_id text not null check (endpoint_id ~ '^[A-Za-z0-9_-]{1,36}$'),
  -- OAuth2 client credentials (pmPayment); both null when the operator needs no token.
  token_url text check (token_url ~ '^https?://[^\s]+$' and length(token_url) <= 500),
  client_id text check (length(client_id) between 1 and 200),
  -- The only origin whose pages the citizen's browser may be sent to.
  pay_page_origin text not null check (pay_page_origin ~ '^https?://[^/?#\s]+$'),
  updated_at timestamptz not null default now(),
  check ((token_url is null) = (client_id is null))
);
alter table xbezahldienste_settings enable row level security;
alter table xbezahldienste_settings force row level security;
create policy tenant_rows on xbezahldienste_settings using (tenant_id = app_tenant_id());
-- Written by `npm run cli -- payment xbezahldienste set`, as the town.
grant select, insert, update on xbezahldienste_settings to rathaus_app;

alter table payments drop constraint payments_provider_check;
alter table payments add constraint payments_provider_check check (provider in ('sandbox', 'xbezahldienste'));
