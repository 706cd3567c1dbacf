-- The audit log is sealed in blocks, outside the request path: each block's hash covers the hashes
-- of its entries and the previous block's hash, so changing or removing a sealed entry breaks the
-- chain. Entries are written freely; which block an entry went into is recorded in audit_sealed
-- (an entry committed late simply goes into a later block).
create table audit_blocks (
  tenant_id uuid not null references tenants (id),
  block_no bigint not null,
  entry_count integer not null check (entry_count > 0),
  previous_hash text not null,
  hash text not null,
  sealed_at timestamptz not null default now(),
  primary key (tenant_id, block_no)
);

create table audit_sealed (
  tenant_id uuid not null,
  entry_id bigint primary key references audit_log (id),
  block_no bigint not null,
  foreign key (tenant_id, block_no) references audit_blocks (tenant_id, block_no)
);
create index audit_sealed_block on audit_sealed (tenant_id, block_no);

alter table audit_blocks enable row level security;
alter table audit_blocks force row level security;
alter table audit_sealed enable row level security;
alter table audit_sealed force row level security;
create policy tenant_rows on audit_blocks using (tenant_id = app_tenant_id());
create policy tenant_rows on audit_sealed using (tenant_id = app_tenant_id());
grant select, insert on audit_blocks, audit_sealed to rathaus_app;

-- The hash of one entry, computed the same way when sealing and when verifying.
create function audit_entry_hash(e audit_log) returns text language sql immutable
  as $$ select encode(sha256(convert_to(concat_ws('|', e.id, (extract(epoch from e.occurred_at) * 1000000)::bigint,
                                                  e.actor, e.action, e.subject, e.details::text), 'UTF8')), 'hex') $$;
