-- Town administration (docs/adr/0013-town-administration.md): town admins, deactivated accounts
-- and departments, invitations, and what the application role may change about them.

-- A town admin manages departments, staff accounts and role assignments; it opens no case.
alter table staff add column town_admin boolean not null default false;
-- A deactivated account cannot sign in; the row stays, because cases and the audit log name it.
alter table staff add column deactivated_at timestamptz;
-- An invited account has no password until the invitation is accepted.
alter table staff alter column password_hash drop not null;

-- A deactivated department keeps its closed cases but takes no new services or role assignments.
alter table departments add column deactivated_at timestamptz;

-- One-time links that let an invited staff member choose a password. Only the token's SHA-256 is
-- stored; accepting one uses up every invitation of the account.
create table staff_invitations (
  token_hash text primary key check (token_hash ~ '^[0-9a-f]{64}$'),
  tenant_id uuid not null,
  staff_id uuid not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  foreign key (tenant_id, staff_id) references staff (tenant_id, id)
);
alter table staff_invitations enable row level security;
alter table staff_invitations force row level security;
create policy tenant_rows on staff_invitations using (tenant_id = app_tenant_id());
grant select, insert, update on staff_invitations to rathaus_app;

-- The application role changes only these columns; ids and the town of a row stay as created.
grant insert (tenant_id, key, name, contact) on departments to rathaus_app;
grant update (name, contact, deactivated_at) on departments to rathaus_app;
grant insert (tenant_id, email, name, password_hash, town_admin) on staff to rathaus_app;
grant update (name, password_hash, town_admin, deactivated_at) on staff to rathaus_app;
grant insert (tenant_id, staff_id, department_id, role), update (role), delete on staff_departments to rathaus_app;
