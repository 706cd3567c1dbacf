-- Sensitive answers encrypted at rest (ADR 0025). The fields a service definition marks
-- `sensitive: true` leave `answers` and are stored sealed (AES-256-GCM) with a data key of the
-- town; each data key is random and kept here only wrapped by the master key ANSWERS_KEY, which
-- never reaches the database. A dump of the database alone does not reveal the sealed answers.

create table data_keys (
  tenant_id uuid not null references tenants (id),
  id uuid not null,
  -- The 32-byte key sealed with ANSWERS_KEY, the town and the key's id as associated data.
  wrapped_key text not null check (wrapped_key like 'v1.%'),
  created_at timestamptz not null default now(),
  primary key (tenant_id, id)
);
alter table data_keys enable row level security;
alter table data_keys force row level security;
-- Everyone working for the town reads and adds its keys (a key is useless without ANSWERS_KEY);
-- none is ever changed or deleted by the application: a lost key loses the answers sealed with it.
create policy tenant_keys on data_keys for select using (tenant_id = app_tenant_id());
create policy create_tenant_key on data_keys for insert with check (tenant_id = app_tenant_id());
grant select, insert on data_keys to rathaus_app;
-- Rotating ANSWERS_KEY re-wraps the keys in place (`npm run cli -- answers-key rotate`, as the
-- table owner with the town set); the application role has no UPDATE grant.
create policy rewrap_tenant_key on data_keys for update using (tenant_id = app_tenant_id());

-- Old submissions have neither column and keep their answers as they were.
alter table submissions
  add column sealed_answers text,
  add column data_key_id uuid,
  add constraint submissions_sealed_with_key check ((sealed_answers is null) = (data_key_id is null)),
  add foreign key (tenant_id, data_key_id) references data_keys (tenant_id, id);

-- A linked case (another department involved) carries the shared fields; the sensitive ones among
-- them are sealed for that case as the submission's are for the submission.
alter table cases
  add column shared_sealed_answers text,
  add column shared_data_key_id uuid,
  add constraint cases_shared_sealed_with_key check ((shared_sealed_answers is null) = (shared_data_key_id is null)),
  add foreign key (tenant_id, shared_data_key_id) references data_keys (tenant_id, id);

-- The submission function as in 20261123070000, now also writing the sealed answers and their key.
create or replace function submit_applications(p_tenant_id uuid, p_sequence text, p_reference_prefix text, p_items jsonb)
returns table (submission_id uuid, reference text, submitted_at timestamptz)
language plpgsql as $$
begin
  perform set_config('role', 'rathaus_app', true), set_config('app.tenant_id', p_tenant_id::text, true);
  return query
    with item as materialized (
      select x.*, format('%s-%s-%s', p_reference_prefix, extract(year from now() at time zone 'Europe/Berlin')::int,
                         lpad(nextval(p_sequence::regclass)::text, 6, '0')) as ref,
             (select o.name from organisations o where o.tenant_id = p_tenant_id and o.id = x."organisationId") as organisation_name
      from jsonb_to_recordset(p_items) as x(
        "id" uuid, "caseId" uuid, "serviceId" text, "definitionHash" text, "departmentId" uuid, answers jsonb,
        "language" text, "receiptTokenHash" text, actor text, "applicantEmail" text, "dueAt" timestamptz, "searchText" text, "accountId" uuid,
        "organisationId" uuid, "sealedAnswers" text, "dataKeyId" uuid)
    ), submission as (
      -- No RETURNING: the new rows need not be readable by the application role here.
      insert into submissions (tenant_id, id, reference, service_id, definition_hash, department_id, answers, language, receipt_token_hash, submitted_at,
                               account_id, organisation_id, organisation_name, sealed_answers, data_key_id)
      select p_tenant_id, i."id", i.ref, i."serviceId", i."definitionHash", i."departmentId", i.answers, i."language", i."receiptTokenHash", now(),
             i."accountId", i."organisationId", i.organisation_name, i."sealedAnswers", i."dataKeyId"
      from item i
    ), opened_case as (
      insert into cases (tenant_id, id, submission_id, department_id, reference, service_id, due_at, search)
      select p_tenant_id, i."caseId", i."id", i."departmentId", i.ref, i."serviceId", i."dueAt",
             to_tsvector('simple', i.ref) || to_tsvector('german', i."searchText")
      from item i
    ), audit as (
      insert into audit_log (tenant_id, actor, action, subject, details)
      select p_tenant_id, i.actor, 'submission.created', 'submission:' || i."id",
             jsonb_strip_nulls(jsonb_build_object('reference', i.ref, 'service', i."serviceId", 'organisation', i."organisationId"))
      from item i
    ), mail as (
      insert into jobs (tenant_id, kind, payload)
      select p_tenant_id, 'mail.submission-received',
             jsonb_build_object('to', i."applicantEmail", 'reference', i.ref, 'serviceId', i."serviceId", 'lang', i."language")
      from item i where i."applicantEmail" is not null
    )
    select i."id", i.ref, now() from item i;
end
$$;
