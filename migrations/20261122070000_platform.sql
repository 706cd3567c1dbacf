-- The application works as rathaus_app: not the owner of any table, not a superuser, so the
-- row-level security policies below hold even for a query that forgets its WHERE clause.
do $$
begin
  if not exists (select from pg_roles where rolname = 'rathaus_app') then
    create role rathaus_app nologin nobypassrls;
  end if;
  execute format('grant rathaus_app to %I', current_user);
end
$$;

create function app_tenant_id() returns uuid language sql stable
  as $$ select nullif(current_setting('app.tenant_id', true), '')::uuid $$;
create function app_department_ids() returns uuid[] language sql stable
  as $$ select coalesce(nullif(current_setting('app.department_ids', true), '')::uuid[], '{}') $$;
create function app_session_hash() returns text language sql stable
  as $$ select nullif(current_setting('app.session_hash', true), '') $$;
create function app_receipt_token_hashes() returns text[] language sql stable
  as $$ select coalesce(nullif(current_setting('app.receipt_token_hashes', true), '')::text[], '{}') $$;

-- Towns are configuration, read before a tenant is known (host name lookup): no RLS, read-only.
create table tenants (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9-]{2,40}$'),
  name text not null check (length(name) between 2 and 120),
  hosts text[] not null,
  reference_prefix text not null unique check (reference_prefix ~ '^[A-Z]{2,5}$'),
  profile jsonb not null,
  created_at timestamptz not null default now()
);
grant select on tenants to rathaus_app;

create table departments (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  key text not null check (key ~ '^[a-z0-9-]{2,40}$'),
  name jsonb not null,
  contact jsonb not null,
  primary key (tenant_id, id),
  unique (tenant_id, key)
);

-- Which services a town offers and which of its departments is responsible.
create table tenant_services (
  tenant_id uuid not null references tenants (id),
  service_id text not null,
  department_id uuid not null,
  primary key (tenant_id, service_id),
  foreign key (tenant_id, department_id) references departments (tenant_id, id)
);

create table staff (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  email text not null check (email = lower(email)),
  name text not null,
  password_hash text not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, email)
);

create table staff_departments (
  tenant_id uuid not null,
  staff_id uuid not null,
  department_id uuid not null,
  role text not null check (role in ('clerk', 'team_lead', 'department_admin')),
  primary key (tenant_id, staff_id, department_id),
  foreign key (tenant_id, staff_id) references staff (tenant_id, id),
  foreign key (tenant_id, department_id) references departments (tenant_id, id)
);

create table sessions (
  tenant_id uuid not null references tenants (id),
  id_hash text not null,
  staff_id uuid,
  csrf_token text not null,
  receipts text[] not null default '{}',
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (tenant_id, id_hash),
  foreign key (tenant_id, staff_id) references staff (tenant_id, id)
);

-- Service definitions are files; every version ever used is kept here so a submission can always
-- be rendered with the exact definition it was made against.
create table definition_snapshots (
  hash text primary key,
  service_id text not null,
  version integer not null,
  body jsonb not null,
  created_at timestamptz not null default now()
);
grant select, insert on definition_snapshots to rathaus_app;

create table drafts (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  session_hash text not null,
  service_id text not null,
  definition_hash text not null references definition_snapshots (hash),
  answers jsonb not null default '{}',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id)
);

create table submissions (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  reference text not null,
  service_id text not null,
  definition_hash text not null references definition_snapshots (hash),
  department_id uuid not null,
  answers jsonb not null,
  language text not null check (language in ('de', 'en')),
  receipt_token_hash text not null,
  submitted_at timestamptz not null default now(),
  primary key (tenant_id, id),
  unique (tenant_id, reference),
  foreign key (tenant_id, department_id) references departments (tenant_id, id)
);

create table files (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  media_type text not null,
  size integer not null check (size > 0),
  filename text not null,
  draft_id uuid,
  submission_id uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  check (num_nonnulls(draft_id, submission_id) = 1),
  foreign key (tenant_id, submission_id) references submissions (tenant_id, id)
);

