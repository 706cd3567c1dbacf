-- Appointments (docs/adr/0024-appointments.md): where citizens can be seen (locations and their
-- counters), what each location offers for how long, when it is open, and the bookings. A double
-- booking is impossible in the database itself: an exclusion constraint on (resource, time span).

-- btree_gist lets one GiST index compare a uuid by equality and a time range by overlap. It is a
-- trusted extension (PostgreSQL 13+): a database owner may create it; PGlite loads it at open.
create extension if not exists btree_gist;

-- A place with counters: the Bürgerbüro in the town hall, a branch office. Horizon and lead time
-- are the location's: how far ahead it can be booked, and how late (no surprise at the counter).
create table appointment_locations (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  -- The department whose staff serve the location (and may read the bookings' contact data).
  department_id uuid not null,
  name text not null check (length(name) between 1 and 120),
  address text not null check (length(address) between 1 and 300),
  accessibility text not null default '' check (length(accessibility) <= 1000),
  -- A German state code as feiertagejs knows them; NW = Nordrhein-Westfalen.
  holiday_region text not null default 'NW'
    check (holiday_region in ('BW', 'BY', 'BE', 'BB', 'HB', 'HE', 'HH', 'MV', 'NI', 'NW', 'RP', 'SL', 'SN', 'ST', 'SH', 'TH')),
  horizon_days integer not null default 56 check (horizon_days between 1 and 365),
  lead_minutes integer not null default 120 check (lead_minutes between 0 and 20160),
  -- Slots start on this grid (minutes after the opening time): 5, 10, 15, 20, 30 or 60.
  slot_minutes integer not null default 15 check (slot_minutes in (5, 10, 15, 20, 30, 60)),
  deactivated_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, department_id) references departments (tenant_id, id)
);

-- A counter or staff seat: one citizen at a time.
create table appointment_resources (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  location_id uuid not null,
  name text not null check (length(name) between 1 and 80),
  deactivated_at timestamptz,
  primary key (tenant_id, id),
  unique (tenant_id, location_id, name),
  foreign key (tenant_id, location_id) references appointment_locations (tenant_id, id)
);

