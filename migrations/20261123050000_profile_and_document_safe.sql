-- The citizen's profile and document safe (ADR 0021). Both are personal data of one account and
-- visible to that account only (app.account_id); they go with the account when it is deleted.

-- Every detail optional; the address is whole or absent, like the form engine's address field.
create table account_profiles (
  tenant_id uuid not null,
  account_id uuid not null,
  given_name text check (length(given_name) between 1 and 100),
  family_name text check (length(family_name) between 1 and 100),
  birth_date date,
  street text check (length(street) between 1 and 100),
  house_number text check (length(house_number) between 1 and 20),
  postcode text check (postcode ~ '^[0-9]{5}$'),
  city text check (length(city) between 1 and 100),
  phone text check (length(phone) between 1 and 25),
  -- When the account agreed that forms are prefilled from the profile; null: not (or withdrawn).
  prefill_consent_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (tenant_id, account_id),
  foreign key (tenant_id, account_id) references accounts (tenant_id, id) on delete cascade,
  check (num_nonnulls(street, house_number, postcode, city) in (0, 4))
);

-- Proofs uploaded once and attached to later applications. The bytes are in the content-addressed
-- file store under sha256; an application that attaches a document gets its own row in files
-- with the same address, so deleting the document here never takes a submitted file with it.
create table account_documents (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  account_id uuid not null,
  name text not null check (length(name) between 1 and 100),
  filename text not null check (length(filename) between 1 and 120),
  media_type text not null check (media_type in ('application/pdf', 'image/jpeg', 'image/png')),
  size integer not null check (size > 0 and size <= 10 * 1024 * 1024),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, account_id) references accounts (tenant_id, id) on delete cascade
);
create index account_documents_account on account_documents (tenant_id, account_id, created_at);

do $$
declare t text;
begin
  foreach t in array array['account_profiles', 'account_documents']
  loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
    execute format('create policy own_rows on %I using (tenant_id = app_tenant_id() and account_id = app_account_id())', t);
  end loop;
end
$$;
grant select, insert, update on account_profiles to rathaus_app;
-- No UPDATE: a document is replaced by deleting it and uploading again.
grant select, insert, delete on account_documents to rathaus_app;

-- A deleted document's bytes are queued for removal, whether the owner deleted it or the account
-- went (cascade). The retention run removes them after the commit unless any row of any town still
-- names them (file_address_in_use): a submission that attached the document keeps its file. The
-- function runs as its owner because the application role may not write file_deletions.
create function queue_account_document_bytes() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  insert into file_deletions (tenant_id, sha256) values (old.tenant_id, old.sha256) on conflict do nothing;
  return old;
end
$$;
revoke all on function queue_account_document_bytes() from public;
create trigger account_documents_bytes after delete on account_documents
  for each row execute function queue_account_document_bytes();
