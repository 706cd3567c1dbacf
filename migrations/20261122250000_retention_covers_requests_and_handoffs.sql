-- The retention job (docs/adr/0011-retention.md) deletes a case with everything that refers to it;
-- the questions to the applicant (ADR 0015) and the hand-off deliveries (ADR 0012) came after it.
create policy retention_deletes on applicant_requests for delete to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = applicant_requests.tenant_id and d.case_id = applicant_requests.case_id));

-- Deliveries are otherwise visible only to the case's department, which the job does not act as.
create policy retention_reads_deleted on handoff_deliveries for select to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = handoff_deliveries.tenant_id and d.case_id = handoff_deliveries.case_id));
create policy retention_deletes on handoff_deliveries for delete to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from deleted_cases d where d.tenant_id = handoff_deliveries.tenant_id and d.case_id = handoff_deliveries.case_id));

grant delete on applicant_requests, handoff_deliveries to rathaus_retention;
