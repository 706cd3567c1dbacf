-- Issue 5, continued (docs/adr/0024-appointments.md): a waiting list per location, counters blocked
-- by staff for a time span, and retention of the appointments' contact data.

-- A place on a location's waiting list for a set of services. No personal data here (like
-- appointment_bookings): the offer job reads the list in order without reading who is on it.
-- 'unconfirmed' until the e-mail link is used (opt-in), then 'waiting' in the order of joined_at;
-- 'offered' while a freed slot is held for it (offered_booking_id, until offer_expires_at); it ends
-- 'booked' (the offer was taken), 'lapsed' (not taken in time) or 'left' (by its link).
create table appointment_waitlist_entries (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  location_id uuid not null,
  department_id uuid not null,
  services jsonb not null check (jsonb_typeof(services) = 'array'),
  status text not null default 'unconfirmed' check (status in ('unconfirmed', 'waiting', 'offered', 'booked', 'lapsed', 'left')),
  optin_token_hash text unique check (optin_token_hash ~ '^[0-9a-f]{64}$'),
  leave_token_hash text unique check (leave_token_hash ~ '^[0-9a-f]{64}$'),
  created_at timestamptz not null default now(),
  joined_at timestamptz,
  offered_booking_id uuid,
  offer_expires_at timestamptz,
  ended_at timestamptz,
  check ((status = 'offered') = (offer_expires_at is not null)),
  check ((status in ('booked', 'lapsed', 'left')) = (ended_at is not null)),
  primary key (tenant_id, id),
  foreign key (tenant_id, location_id) references appointment_locations (tenant_id, id),
  foreign key (tenant_id, department_id) references departments (tenant_id, id),
  foreign key (tenant_id, offered_booking_id) references appointment_bookings (tenant_id, id)
);
create index appointment_waitlist_order on appointment_waitlist_entries (tenant_id, location_id, joined_at) where status = 'waiting';

-- Who waits, readable only by the location's department (the mail jobs act as it), like booking contacts.
create table appointment_waitlist_contacts (
  tenant_id uuid not null,
  entry_id uuid not null,
  department_id uuid not null,
  name text not null check (length(name) between 1 and 120),
  email text not null check (length(email) between 3 and 254),
  language text not null check (language in ('de', 'en')),
  primary key (tenant_id, entry_id),
  foreign key (tenant_id, entry_id) references appointment_waitlist_entries (tenant_id, id) on delete cascade,
  foreign key (tenant_id, department_id) references departments (tenant_id, id)
);
create index appointment_waitlist_contacts_email on appointment_waitlist_contacts (tenant_id, email);

-- A counter taken out of service for a span (an afternoon's training, a broken card reader), by the
-- staff of the location's department. The slot computation counts it as busy; bookings it overlaps
-- are cancelled by the office in the same transaction. The reason is mailed to those citizens, so
-- it is no personal data; anyone of the town may read blocks (free slots are computed from them).
create table appointment_counter_blocks (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  location_id uuid not null,
  resource_id uuid not null,
  department_id uuid not null,
  span tstzrange not null check (not isempty(span) and lower_inc(span) and not upper_inc(span)),
  reason text not null check (length(reason) between 1 and 200),
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, location_id) references appointment_locations (tenant_id, id),
  foreign key (tenant_id, resource_id) references appointment_resources (tenant_id, id),
  foreign key (tenant_id, department_id) references departments (tenant_id, id)
);
create index appointment_counter_blocks_span on appointment_counter_blocks using gist (tenant_id, location_id, span);

-- A booking the office cancelled names the block (and so the reason) in its mail.
alter table appointment_bookings add column cancelled_by_block uuid,
  add foreign key (tenant_id, cancelled_by_block) references appointment_counter_blocks (tenant_id, id);
grant update (cancelled_by_block) on appointment_bookings to rathaus_app;

-- How long after an appointment (or the end of a waiting-list place) its contact data is kept.
alter table appointment_locations add column contact_retention_days integer not null default 30 check (contact_retention_days between 1 and 365);

alter table appointment_waitlist_entries enable row level security;
alter table appointment_waitlist_entries force row level security;
alter table appointment_waitlist_contacts enable row level security;
alter table appointment_waitlist_contacts force row level security;
alter table appointment_counter_blocks enable row level security;
alter table appointment_counter_blocks force row level security;

create policy tenant_rows on appointment_waitlist_entries using (tenant_id = app_tenant_id());
grant select, insert on appointment_waitlist_entries to rathaus_app;
grant update (status, optin_token_hash, leave_token_hash, joined_at, offered_booking_id, offer_expires_at, ended_at) on appointment_waitlist_entries to rathaus_app;

create policy create_contact on appointment_waitlist_contacts for insert with check (tenant_id = app_tenant_id());
create policy department_contacts on appointment_waitlist_contacts for select
  using (tenant_id = app_tenant_id() and department_id = any (app_department_ids()));
grant select, insert on appointment_waitlist_contacts to rathaus_app;

create policy tenant_blocks on appointment_counter_blocks for select using (tenant_id = app_tenant_id());
create policy department_blocks on appointment_counter_blocks for insert
  with check (tenant_id = app_tenant_id() and department_id = any (app_department_ids()));
grant select, insert on appointment_counter_blocks to rathaus_app;

-- Retention (ADR 0011 role): only the retention job deletes contact data and management tokens of
-- past appointments and ended waiting-list places; which rows are due is decided by its query
-- (contact_retention_days of the location). The bookings stay, without a person, for the statistics.
create policy retention_reads_contacts on appointment_booking_contacts for select to rathaus_retention using (tenant_id = app_tenant_id());
create policy retention_deletes_contacts on appointment_booking_contacts for delete to rathaus_retention using (tenant_id = app_tenant_id());
-- A waiting-list place's contact goes with the place (on delete cascade).
grant delete on appointment_booking_contacts, appointment_manage_tokens, appointment_waitlist_entries to rathaus_retention;
