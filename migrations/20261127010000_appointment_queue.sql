-- The citizens' office on the day (docs/adr/0024-appointments.md): check-in on arrival, tickets
-- (A-017) in one queue with walk-ins, calls to a counter, no-show marks, a public call display.

-- The letter a location's tickets start with, so two offices' numbers are never confused.
alter table appointment_locations add column ticket_letter text not null default 'A' check (ticket_letter ~ '^[A-Z]$');

-- Arrival or absence of a confirmed booking, marked by the location's staff (never both).
alter table appointment_bookings
  add column arrived_at timestamptz,
  add column no_show_at timestamptz,
  add check (arrived_at is null or no_show_at is null);
grant update (arrived_at, no_show_at) on appointment_bookings to rathaus_app;

-- A ticket in a location's queue of one (Europe/Berlin) day: issued on the check-in of a booking
-- or to a walk-in, called to a counter, done when the counter calls the next. Its number runs per
-- location and day. No personal data: the call display of the town shows the called ones.
create table appointment_tickets (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  location_id uuid not null,
  department_id uuid not null,
  day date not null,
  number integer not null check (number between 1 and 9999),
  -- The booking checked in; null for a walk-in.
  booking_id uuid,
  status text not null default 'waiting' check (status in ('waiting', 'called', 'done')),
  resource_id uuid,
  called_at timestamptz,
  done_at timestamptz,
  created_at timestamptz not null default now(),
  check ((status = 'waiting') = (called_at is null)),
  check ((status = 'waiting') = (resource_id is null)),
  primary key (tenant_id, id),
  unique (tenant_id, location_id, day, number),
  unique (tenant_id, booking_id),
  foreign key (tenant_id, location_id) references appointment_locations (tenant_id, id),
  foreign key (tenant_id, department_id) references departments (tenant_id, id),
  foreign key (tenant_id, booking_id) references appointment_bookings (tenant_id, id),
  foreign key (tenant_id, resource_id) references appointment_resources (tenant_id, id)
);
create index appointment_tickets_queue on appointment_tickets (tenant_id, location_id, day, status);
alter table appointment_tickets enable row level security;
alter table appointment_tickets force row level security;
-- Anyone of the town may read tickets (the call display); only the location's department's staff
-- issue and call them.
create policy tenant_tickets on appointment_tickets for select using (tenant_id = app_tenant_id());
create policy department_issues on appointment_tickets for insert
  with check (tenant_id = app_tenant_id() and department_id = any (app_department_ids()));
create policy department_calls on appointment_tickets for update
  using (tenant_id = app_tenant_id() and department_id = any (app_department_ids()))
  with check (tenant_id = app_tenant_id() and department_id = any (app_department_ids()));
grant select, insert on appointment_tickets to rathaus_app;
grant update (status, resource_id, called_at, done_at) on appointment_tickets to rathaus_app;
