-- Citizen accounts (Servicekonto), one per town and e-mail address (ADR 0016). The account row
-- holds only what sign-in needs; it is readable within the town like the staff table, because
-- registration, sign-in and password reset look it up by e-mail before anyone is signed in.
-- Everything else an account owns is visible to that account only (app.account_id).
create function app_account_id() returns uuid language sql stable
  as $$ select nullif(current_setting('app.account_id', true), '')::uuid $$;

create table accounts (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  email text not null check (email = lower(email) and length(email) <= 254),
  -- Null for an account that signs in only through an external identity provider.
  password_hash text,
  -- Unusable until the e-mail link was followed.
  verified_at timestamptz,
  language text not null default 'de' check (language in ('de', 'en')),
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, email)
);

-- Links sent by e-mail: confirm the address, choose a new password. Only the SHA-256 of the
-- token is stored; single use, expiring.
create table account_tokens (
  tenant_id uuid not null,
  token_hash text not null check (token_hash ~ '^[0-9a-f]{64}$'),
  account_id uuid not null,
  purpose text not null check (purpose in ('verify_email', 'reset_password')),
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, token_hash),
  foreign key (tenant_id, account_id) references accounts (tenant_id, id) on delete cascade
);
create index account_tokens_account on account_tokens (tenant_id, account_id);

-- Failed sign-ins per key (an e-mail address or a client address, both only as SHA-256), for the
-- exponential back-off. Keyed by the address typed, known or not, so the back-off itself does not
-- tell whether an account exists.
create table login_throttle (
  tenant_id uuid not null references tenants (id),
  key_hash text not null check (key_hash ~ '^[0-9a-f]{64}$'),
  failures integer not null check (failures > 0),
  blocked_until timestamptz,
  last_failure_at timestamptz not null,
  primary key (tenant_id, key_hash)
);

-- A session is a staff member's or an account's, never both. The trust level is what the sign-in
-- proved (eIDAS: low for the portal's own password or passkey, or what an identity provider asserts).
alter table sessions
  add column public_id uuid not null default gen_random_uuid(),
  add column account_id uuid,
  add column pending_account_id uuid,
  add column trust_level text check (trust_level in ('low', 'substantial', 'high')),
  add column user_agent text check (length(user_agent) <= 200),
  add foreign key (tenant_id, account_id) references accounts (tenant_id, id) on delete cascade,
  add foreign key (tenant_id, pending_account_id) references accounts (tenant_id, id) on delete cascade,
  add check (num_nonnulls(staff_id, pending_staff_id, account_id, pending_account_id) <= 1);
create index sessions_account on sessions (tenant_id, account_id) where account_id is not null;

do $$
declare t text;
begin
  foreach t in array array['accounts', 'account_tokens', 'login_throttle']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy tenant_rows on %I using (tenant_id = app_tenant_id())', t);
  end loop;
end
$$;
grant select, insert, update, delete on accounts, account_tokens, login_throttle to rathaus_app;