-- What a location offers (a catalog service id) and for how long: the first person's minutes,
-- plus minutes for each further person (a family's identity cards at one appointment).
create table appointment_location_services (
  tenant_id uuid not null,
  location_id uuid not null,
  service_id text not null check (service_id ~ '^[a-z0-9-]{2,80}$'),
  minutes integer not null check (minutes between 5 and 240),
  minutes_per_extra_person integer not null default 0 check (minutes_per_extra_person between 0 and 240),
  max_persons integer not null default 1 check (max_persons between 1 and 10),
  primary key (tenant_id, location_id, service_id),
  foreign key (tenant_id, location_id) references appointment_locations (tenant_id, id)
);

-- Opening hours as wall-clock intervals per ISO weekday (1 = Monday); a break is the gap between
-- two intervals of one day. They are Europe/Berlin times, whatever the day's UTC offset.
create table appointment_opening_hours (
  tenant_id uuid not null,
  location_id uuid not null,
  weekday smallint not null check (weekday between 1 and 7),
  opens time not null,
  closes time not null,
  check (opens < closes),
  primary key (tenant_id, location_id, weekday, opens),
  foreign key (tenant_id, location_id) references appointment_locations (tenant_id, id),
  -- Intervals of one day never overlap (the slot computation may then treat them independently).
  exclude using gist (tenant_id with =, location_id with =, weekday with =,
    tsrange(date '2000-01-01' + opens, date '2000-01-01' + closes) with &&)
);

-- Whole days a location is closed besides the public holidays (staff outing, move, strike).
create table appointment_closures (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  location_id uuid not null,
  first_day date not null,
  last_day date not null,
  reason text not null default '' check (length(reason) <= 200),
  check (first_day <= last_day),
  primary key (tenant_id, id),
  foreign key (tenant_id, location_id) references appointment_locations (tenant_id, id)
);

-- A booking occupies one resource for a span. 'held' waits for the e-mail confirmation until
-- hold_expires_at; an expired hold is set to 'expired' by whoever needs its time (in the same
-- transaction as their own insert) or by housekeeping. Only held and confirmed bookings take part
-- in the exclusion constraint: no two of them ever overlap on a resource, whatever the app does.
-- No personal data here: this table is read to compute free slots for anyone.
create table appointment_bookings (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  location_id uuid not null,
  resource_id uuid not null,
  span tstzrange not null check (not isempty(span) and lower_inc(span) and not upper_inc(span)),
  -- [{ "serviceId": "personalausweis", "persons": 2 }, ...]: what the span was computed from.
  services jsonb not null check (jsonb_typeof(services) = 'array'),
  status text not null check (status in ('held', 'confirmed', 'cancelled', 'expired')),
  hold_expires_at timestamptz,
  created_at timestamptz not null default now(),
  confirmed_at timestamptz,
  cancelled_at timestamptz,
  check ((status = 'held') = (hold_expires_at is not null)),
  primary key (tenant_id, id),
  foreign key (tenant_id, location_id) references appointment_locations (tenant_id, id),
  foreign key (tenant_id, resource_id) references appointment_resources (tenant_id, id),
  constraint appointment_bookings_no_overlap
    exclude using gist (tenant_id with =, resource_id with =, span with &&) where (status in ('held', 'confirmed'))
);
create index appointment_bookings_location_span on appointment_bookings using gist (tenant_id, location_id, span);

-- Who booked, kept apart from the span so the slot search never reads it. Readable by the staff of
-- the location's department only; the citizen's own access by token follows with the booking flow.
create table appointment_booking_contacts (
  tenant_id uuid not null,
  booking_id uuid not null,
  department_id uuid not null,
  name text not null check (length(name) between 1 and 120),
  email text not null check (length(email) between 3 and 254),
  language text not null check (language in ('de', 'en')),
  primary key (tenant_id, booking_id),
  foreign key (tenant_id, booking_id) references appointment_bookings (tenant_id, id),
  foreign key (tenant_id, department_id) references departments (tenant_id, id)
);

do $$
declare t text;
begin
  foreach t in array array['appointment_locations', 'appointment_resources', 'appointment_location_services',
                           'appointment_opening_hours', 'appointment_closures', 'appointment_bookings', 'appointment_booking_contacts'] loop
    execute format('alter table %I enable row level security', t);
    execute format('alter table %I force row level security', t);
  end loop;
end
$$;

-- Configuration is public information of the town: every request of the town reads it; the town
-- admin's right to change it is checked by the service (appointments.policy.ts), like departments.
create policy tenant_rows on appointment_locations using (tenant_id = app_tenant_id());
create policy tenant_rows on appointment_resources using (tenant_id = app_tenant_id());
create policy tenant_rows on appointment_location_services using (tenant_id = app_tenant_id());
create policy tenant_rows on appointment_opening_hours using (tenant_id = app_tenant_id());
create policy tenant_rows on appointment_closures using (tenant_id = app_tenant_id());
create policy tenant_rows on appointment_bookings using (tenant_id = app_tenant_id());
grant select, insert, update on appointment_locations, appointment_resources to rathaus_app;
grant select, insert, update, delete on appointment_location_services, appointment_opening_hours, appointment_closures to rathaus_app;
-- Bookings are never deleted by the app: a cancelled or expired row documents what happened.
grant select, insert on appointment_bookings to rathaus_app;
grant update (status, hold_expires_at, confirmed_at, cancelled_at) on appointment_bookings to rathaus_app;

create policy create_contact on appointment_booking_contacts for insert with check (tenant_id = app_tenant_id());
create policy department_contacts on appointment_booking_contacts for select
  using (tenant_id = app_tenant_id() and department_id = any (app_department_ids()));
grant select, insert on appointment_booking_contacts to rathaus_app;
