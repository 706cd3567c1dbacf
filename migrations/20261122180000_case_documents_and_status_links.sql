-- Decision letters (Bescheide) in the case file, and the applicant's status links
-- (docs/adr/0009-decision-letters-and-status-links.md).

-- Document numbers come from one sequence per town, like references (ADR 0004); towns created
-- from now on get theirs in insertTenant.
do $$
declare t record;
begin
  for t in select id from tenants loop
    execute format('create sequence if not exists %I', 'document_seq_' || replace(t.id::text, '-', ''));
    execute format('grant usage on sequence %I to rathaus_app', 'document_seq_' || replace(t.id::text, '-', ''));
  end loop;
end
$$;

create function app_status_token_hashes() returns text[] language sql stable
  as $$ select coalesce(nullif(current_setting('app.status_token_hashes', true), '')::text[], '{}') $$;

-- A status link lets whoever holds its token follow one application. Only the token's SHA-256 is
-- stored. Keyed by the reference (unique across towns): the mail job that creates the link knows
-- the reference, and the application role cannot read submissions without a department.
create table status_links (
  token_hash text primary key check (token_hash ~ '^[0-9a-f]{64}$'),
  tenant_id uuid not null references tenants (id),
  reference text not null references submissions (reference),
  created_at timestamptz not null default now()
);
alter table status_links enable row level security;
alter table status_links force row level security;
create policy own_token on status_links for select
  using (tenant_id = app_tenant_id() and token_hash = any (app_status_token_hashes()));
create policy create_status_link on status_links for insert with check (tenant_id = app_tenant_id());
grant select, insert on status_links to rathaus_app;

-- The applicant may read their case (status, step, dates): with a status link's token, or as the
-- browser holding the submission's receipt token. Staff hold neither; the token checks are
-- subqueries without reference to the row, so PostgreSQL evaluates them once per query (an
-- InitPlan) and a clerk's inbox pays nothing per row.
create policy visible_to_applicant on cases for select
  using (tenant_id = app_tenant_id()
         and (((select cardinality(app_status_token_hashes())) > 0
               and exists (select 1 from status_links l where l.reference = cases.reference and l.token_hash = any (app_status_token_hashes())))
              or ((select cardinality(app_receipt_token_hashes())) > 0
               and exists (select 1 from submissions s where s.tenant_id = cases.tenant_id and s.id = cases.submission_id
                                                      and s.receipt_token_hash = any (app_receipt_token_hashes())))));

-- Of the case's history the applicant sees only the status changes: notes, assignments and steps
-- stay with the department. The history's own policy therefore names the department instead of
-- "the case is visible", which now includes the applicant.
alter policy case_events_of_visible_cases on case_events
  using (tenant_id = app_tenant_id()
         and exists (select 1 from cases c where c.tenant_id = case_events.tenant_id and c.id = case_events.case_id
                                             and c.department_id = any (app_department_ids())));
create policy status_events_for_applicant on case_events for select
  using (kind = 'status' and tenant_id = app_tenant_id()
         and (select cardinality(app_status_token_hashes()) + cardinality(app_receipt_token_hashes())) > 0
         and exists (select 1 from cases c where c.tenant_id = case_events.tenant_id and c.id = case_events.case_id));

-- Letters are issued and posted as history entries of their case ('document'; the involvements
-- migration before this one allowed it already and added 'involvement', which stays).
alter table case_events drop constraint case_events_kind_check,
  add constraint case_events_kind_check check (kind in ('status', 'assigned', 'step', 'note', 'document', 'involvement'));

-- A document of a case, created and delivered in one act, never changed afterwards: the
-- application role may insert and read, not update or delete; a correction is a new document that
-- names the one it supersedes (at most once). `content` is the letter's check text, `sha256` its
-- fingerprint (printed on the PDF), `file_sha256` the PDF's address in the file store.
create table case_documents (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  case_id uuid not null,
  kind text not null check (kind in ('letter')),
  template_id text not null,
  title text not null,
  document_number text not null unique,
  content text not null,
  sha256 text not null,
  file_sha256 text not null check (file_sha256 ~ '^[0-9a-f]{64}$'),
  file_size integer not null check (file_size > 0),
  delivery text not null check (delivery in ('online', 'post')),
  created_by uuid not null,
  delivered_at timestamptz not null default now(),
  supersedes_document_id uuid unique,
  primary key (tenant_id, id),
  -- The fingerprint is the check text's, whoever wrote the row.
  check (sha256 = encode(sha256(convert_to(content, 'UTF8')), 'hex')),
  foreign key (tenant_id, case_id) references cases (tenant_id, id),
  foreign key (tenant_id, created_by) references staff (tenant_id, id),
  foreign key (tenant_id, supersedes_document_id) references case_documents (tenant_id, id)
);
create index case_documents_case on case_documents (case_id, delivered_at);
alter table case_documents enable row level security;
alter table case_documents force row level security;
-- Visible exactly when the case is (its department's staff, or the applicant); only the
-- department creates them.
create policy documents_of_visible_cases on case_documents for select
  using (tenant_id = app_tenant_id()
         and exists (select 1 from cases c where c.tenant_id = case_documents.tenant_id and c.id = case_documents.case_id));
create policy department_issues_documents on case_documents for insert
  with check (tenant_id = app_tenant_id()
              and exists (select 1 from cases c where c.tenant_id = case_documents.tenant_id and c.id = case_documents.case_id
                                                  and c.department_id = any (app_department_ids())));
grant select, insert on case_documents to rathaus_app;
