-- The applicant withdraws an open application on its status page (status link or the browser
-- holding the receipt): from received, in progress or waiting for the applicant to "withdrawn",
-- never to anything else (the answer to a question has its own policy, applicant_answers). Permissive
-- policies are combined with OR, so together they allow exactly these two moves.
create policy applicant_withdraws on cases for update
  using (tenant_id = app_tenant_id()
         and (select cardinality(app_status_token_hashes()) + cardinality(app_receipt_token_hashes())) > 0
         and status in ('received', 'in_progress', 'waiting_for_applicant'))
  with check (tenant_id = app_tenant_id() and status = 'withdrawn');
