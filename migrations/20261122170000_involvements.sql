-- Involving another department (Beteiligung): the service definition names which fields that
-- department receives. Involving creates a linked case in that department that carries only those
-- fields (cases.shared_answers); the submission itself stays invisible to it (row-level security on
-- submissions follows the submission's department). Both sides see the involvement row through
-- their own case: the asking side its question and, later, the answer; never each other's notes.
alter table cases
  add column parent_case_id uuid,
  add column shared_answers jsonb,
  add foreign key (tenant_id, parent_case_id) references cases (tenant_id, id),
  add check ((parent_case_id is null) = (shared_answers is null));

create table case_involvements (
  tenant_id uuid not null,
  id uuid primary key,
  parent_case_id uuid not null,
  linked_case_id uuid not null unique,
  involvement_id text not null,
  -- Who asks whom: neither side can read the other's case row, so the departments are kept here.
  asking_department_id uuid not null,
  involved_department_id uuid not null,
  definition_hash text not null references definition_snapshots (hash),
  question text not null check (length(question) between 1 and 5000),
  requested_by uuid not null,
  requested_at timestamptz not null default now(),
  answer text check (length(answer) between 1 and 5000),
  answered_by uuid,
  answered_at timestamptz,
  check ((answer is null) = (answered_at is null)),
  foreign key (tenant_id, parent_case_id) references cases (tenant_id, id),
  foreign key (tenant_id, linked_case_id) references cases (tenant_id, id),
  foreign key (tenant_id, asking_department_id) references departments (tenant_id, id),
  foreign key (tenant_id, involved_department_id) references departments (tenant_id, id),
  foreign key (tenant_id, requested_by) references staff (tenant_id, id),
  foreign key (tenant_id, answered_by) references staff (tenant_id, id)
);
create index case_involvements_parent on case_involvements (parent_case_id);
alter table case_involvements enable row level security;
alter table case_involvements force row level security;
create policy involvement_of_visible_cases on case_involvements for select
  using (tenant_id = app_tenant_id()
         and (exists (select 1 from cases c where c.tenant_id = case_involvements.tenant_id and c.id = case_involvements.parent_case_id)
              or exists (select 1 from cases c where c.tenant_id = case_involvements.tenant_id and c.id = case_involvements.linked_case_id)));
create policy asked_from_visible_case on case_involvements for insert
  with check (tenant_id = app_tenant_id()
              and exists (select 1 from cases c where c.tenant_id = case_involvements.tenant_id and c.id = case_involvements.parent_case_id));
create policy answered_by_involved_department on case_involvements for update
  using (tenant_id = app_tenant_id()
         and exists (select 1 from cases c where c.tenant_id = case_involvements.tenant_id and c.id = case_involvements.linked_case_id));
grant select, insert on case_involvements to rathaus_app;
grant update (answer, answered_by, answered_at) on case_involvements to rathaus_app;

-- History entries for involvements on the asking case.
alter table case_events drop constraint case_events_kind_check;
alter table case_events add constraint case_events_kind_check check (kind in ('status', 'assigned', 'step', 'note', 'document', 'involvement'));
