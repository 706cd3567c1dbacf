-- Organisation accounts (ADR 0022): a business or association with several member accounts, roles
-- owner and member. Which organisations the acting account belongs to, and which it owns, are
-- actor settings (like a clerk's departments), read once per request from the account's own
-- memberships: a policy on organisation_members that read organisation_members would recurse.
create function app_organisation_ids() returns uuid[] language sql stable
  as $$ select coalesce(nullif(current_setting('app.organisation_ids', true), '')::uuid[], '{}') $$;
create function app_owned_organisation_ids() returns uuid[] language sql stable
  as $$ select coalesce(nullif(current_setting('app.owned_organisation_ids', true), '')::uuid[], '{}') $$;

create table organisations (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  name text not null check (length(name) between 2 and 200),
  -- Who founded it: may make itself the first owner (see organisation_members' insert policy).
  created_by uuid,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, created_by) references accounts (tenant_id, id) on delete set null (created_by)
);

create table organisation_members (
  tenant_id uuid not null,
  organisation_id uuid not null,
  account_id uuid not null,
  role text not null check (role in ('owner', 'member')),
  joined_at timestamptz not null default now(),
  primary key (tenant_id, organisation_id, account_id),
  foreign key (tenant_id, organisation_id) references organisations (tenant_id, id) on delete cascade,
  foreign key (tenant_id, account_id) references accounts (tenant_id, id) on delete cascade
);
create index organisation_members_account on organisation_members (tenant_id, account_id);

-- An invitation is bound to the e-mail address it was sent to; the link's token is stored as
-- SHA-256, used once, valid 7 days (the token itself is in the mail job's payload until the mail is
-- sent, as in the mail itself). The organisation's name is copied, so the invitee (not yet a
-- member, so unable to read the organisation) sees whom the invitation is from.
create table organisation_invitations (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  organisation_id uuid not null,
  organisation_name text not null,
  email text not null check (email = lower(email)),
  role text not null check (role in ('owner', 'member')),
  invited_by uuid,
  expires_at timestamptz not null,
  accepted_by uuid,
  accepted_at timestamptz,
  revoked_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, organisation_id) references organisations (tenant_id, id) on delete cascade,
  foreign key (tenant_id, invited_by) references accounts (tenant_id, id) on delete set null (invited_by),
  foreign key (tenant_id, accepted_by) references accounts (tenant_id, id) on delete set null (accepted_by)
);
create index organisation_invitations_organisation on organisation_invitations (tenant_id, organisation_id);

do $$
declare t text;
begin
  foreach t in array array['organisations', 'organisation_members', 'organisation_invitations']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
  end loop;
end
$$;

create policy member_reads on organisations for select
  using (tenant_id = app_tenant_id() and (id = any (app_organisation_ids()) or created_by = app_account_id()));
create policy account_founds on organisations for insert
  with check (tenant_id = app_tenant_id() and created_by = app_account_id());
create policy owner_renames on organisations for update
  using (tenant_id = app_tenant_id() and id = any (app_owned_organisation_ids()));
grant select, insert, update on organisations to rathaus_app;
grant delete on organisations to rathaus_app;
create policy owner_dissolves on organisations for delete
  using (tenant_id = app_tenant_id() and id = any (app_owned_organisation_ids()));

-- Members see who else belongs; an account always sees its own memberships (that is how the
-- actor settings above are found).
create policy members_read on organisation_members for select
  using (tenant_id = app_tenant_id() and (account_id = app_account_id() or organisation_id = any (app_organisation_ids())));
-- A member joins as the founder (first owner) or by an invitation it accepted, in the invited role;
-- owners add nobody directly.
create policy member_joins on organisation_members for insert
  with check (tenant_id = app_tenant_id() and account_id = app_account_id()
              and ((role = 'owner' and exists (select 1 from organisations o where o.tenant_id = organisation_members.tenant_id
                                                and o.id = organisation_members.organisation_id and o.created_by = app_account_id()))
                   or exists (select 1 from organisation_invitations i where i.tenant_id = organisation_members.tenant_id
                                and i.organisation_id = organisation_members.organisation_id and i.accepted_by = app_account_id()
                                and i.role = organisation_members.role)));
create policy owner_changes_roles on organisation_members for update
  using (tenant_id = app_tenant_id() and organisation_id = any (app_owned_organisation_ids()));
-- Owners remove members; every member may leave.
create policy owner_removes_or_member_leaves on organisation_members for delete
  using (tenant_id = app_tenant_id() and (organisation_id = any (app_owned_organisation_ids()) or account_id = app_account_id()));
grant select, insert, update, delete on organisation_members to rathaus_app;

-- Invitations are looked up by the hash of the link's token before the invitee is a member, like
-- the account links; owners create and revoke them.
create policy tenant_rows on organisation_invitations for select using (tenant_id = app_tenant_id());
create policy owner_invites on organisation_invitations for insert
  with check (tenant_id = app_tenant_id() and organisation_id = any (app_owned_organisation_ids()));
-- An open invitation closes once: revoked by an owner, or accepted by the account whose address it
-- was sent to (so even an unfiltered statement accepts no one else's invitations).
create policy invitation_closes on organisation_invitations for update
  using (tenant_id = app_tenant_id() and accepted_at is null and revoked_at is null)
  with check (tenant_id = app_tenant_id()
              and ((revoked_at is not null and accepted_by is null and organisation_id = any (app_owned_organisation_ids()))
                   or (revoked_at is null and accepted_by = app_account_id()
                       and email = (select a.email from accounts a where a.tenant_id = organisation_invitations.tenant_id and a.id = app_account_id()))));
grant select, insert, update on organisation_invitations to rathaus_app;
