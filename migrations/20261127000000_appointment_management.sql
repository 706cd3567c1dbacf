-- Cancelling and rescheduling a confirmed appointment by a mailed link (docs/adr/0024-appointments.md).
-- Only the SHA-256 of a management link's random token is stored. A booking may have several: one
-- shown once on the page after the confirmation, one in each mail (each made when it is sent).
create table appointment_manage_tokens (
  tenant_id uuid not null,
  token_hash text not null check (token_hash ~ '^[0-9a-f]{64}$'),
  booking_id uuid not null,
  created_at timestamptz not null default now(),
  primary key (tenant_id, token_hash),
  foreign key (tenant_id, booking_id) references appointment_bookings (tenant_id, id)
);
create index appointment_manage_tokens_booking on appointment_manage_tokens (tenant_id, booking_id);
alter table appointment_manage_tokens enable row level security;
alter table appointment_manage_tokens force row level security;
create policy tenant_rows on appointment_manage_tokens using (tenant_id = app_tenant_id());
grant select, insert on appointment_manage_tokens to rathaus_app;

-- A rescheduled appointment is a new booking (a booking never moves: ADR 0024); the old one is
-- cancelled in the same transaction and names its successor. The calendar entry stays one entry:
-- the new booking keeps the first booking's uid and counts its revisions (ICS SEQUENCE).
alter table appointment_bookings
  add column calendar_uid uuid,
  add column calendar_sequence integer not null default 0 check (calendar_sequence >= 0),
  add column rescheduled_to uuid,
  add foreign key (tenant_id, rescheduled_to) references appointment_bookings (tenant_id, id);
grant update (rescheduled_to) on appointment_bookings to rathaus_app;
