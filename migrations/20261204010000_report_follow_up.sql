-- Asking the reporter four weeks after "done" whether it is really fixed (ADR 0026, "Follow-up"),
-- and the reporter's language for the mails about a report.

-- The language the reporter used when filing: status and follow-up mails are written in it.
alter table report_details add column lang text not null default 'de' check (lang in ('de', 'en'));

-- A report reopened by its reporter's "no, not fixed" has no clerk behind the event.
alter table report_events alter column staff_id drop not null;
alter table report_events drop constraint report_events_kind_check,
  add constraint report_events_kind_check check (kind in ('status', 'note', 'released', 'reassigned', 'moderated', 'merged', 'reopened'));

-- One follow-up question per report, ever: the SHA-256 of the single-purpose token in the mail,
-- and the answer (true: fixed; false: not fixed, which reopened the report).
create table report_follow_ups (
  tenant_id uuid not null,
  report_id uuid not null,
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  sent_at timestamptz not null default now(),
  answered_at timestamptz,
  fixed boolean,
  primary key (tenant_id, report_id),
  foreign key (tenant_id, report_id) references reports (tenant_id, id),
  check ((answered_at is null) = (fixed is null))
);
alter table report_follow_ups enable row level security;
alter table report_follow_ups force row level security;
create policy tenant_rows on report_follow_ups using (tenant_id = app_tenant_id());
grant select, insert on report_follow_ups to rathaus_app;
grant update (answered_at, fixed) on report_follow_ups to rathaus_app;
