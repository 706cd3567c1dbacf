-- Drafts that outlive the browser session (ADR 0019): a draft started while signed in, or carried
-- into the account at sign-in, belongs to the account and can be resumed wherever it signs in; an
-- anonymous applicant can have a resume link mailed, which moves the draft to the browser that
-- opens it.

-- Null: the draft is the browser session's (session_hash), as before. Set: only the account reaches
-- it, from any session; session_hash then only says which session saved it last.
alter table drafts
  add column account_id uuid,
  add foreign key (tenant_id, account_id) references accounts (tenant_id, id) on delete cascade;
create index drafts_account on drafts (tenant_id, account_id, updated_at desc) where account_id is not null;
-- Sign-in moves the browser's anonymous drafts into its new session (createSession).
create index drafts_session on drafts (tenant_id, session_hash) where account_id is null;

-- Resume links mailed to anonymous applicants. Only the SHA-256 of the token is stored; a link is
-- used once, and a newer link of the same draft replaces the older ones (they expire).
create table draft_resume_links (
  tenant_id uuid not null,
  token_hash text not null check (token_hash ~ '^[0-9a-f]{64}$'),
  draft_id uuid not null,
  expires_at timestamptz not null,
  used_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, token_hash),
  foreign key (tenant_id, draft_id) references drafts (tenant_id, id) on delete cascade
);
create index draft_resume_links_draft on draft_resume_links (tenant_id, draft_id);
-- Readable in the town like account_tokens: a row says nothing without its token, and the drafts'
-- policies below look links up (a policy naming drafts here would recurse).
alter table draft_resume_links enable row level security;
alter table draft_resume_links force row level security;
create policy tenant_rows on draft_resume_links using (tenant_id = app_tenant_id());
grant select, insert, update, delete on draft_resume_links to rathaus_app;

-- What a transaction presents to move an anonymous draft (set by inTransaction): the session its
-- new session replaces (createSession), or a resume link.
create function app_previous_session_hash() returns text language sql stable
  as $$ select nullif(current_setting('app.previous_session_hash', true), '') $$;
create function app_resume_token_hash() returns text language sql stable
  as $$ select nullif(current_setting('app.resume_token_hash', true), '') $$;

-- Until when a draft is kept after its last save: an account's for 30 days; an anonymous one for a
-- day (its session ends after 12 hours at most), or as long as an unused resume link of it is valid.
create function draft_keep_until(p_tenant_id uuid, p_draft_id uuid, p_account_id uuid, p_updated_at timestamptz) returns timestamptz
language sql stable as $$
  select case when p_account_id is not null then p_updated_at + interval '30 days'
              else greatest(p_updated_at + interval '1 day',
                            (select max(l.expires_at) from draft_resume_links l
                             where l.tenant_id = p_tenant_id and l.draft_id = p_draft_id and l.used_at is null)) end $$;

-- Whether the transaction presents a valid, unused resume link of the draft.
create function draft_resumable(p_tenant_id uuid, p_draft_id uuid) returns boolean
language sql stable as $$
  select exists (select 1 from draft_resume_links l
                 where l.tenant_id = p_tenant_id and l.draft_id = p_draft_id and l.token_hash = app_resume_token_hash()
                   and l.used_at is null and l.expires_at > now()) $$;

-- An anonymous draft is its session's; an account's draft is the account's alone, whichever session
-- presents its hash (a browser that signs in as B over A's session must not see A's drafts).
drop policy own_session on drafts;
create policy own_draft on drafts
  using (tenant_id = app_tenant_id()
         and ((account_id is null and session_hash = app_session_hash()) or account_id = app_account_id()));

-- An anonymous draft moves to another session in two ways: at each new session id (sign-in and its
-- steps) the browser's drafts follow it, becoming the account's when an account signs in; and a
-- resume link moves the draft to the browser that opens it. Either may read the draft and move it
-- to the transaction's own session or signed-in account, nothing more (not delete it, not give it
-- to another account).
create policy movable_read on drafts for select
  using (tenant_id = app_tenant_id() and account_id is null
         and (session_hash = app_previous_session_hash() or draft_resumable(tenant_id, id)));
create policy movable on drafts for update
  using (tenant_id = app_tenant_id() and account_id is null
         and (session_hash = app_previous_session_hash() or draft_resumable(tenant_id, id)))
  with check (tenant_id = app_tenant_id()
              and ((account_id is null and session_hash = app_session_hash()) or account_id = app_account_id()));

-- Housekeeping deletes what is past draft_keep_until. Only a transaction acting for no session and
-- no account (housekeeping) sees such drafts: before, any session could read an abandoned draft
-- whose id it knew.
alter policy expire_abandoned_read on drafts
  using (tenant_id = app_tenant_id() and app_session_hash() is null and app_account_id() is null
         and draft_keep_until(tenant_id, id, account_id, updated_at) < now());
alter policy expire_abandoned on drafts
  using (tenant_id = app_tenant_id() and app_session_hash() is null and app_account_id() is null
         and draft_keep_until(tenant_id, id, account_id, updated_at) < now());

-- A draft's uploads go with it: discarded, expired, or (the ones not kept) submitted. The files'
-- own expiry by age would now delete the uploads of a draft that is still kept, so it goes.
-- Uploads whose draft is gone were deleted by that expiry within a day; any left are deleted here
-- where the migrating role sees them. NOT VALID: a role subject to row-level security cannot see
-- every row to check the old ones; every new and changed row is checked.
drop policy expire_abandoned_read on files;
drop policy expire_abandoned on files;
delete from files f
  where f.draft_id is not null and not exists (select 1 from drafts d where d.tenant_id = f.tenant_id and d.id = f.draft_id);
alter table files add foreign key (tenant_id, draft_id) references drafts (tenant_id, id) on delete cascade not valid;
