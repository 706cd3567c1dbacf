-- Retention of defect reports (ADR 0026, "Retention"; the job of ADR 0011): a configured number of
-- days after a report was closed (done or rejected), what the reporter gave that never became
-- public goes: description and address as typed, e-mail, answers to extra questions, the reasons
-- it was held, and the photos nobody released. The public part (`reports`, released photos) stays.

-- Days after closing (the report's last change while closed) until its private part is removed.
alter table report_areas add column retention_days integer not null default 180 check (retention_days between 7 and 3650);

-- When the private part was removed; the description is then empty.
alter table report_details add column redacted_at timestamptz;
alter table report_details drop constraint report_details_description_check,
  add constraint report_details_description_check check (length(description) <= 2000 and (length(description) >= 1 or redacted_at is not null));

-- Only the retention job's role changes what the citizen typed, and only of closed reports.
create policy retention_reads_details on report_details for select to rathaus_retention using (tenant_id = app_tenant_id());
create policy retention_redacts_closed on report_details for update to rathaus_retention
  using (tenant_id = app_tenant_id()
         and exists (select 1 from reports r where r.tenant_id = report_details.tenant_id and r.id = report_details.report_id and r.status in ('done', 'rejected')))
  with check (tenant_id = app_tenant_id() and redacted_at is not null and reporter_email is null and address is null and description = '');
grant update (description, address, reporter_email, attributes, held_for, redacted_at) on report_details to rathaus_retention;
create policy retention_deletes_unreleased on report_photos for delete to rathaus_retention
  using (tenant_id = app_tenant_id() and not released
         and exists (select 1 from reports r where r.tenant_id = report_photos.tenant_id and r.id = report_photos.report_id and r.status in ('done', 'rejected')));
grant delete on report_photos to rathaus_retention;
