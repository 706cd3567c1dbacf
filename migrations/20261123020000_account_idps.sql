-- Citizen sign-in through the town's identity provider (BundID, Servicekonto NRW ...) with eIDAS
-- trust levels from the acr claim (ADR 0018).

-- At most one citizen IdP per town. The client secret is sealed by the application (AES-256-GCM
-- under TOTP_KEY, bound to town, issuer and client id); null for a public client.
create table account_idps (
  tenant_id uuid primary key references tenants (id),
  issuer text not null check (issuer ~ '^https?://[^/?#]+(/[^?#]*)?$'),
  client_id text not null check (length(client_id) between 1 and 255),
  client_secret_sealed text,
  display_name text not null check (length(display_name) between 1 and 60),
  -- Which acr value means which eIDAS level, e.g. {"STORK-QAA-Level-3": "substantial"}.
  acr_levels jsonb not null check (
    jsonb_typeof(acr_levels) = 'object'
    and not jsonb_path_exists(acr_levels, '$.* ? (@ != "low" && @ != "substantial" && @ != "high")')
  ),
  -- Whether a first sign-in may link the existing account of an address the IdP asserts as
  -- verified (a risk, so off by default: the person signs in with the password once instead).
  link_by_email boolean not null default false,
  updated_at timestamptz not null default now()
);

-- Which subject of which issuer signs in as which account; one link per account and issuer.
-- Sign-in looks a link up by (issuer, subject) before anyone is signed in, so links are readable
-- within the town like the accounts table; only the account itself may remove its link.
create table account_oidc_links (
  tenant_id uuid not null,
  account_id uuid not null,
  issuer text not null,
  subject text not null check (length(subject) between 1 and 255),
  linked_at timestamptz not null default now(),
  primary key (tenant_id, account_id, issuer),
  unique (issuer, subject, tenant_id),
  foreign key (tenant_id, account_id) references accounts (tenant_id, id) on delete cascade
);

-- Where the person goes after the flow (a path of the portal, e.g. back to the form).
alter table oidc_flows add column return_to text check (return_to ~ '^/[^/\\]');
alter table oidc_flows drop constraint oidc_flows_purpose_check;
alter table oidc_flows add constraint oidc_flows_purpose_check check (purpose in ('staff_sign_in', 'account_sign_in'));

alter table account_idps enable row level security;
alter table account_idps force row level security;
alter table account_oidc_links enable row level security;
alter table account_oidc_links force row level security;
create policy tenant_rows on account_idps using (tenant_id = app_tenant_id());
create policy read_links on account_oidc_links for select using (tenant_id = app_tenant_id());
create policy create_links on account_oidc_links for insert with check (tenant_id = app_tenant_id());
create policy own_link_removed on account_oidc_links for delete using (tenant_id = app_tenant_id() and account_id = app_account_id());
-- The configuration is written by the CLI (schema owner); the portal reads it and links accounts.
grant select on account_idps to rathaus_app;
grant select, insert, delete on account_oidc_links to rathaus_app;
