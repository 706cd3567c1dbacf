-- Abandoned drafts hold personal data; they are deleted once no session can reach them any more.
-- Sessions end after at most 12 hours, so a draft untouched for a day belongs to nobody.
-- PostgreSQL applies SELECT policies to a DELETE that filters on columns, hence a SELECT policy too;
-- no route reads drafts other than by the caller's own session.
create policy expire_abandoned_read on drafts for select
  using (tenant_id = app_tenant_id() and updated_at < now() - interval '1 day');
create policy expire_abandoned on drafts for delete
  using (tenant_id = app_tenant_id() and updated_at < now() - interval '1 day');
create policy expire_abandoned_read on files for select
  using (tenant_id = app_tenant_id() and draft_id is not null and created_at < now() - interval '1 day');
create policy expire_abandoned on files for delete
  using (tenant_id = app_tenant_id() and draft_id is not null and created_at < now() - interval '1 day');
