-- Moderation and merging of defect reports (ADR 0026, "Moderation" and "Merging duplicates").

-- Whether the public sees a report: 'public' (the default, as before), 'held' (filed, but it looked
-- like spam, so it waits for a clerk of the department) or 'spam' (a clerk rejected it; never shown).
alter table reports add column moderation text not null default 'public' check (moderation in ('public', 'held', 'spam'));
-- Why a report was held (link, blocked_word, burst, client), private like what the citizen typed.
alter table report_details add column held_for text[] not null default '{}';
-- Words a town does not want to see in public reports; a report containing one waits for a clerk.
alter table report_areas add column blocked_words text[] not null default '{}';
-- API clients whose every report waits for a clerk (a new or once-abused integration).
alter table open311_clients add column moderated boolean not null default false;

-- Merging: a duplicate points to the report it was merged into; that report is never itself a
-- duplicate (the service resolves chains when merging), and a report is never its own duplicate.
alter table reports add column duplicate_of uuid,
  add constraint reports_duplicate_of_fkey foreign key (tenant_id, duplicate_of) references reports (tenant_id, id),
  add constraint reports_duplicate_not_self check (duplicate_of <> id);
create index reports_duplicates on reports (tenant_id, duplicate_of) where duplicate_of is not null;

-- A new report is public or held, never spam, never a duplicate: both are clerks' decisions.
drop policy file_report on reports;
create policy file_report on reports for insert with check (
  tenant_id = app_tenant_id() and status = 'received' and public_description is null and public_comment is null
  and moderation in ('public', 'held') and duplicate_of is null);
grant update (moderation, duplicate_of) on reports to rathaus_app;

alter table report_events drop constraint report_events_kind_check,
  add constraint report_events_kind_check check (kind in ('status', 'note', 'released', 'reassigned', 'moderated', 'merged'));