create table cases (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  submission_id uuid not null,
  department_id uuid not null,
  reference text not null,
  service_id text not null,
  status text not null default 'received'
    check (status in ('received', 'in_progress', 'waiting_for_applicant', 'decided', 'closed', 'withdrawn')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, submission_id) references submissions (tenant_id, id),
  foreign key (tenant_id, department_id) references departments (tenant_id, id)
);
create index cases_inbox on cases (tenant_id, department_id, created_at desc);

-- Append-only: the application may insert and read, never change or delete.
create table audit_log (
  id bigint generated always as identity primary key,
  tenant_id uuid not null references tenants (id),
  occurred_at timestamptz not null default now(),
  actor text not null,
  action text not null,
  subject text not null,
  details jsonb not null default '{}'
);
create index audit_log_subject on audit_log (tenant_id, subject);

-- Durable side effects (outbox): written in the business transaction, executed after commit.
create table jobs (
  id bigint generated always as identity primary key,
  tenant_id uuid references tenants (id),
  kind text not null,
  payload jsonb not null,
  run_at timestamptz not null default now(),
  attempts integer not null default 0,
  max_attempts integer not null default 8,
  locked_until timestamptz,
  last_error text,
  done_at timestamptz,
  created_at timestamptz not null default now()
);
create index jobs_due on jobs (run_at) where done_at is null;
grant select, insert, update on jobs to rathaus_app;

-- Mail kept locally when no SMTP server is configured (developer outbox).
create table mail_outbox (
  id bigint generated always as identity primary key,
  tenant_id uuid references tenants (id),
  recipient text not null,
  subject text not null,
  body text not null,
  created_at timestamptz not null default now()
);
grant select, insert on mail_outbox to rathaus_app;

-- Tenant isolation for every tenant-owned table.
do $$
declare t text;
begin
  foreach t in array array['departments', 'tenant_services', 'staff', 'staff_departments', 'sessions',
                           'drafts', 'submissions', 'files', 'cases', 'audit_log']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
  end loop;
end
$$;

create policy tenant_rows on departments using (tenant_id = app_tenant_id());
create policy tenant_rows on tenant_services using (tenant_id = app_tenant_id());
create policy tenant_rows on staff using (tenant_id = app_tenant_id());
create policy tenant_rows on staff_departments using (tenant_id = app_tenant_id());
create policy tenant_rows on sessions using (tenant_id = app_tenant_id());
grant select on departments, tenant_services, staff, staff_departments to rathaus_app;
grant select, insert, update, delete on sessions to rathaus_app;

-- A draft belongs to the browser session that started it.
create policy own_session on drafts
  using (tenant_id = app_tenant_id() and session_hash = app_session_hash());
grant select, insert, update, delete on drafts to rathaus_app;

-- A submission is visible to its department's staff and to the applicant holding its receipt token;
-- anyone in the tenant may create one. No UPDATE or DELETE: it is an immutable snapshot.
create policy create_submission on submissions for insert with check (tenant_id = app_tenant_id());
create policy read_submission on submissions for select
  using (tenant_id = app_tenant_id()
         and (department_id = any (app_department_ids()) or receipt_token_hash = any (app_receipt_token_hashes())));
grant select, insert on submissions to rathaus_app;

create policy create_case on cases for insert with check (tenant_id = app_tenant_id());
create policy department_cases on cases for select
  using (tenant_id = app_tenant_id() and department_id = any (app_department_ids()));
create policy department_cases_update on cases for update
  using (tenant_id = app_tenant_id() and department_id = any (app_department_ids()));
grant select, insert, update on cases to rathaus_app;

-- Files follow what they are attached to; the subqueries are themselves filtered by the policies
-- of drafts and submissions.
create policy attached_files on files
  using (tenant_id = app_tenant_id()
         and (exists (select 1 from drafts d where d.tenant_id = files.tenant_id and d.id = files.draft_id)
              or exists (select 1 from submissions s where s.tenant_id = files.tenant_id and s.id = files.submission_id)));
create policy create_file on files for insert with check (tenant_id = app_tenant_id());
grant select, insert, update, delete on files to rathaus_app;

create policy append_audit on audit_log for insert with check (tenant_id = app_tenant_id());
create policy read_audit on audit_log for select using (tenant_id = app_tenant_id());
grant select, insert on audit_log to rathaus_app;
