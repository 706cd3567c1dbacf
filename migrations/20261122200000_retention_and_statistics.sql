-- Retention (docs/adr/0011-retention.md): closed cases are deleted when their service's retention
-- period has passed; a stub without personal data and an audit entry remain. Also the channel a
-- case came in on, for the statistics.

-- How a case reached the town: 'online' (the portal or its API) or 'paper' (a paper form or a visit
-- at the counter, entered by staff). Every case so far came in online.
alter table cases add column channel text not null default 'online' check (channel in ('online', 'paper'));

-- The retention job works as a role of its own: the application role (every request) still may not
-- delete a case, a submission, a document or history at all. rathaus_retention has everything
-- rathaus_app has, plus DELETE on those tables; the policies below, which apply to it alone, show
-- it the town's closed cases and let it delete exactly the rows of cases it has first written a
-- stub for. It bypasses no row-level security either.
do $$
begin
  if not exists (select from pg_roles where rolname = 'rathaus_retention') then
    create role rathaus_retention nologin nobypassrls;
  end if;
  execute format('grant rathaus_retention to %I', current_user);
end
$$;
grant rathaus_app to rathaus_retention;

-- What remains of a deleted case: enough to answer "what happened to case X?" and to count, no
-- personal data. A stub can only be written for a closed or withdrawn case, by the retention job,
-- and never changes.
create table deleted_cases (
  tenant_id uuid not null references tenants (id),
  case_id uuid not null,
  reference text not null unique,
  service_id text not null,
  department_id uuid not null,
  -- Set for a linked case (another department involved), which goes with the case it belongs to.
  parent_case_id uuid,
  submission_id uuid not null,
  received_at timestamptz not null,
  closed_at timestamptz not null,
  retention_years integer not null check (retention_years > 0),
  deleted_at timestamptz not null default now(),
  reason text not null check (reason in ('retention')),
  primary key (tenant_id, case_id),
  foreign key (tenant_id, department_id) references departments (tenant_id, id)
);
create index deleted_cases_submission on deleted_cases (submission_id);
alter table deleted_cases enable row level security;
alter table deleted_cases force row level security;
create policy stubs_of_department on deleted_cases for select
  using (tenant_id = app_tenant_id() and department_id = any (app_department_ids()));
create policy retention_reads_stubs on deleted_cases for select to rathaus_retention
  using (tenant_id = app_tenant_id());
create policy stub_of_closed_case on deleted_cases for insert to rathaus_retention
  with check (tenant_id = app_tenant_id()
              and exists (select 1 from cases c where c.tenant_id = deleted_cases.tenant_id and c.id = deleted_cases.case_id
                                                  and c.submission_id = deleted_cases.submission_id and c.reference = deleted_cases.reference
                                                  and c.department_id = deleted_cases.department_id and c.status in ('closed', 'withdrawn')));
grant select on deleted_cases to rathaus_app;
grant insert on deleted_cases to rathaus_retention;

-- Cases: the job sees the town's closed cases (to find those due) and deletes those with a stub.
create policy retention_reads_closed on cases for select to rathaus_retention
  using (tenant_id = app_tenant_id() and status in ('closed', 'withdrawn'));
create policy retention_deletes on cases for delete to rathaus_retention
  using (tenant_id = app_tenant_id() and status in ('closed', 'withdrawn')
         and exists (select 1 from deleted_cases d where d.tenant_id = cases.tenant_id and d.case_id = cases.id));

-- History: the status changes of closed cases give their closing date; the rest is read and
-- deleted only with the case.
create policy retention_reads_closing on case_events for select to rathaus_retention
  using (kind = 'status' and tenant_id = app_tenant_id()
         and exists (select 1 from cases c where c.tenant_id = case_events.tenant_id and c.id = case_events.case_id));
create policy retention_reads_deleted on case_events for select to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = case_events.tenant_id and d.case_id = case_events.case_id));
create policy retention_deletes on case_events for delete to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = case_events.tenant_id and d.case_id = case_events.case_id));

-- Involvements are read through their (closed) cases already; they go with the asking case.
create policy retention_deletes on case_involvements for delete to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = case_involvements.tenant_id and d.case_id = case_involvements.parent_case_id));

-- Documents stay unchangeable: no UPDATE for anyone, no DELETE for the application role; the one
-- way out of the case file is the deletion of the whole case once its retention period has passed.
create policy retention_deletes on case_documents for delete to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = case_documents.tenant_id and d.case_id = case_documents.case_id));

-- The submission (and through its policy its files) once a stub names it. A submission still used
-- by any case cannot go: the foreign key from cases is checked without row-level security.
create policy retention_reads_deleted on submissions for select to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = submissions.tenant_id and d.submission_id = submissions.id));
create policy retention_deletes on submissions for delete to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = submissions.tenant_id and d.submission_id = submissions.id));

create policy retention_reads_deleted on status_links for select to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = status_links.tenant_id and d.reference = status_links.reference));
create policy retention_deletes on status_links for delete to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = status_links.tenant_id and d.reference = status_links.reference));

grant delete on cases, case_events, case_involvements, case_documents, submissions, status_links to rathaus_retention;

-- Stored files (uploads, letter PDFs) whose rows were deleted: the bytes go after the commit, so a
-- rolled-back deletion never loses a file; an entry left by a crash is taken up by the next run.
create table file_deletions (
  tenant_id uuid not null references tenants (id),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  requested_at timestamptz not null default now(),
  primary key (tenant_id, sha256)
);
alter table file_deletions enable row level security;
alter table file_deletions force row level security;
create policy tenant_rows on file_deletions using (tenant_id = app_tenant_id());
grant select, insert, delete on file_deletions to rathaus_retention;

-- The file store is content-addressed and shared by all towns: the same bytes uploaded twice, in
-- any town, are stored once. So before the bytes go, every column that holds a file address is
-- searched in every town; by convention such columns are named sha256 or end in _sha256 (a
-- fingerprint column of that name only keeps a file longer). Row-level security would hide other
-- towns' rows from an owner subject to it, and a file wrongly found unused is lost: the function
-- refuses to answer unless its owner sees every row.
create function file_address_in_use(p_sha256 text) returns boolean
language plpgsql stable security definer set search_path = public, pg_temp as $$
declare
  col record;
  used boolean;
begin
  if not exists (select 1 from pg_roles where rolname = current_user and (rolsuper or rolbypassrls)) then
    raise exception 'file_address_in_use: the owner % does not see every row', current_user;
  end if;
  for col in
    select c.table_name, c.column_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = 'public' and c.table_name <> 'file_deletions'
      and (c.column_name = 'sha256' or c.column_name like '%\_sha256') and c.data_type = 'text'
  loop
    execute format('select exists (select 1 from %I where %I = $1)', col.table_name, col.column_name) into used using p_sha256;
    if used then return true; end if;
  end loop;
  return false;
end
$$;
revoke all on function file_address_in_use(text) from public;
grant execute on function file_address_in_use(text) to rathaus_retention;
