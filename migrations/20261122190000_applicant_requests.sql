-- Nachforderung: a clerk asks the applicant a question with a deadline and, optionally, names the
-- documents missing; the applicant answers through a status link or the browser holding the
-- receipt (later also the postbox), and the answer and files land in the case
-- (docs/adr/0015-asking-the-applicant.md).

create table applicant_requests (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  case_id uuid not null,
  question text not null check (length(question) between 1 and 5000),
  -- The documents the clerk asks for, in order; an answer's files name their position here.
  documents text[] not null default '{}' check (cardinality(documents) <= 8),
  -- The last day of the deadline (Europe/Berlin). A later answer is still taken.
  due_on date not null,
  requested_by uuid not null,
  requested_at timestamptz not null default now(),
  state text not null default 'open' check (state in ('open', 'answered', 'withdrawn')),
  reply text check (length(reply) <= 5000),
  answered_at timestamptz,
  answered_via text check (answered_via in ('status-link', 'receipt', 'postbox')),
  -- The case's version the answer made: while the case is still at it, nobody has acted on the
  -- answer, and the inbox flags the case "Antwort eingegangen".
  answered_case_version integer,
  withdrawn_by uuid,
  withdrawn_at timestamptz,
  primary key (tenant_id, id),
  check ((state = 'answered') = (reply is not null and answered_at is not null and answered_via is not null and answered_case_version is not null)),
  check ((state = 'withdrawn') = (withdrawn_by is not null and withdrawn_at is not null)),
  foreign key (tenant_id, case_id) references cases (tenant_id, id),
  foreign key (tenant_id, requested_by) references staff (tenant_id, id),
  foreign key (tenant_id, withdrawn_by) references staff (tenant_id, id)
);
create index applicant_requests_case on applicant_requests (case_id, requested_at);
-- One open request per case: a second question waits until the first is answered or withdrawn.
create unique index applicant_requests_one_open on applicant_requests (case_id) where state = 'open';
alter table applicant_requests enable row level security;
alter table applicant_requests force row level security;
-- Visible exactly when the case is: to its department's staff, and to the applicant holding a
-- status link or the receipt (the subquery is itself filtered by the policies on cases).
create policy requests_of_visible_cases on applicant_requests for select
  using (tenant_id = app_tenant_id()
         and exists (select 1 from cases c where c.tenant_id = applicant_requests.tenant_id and c.id = applicant_requests.case_id));
create policy department_asks on applicant_requests for insert
  with check (tenant_id = app_tenant_id()
              and exists (select 1 from cases c where c.tenant_id = applicant_requests.tenant_id and c.id = applicant_requests.case_id
                                                  and c.department_id = any (app_department_ids())));
-- Only an open request changes, once: the department withdraws it, the applicant answers it. Staff
-- cannot answer in the applicant's name, and an applicant cannot withdraw the question.
create policy open_request_closes on applicant_requests for update
  using (tenant_id = app_tenant_id() and state = 'open'
         and exists (select 1 from cases c where c.tenant_id = applicant_requests.tenant_id and c.id = applicant_requests.case_id))
  with check (tenant_id = app_tenant_id()
              and ((state = 'withdrawn'
                    and exists (select 1 from cases c where c.tenant_id = applicant_requests.tenant_id and c.id = applicant_requests.case_id
                                                        and c.department_id = any (app_department_ids())))
                   or (state = 'answered'
                       and (select cardinality(app_status_token_hashes()) + cardinality(app_receipt_token_hashes())) > 0)));
grant select, insert on applicant_requests to rathaus_app;
grant update (state, reply, answered_at, answered_via, answered_case_version, withdrawn_by, withdrawn_at) on applicant_requests to rathaus_app;

-- The applicant's answer returns the case to the inbox: whoever holds the case's status link or
-- receipt may move an open case (it is visible to them through visible_to_applicant) to
-- "received" or "in progress" and to its next version, never to a decision. That an open request
-- exists is checked by the application: a policy on cases cannot read applicant_requests, whose
-- own policy reads cases (PostgreSQL refuses such recursion).
create policy applicant_answers on cases for update
  using (tenant_id = app_tenant_id()
         and (select cardinality(app_status_token_hashes()) + cardinality(app_receipt_token_hashes())) > 0
         and status in ('received', 'in_progress', 'waiting_for_applicant'))
  with check (tenant_id = app_tenant_id() and status in ('received', 'in_progress'));

-- ... and writes the history entries of the answer (no staff member; the status change, if any).
create policy applicant_reply_events on case_events for insert
  with check (tenant_id = app_tenant_id() and kind in ('status', 'reply') and staff_id is null
              and (select cardinality(app_status_token_hashes()) + cardinality(app_receipt_token_hashes())) > 0
              and exists (select 1 from cases c where c.tenant_id = case_events.tenant_id and c.id = case_events.case_id));

alter table case_events drop constraint case_events_kind_check, add constraint case_events_kind_check check (kind in ('status', 'assigned', 'step', 'note', 'document', 'involvement', 'request', 'reply', 'handoff'));

-- Files of an answer belong to the application's submission (so the case file lists them and they
-- follow the submission's department) and name the request and which requested document they are
-- (null: a further document). The receipt lists only the files of the application itself.
alter table files
  add column request_id uuid,
  add column request_item smallint check (request_item between 0 and 7),
  add foreign key (tenant_id, request_id) references applicant_requests (tenant_id, id),
  add check (request_id is null or submission_id is not null),
  add check (request_item is null or request_id is not null);
