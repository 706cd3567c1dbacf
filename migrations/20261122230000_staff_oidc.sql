-- Staff sign-in through the town's own OpenID Connect identity provider (ADR 0014).

-- At most one identity provider per town. The client secret is sealed by the application
-- (AES-256-GCM under TOTP_KEY, bound to town, issuer and client id); null for a public client.
create table staff_idps (
  tenant_id uuid primary key references tenants (id),
  issuer text not null check (issuer ~ '^https?://[^/?#]+(/[^?#]*)?$'),
  client_id text not null check (length(client_id) between 1 and 255),
  client_secret_sealed text,
  display_name text not null check (length(display_name) between 1 and 60),
  -- Whether a first sign-in may link an account by the IdP's verified e-mail claim (a risk, so off by default).
  link_by_email boolean not null default false,
  -- acr values of this IdP that mean "signed in with more than one factor" (besides amr mfa/otp/hwk).
  mfa_acr_values text[] not null default '{}',
  updated_at timestamptz not null default now()
);

-- Which subject of which issuer is which staff member; one link per account. Looked up by
-- (issuer, subject): that index does not lead with tenant_id (ADR 0007).
create table staff_oidc_links (
  tenant_id uuid not null,
  staff_id uuid not null,
  issuer text not null,
  subject text not null check (length(subject) between 1 and 255),
  linked_at timestamptz not null default now(),
  primary key (tenant_id, staff_id),
  unique (issuer, subject, tenant_id),
  foreign key (tenant_id, staff_id) references staff (tenant_id, id) on delete cascade
);

-- An authorization request under way (state, nonce, PKCE verifier), kept server-side and bound to
-- the browser session that started it; it goes with the session and is used at most once.
create table oidc_flows (
  tenant_id uuid not null,
  session_hash text not null,
  purpose text not null check (purpose in ('staff_sign_in')),
  issuer text not null,
  redirect_uri text not null,
  state text not null,
  nonce text not null,
  code_verifier text not null,
  expires_at timestamptz not null,
  primary key (tenant_id, session_hash, purpose),
  foreign key (tenant_id, session_hash) references sessions (tenant_id, id_hash) on delete cascade
);

alter table staff_idps enable row level security;
alter table staff_idps force row level security;
alter table staff_oidc_links enable row level security;
alter table staff_oidc_links force row level security;
alter table oidc_flows enable row level security;
alter table oidc_flows force row level security;
create policy tenant_rows on staff_idps using (tenant_id = app_tenant_id());
create policy tenant_rows on staff_oidc_links using (tenant_id = app_tenant_id());
create policy own_session on oidc_flows using (tenant_id = app_tenant_id() and session_hash = app_session_hash());
-- The configuration is written by the CLI (schema owner); the portal reads it and links accounts.
grant select on staff_idps to rathaus_app;
grant select, insert on staff_oidc_links to rathaus_app;
grant select, insert, update, delete on oidc_flows to rathaus_app;
