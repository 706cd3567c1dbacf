-- A submission in ONE statement, including the switch to the application role and the town's
-- settings: the API path then needs a single round trip instead of BEGIN, settings, insert, COMMIT
-- (docs/adr/0006-submission-in-one-statement.md). Row-level security applies to every insert
-- below, because the function runs with the rights of rathaus_app once the role is switched.
create function submit_application(
  p_tenant_id uuid, p_receipt_token_hash text, p_submission_id uuid, p_case_id uuid,
  p_service_id text, p_definition_hash text, p_department_id uuid, p_answers jsonb, p_language text,
  p_sequence text, p_reference_prefix text, p_actor text, p_applicant_email text)
returns table (reference text, submitted_at timestamptz)
language plpgsql as $$
begin
  perform set_config('role', 'rathaus_app', true),
          set_config('app.tenant_id', p_tenant_id::text, true),
          set_config('app.receipt_token_hashes', '{' || p_receipt_token_hash || '}', true);
  return query
    with submission as (
      insert into submissions (tenant_id, id, reference, service_id, definition_hash, department_id, answers, language, receipt_token_hash)
      values (p_tenant_id, p_submission_id,
              format('%s-%s-%s', p_reference_prefix, extract(year from now() at time zone 'Europe/Berlin')::int, lpad(nextval(p_sequence::regclass)::text, 6, '0')),
              p_service_id, p_definition_hash, p_department_id, p_answers, p_language, p_receipt_token_hash)
      returning submissions.tenant_id, submissions.id, submissions.reference, submissions.submitted_at
    ), opened_case as (
      insert into cases (tenant_id, id, submission_id, department_id, reference, service_id)
      select s.tenant_id, p_case_id, s.id, p_department_id, s.reference, p_service_id from submission s
    ), audit as (
      insert into audit_log (tenant_id, actor, action, subject, details)
      select s.tenant_id, p_actor, 'submission.created', 'submission:' || s.id, jsonb_build_object('reference', s.reference, 'service', p_service_id) from submission s
    ), mail as (
      insert into jobs (tenant_id, kind, payload)
      select s.tenant_id, 'mail.submission-received',
             jsonb_build_object('to', p_applicant_email, 'reference', s.reference, 'serviceId', p_service_id, 'lang', p_language)
      from submission s where p_applicant_email is not null
    )
    select s.reference, s.submitted_at from submission s;
end
$$;
