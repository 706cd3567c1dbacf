-- Passkeys (WebAuthn) and TOTP as a second factor for citizen accounts (ADR 0017). Every row here
-- belongs to one account and is visible to that account only (app.account_id): a passkey sign-in
-- names its account by the user handle the authenticator returns, so even the credential lookup
-- before sign-in runs as that account.

-- A passkey: the credential's public key (COSE), as the authenticator made it at registration.
create table account_passkeys (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  account_id uuid not null,
  -- The credential id, base64url, as the browser reports it.
  credential_id text not null check (length(credential_id) between 16 and 1400 and credential_id ~ '^[A-Za-z0-9_-]+$'),
  public_key bytea not null,
  -- The authenticator's signature counter; a sign-in must report a higher one (0 = it keeps none).
  sign_count bigint not null default 0 check (sign_count >= 0),
  transports text[] not null default '{}',
  name text not null check (length(name) between 1 and 60),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, credential_id),
  foreign key (tenant_id, account_id) references accounts (tenant_id, id) on delete cascade
);
create index account_passkeys_account on account_passkeys (tenant_id, account_id);

-- TOTP enrolment and recovery codes of an account, as staff_totp and staff_recovery_codes are for
-- staff (ADR 0008): the secret sealed under TOTP_KEY, the last accepted time step against replay,
-- failed attempts and the lock. Unlike staff, an account chooses whether to turn it on.
create table account_totp (
  tenant_id uuid not null,
  account_id uuid not null,
  secret_sealed text not null,
  confirmed_at timestamptz,
  last_time_step integer,
  failed_attempts integer not null default 0 check (failed_attempts >= 0),
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, account_id),
  foreign key (tenant_id, account_id) references accounts (tenant_id, id) on delete cascade
);

create table account_recovery_codes (
  tenant_id uuid not null,
  account_id uuid not null,
  code_hash text not null check (code_hash ~ '^[0-9a-f]{64}$'),
  used_at timestamptz,
  primary key (tenant_id, account_id, code_hash),
  foreign key (tenant_id, account_id) references accounts (tenant_id, id) on delete cascade
);

-- A WebAuthn challenge under way, bound to the browser session that asked for it (it goes with the
-- session, and with its id at every rotation), expiring, and deleted when it is used.
create table webauthn_challenges (
  tenant_id uuid not null,
  session_hash text not null,
  purpose text not null check (purpose in ('register', 'sign_in')),
  challenge text not null check (challenge ~ '^[A-Za-z0-9_-]{43}$'),
  expires_at timestamptz not null,
  primary key (tenant_id, session_hash, purpose),
  foreign key (tenant_id, session_hash) references sessions (tenant_id, id_hash) on delete cascade
);

-- When the session's owner last proved a credential (sign-in, or the password asked again):
-- changing the sign-in methods needs this to be recent. Carried over when the id is rotated.
alter table sessions add column authenticated_at timestamptz not null default now();

do $$
declare t text;
begin
  foreach t in array array['account_passkeys', 'account_totp', 'account_recovery_codes']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy own_account on %I using (tenant_id = app_tenant_id() and account_id = app_account_id())', t);
  end loop;
end
$$;
alter table webauthn_challenges enable row level security;
alter table webauthn_challenges force row level security;
create policy own_session on webauthn_challenges using (tenant_id = app_tenant_id() and session_hash = app_session_hash());
grant select, insert, update, delete on account_passkeys, account_totp, account_recovery_codes, webauthn_challenges to rathaus_app;
