-- The postbox (Postfach) of a citizen account (docs/adr/0020-postbox.md). Its messages are not
-- copied anywhere: they are the questions (applicant_requests) and the letters delivered to the
-- postbox (case_documents) of the account's applications, read through the policies that already
-- show an account its cases. What the postbox adds is which of them the account has read.

-- A letter for an application made while signed in is delivered to the account's postbox (with a
-- notice to the account's address); 'online' stays the status page with a notice by status link.
alter table case_documents drop constraint case_documents_delivery_check,
  add constraint case_documents_delivery_check check (delivery in ('online', 'postbox', 'post'));

-- One row per message the account has opened. A message is a question or a letter (exactly one
-- of the two); the case is named too, so the retention job deletes the rows with the case (and its
-- foreign key stops the deletion if it ever forgets them). Deleting the account takes them along.
create table postbox_reads (
  tenant_id uuid not null references tenants (id),
  account_id uuid not null,
  case_id uuid not null,
  request_id uuid,
  document_id uuid,
  read_at timestamptz not null default now(),
  check (num_nonnulls(request_id, document_id) = 1),
  foreign key (tenant_id, account_id) references accounts (tenant_id, id) on delete cascade,
  foreign key (tenant_id, case_id) references cases (tenant_id, id),
  foreign key (tenant_id, request_id) references applicant_requests (tenant_id, id),
  foreign key (tenant_id, document_id) references case_documents (tenant_id, id)
);
create unique index postbox_reads_request on postbox_reads (tenant_id, account_id, request_id) where request_id is not null;
create unique index postbox_reads_document on postbox_reads (tenant_id, account_id, document_id) where document_id is not null;
create index postbox_reads_case on postbox_reads (case_id);

alter table postbox_reads enable row level security;
alter table postbox_reads force row level security;
-- The account reads its own marks, and marks only messages of its own cases as read: the
-- subqueries go through the policies on cases, requests and documents, which show an account
-- exactly its applications.
create policy own_reads on postbox_reads for select
  using (tenant_id = app_tenant_id() and account_id = app_account_id());
create policy account_marks_read on postbox_reads for insert
  with check (tenant_id = app_tenant_id() and account_id = app_account_id()
              and exists (select 1 from cases c join submissions s on s.tenant_id = c.tenant_id and s.id = c.submission_id
                          where c.tenant_id = postbox_reads.tenant_id and c.id = postbox_reads.case_id and s.account_id = app_account_id())
              and (request_id is null
                   or exists (select 1 from applicant_requests r where r.tenant_id = postbox_reads.tenant_id and r.id = postbox_reads.request_id
                                                                  and r.case_id = postbox_reads.case_id))
              and (document_id is null
                   or exists (select 1 from case_documents d where d.tenant_id = postbox_reads.tenant_id and d.id = postbox_reads.document_id
                                                               and d.case_id = postbox_reads.case_id and d.delivery = 'postbox')));
grant select, insert on postbox_reads to rathaus_app;

-- Retention (ADR 0011) deletes the marks with their case, once it has written the case's stub.
create policy retention_reads_deleted on postbox_reads for select to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = postbox_reads.tenant_id and d.case_id = postbox_reads.case_id));
create policy retention_deletes on postbox_reads for delete to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = postbox_reads.tenant_id and d.case_id = postbox_reads.case_id));
grant delete on postbox_reads to rathaus_retention;
