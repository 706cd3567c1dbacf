-- TOTP (RFC 6238) as a required second factor for staff. The secret is encrypted by the
-- application (AES-256-GCM, key from TOTP_KEY), so a copy of the database alone cannot make codes.
create table staff_totp (
  tenant_id uuid not null,
  staff_id uuid not null,
  secret_sealed text not null,
  confirmed_at timestamptz,
  -- The time step of the last accepted code: a code is accepted only for a later step (no replay).
  last_time_step integer,
  failed_attempts integer not null default 0 check (failed_attempts >= 0),
  locked_until timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, staff_id),
  foreign key (tenant_id, staff_id) references staff (tenant_id, id)
);

-- Ten per account, shown once; stored as SHA-256 (80 random bits each, so no slow hash is needed).
create table staff_recovery_codes (
  tenant_id uuid not null,
  staff_id uuid not null,
  code_hash text not null check (code_hash ~ '^[0-9a-f]{64}$'),
  used_at timestamptz,
  primary key (tenant_id, staff_id, code_hash),
  foreign key (tenant_id, staff_id) references staff (tenant_id, id)
);

-- A session whose password was verified but whose second factor is not yet: staff_id stays null
-- until then, so nothing that checks staff_id treats it as signed in.
alter table sessions
  add column pending_staff_id uuid,
  add foreign key (tenant_id, pending_staff_id) references staff (tenant_id, id),
  add check (staff_id is null or pending_staff_id is null);

alter table staff_totp enable row level security;
alter table staff_totp force row level security;
alter table staff_recovery_codes enable row level security;
alter table staff_recovery_codes force row level security;
create policy tenant_rows on staff_totp using (tenant_id = app_tenant_id());
create policy tenant_rows on staff_recovery_codes using (tenant_id = app_tenant_id());
grant select, insert, update, delete on staff_totp, staff_recovery_codes to rathaus_app;

-- Sessions signed in with the password alone end now. The owner is subject to the tenant policy
-- too (FORCE), and no town is set during a migration, so the policy is lifted for this statement.
alter table sessions no force row level security;
delete from sessions where staff_id is not null;
alter table sessions force row level security;
