-- Holds are confirmed by an e-mail link (docs/adr/0024-appointments.md). Only the SHA-256 of the
-- link's random token is stored; the token is made when the mail is sent, never kept in the job table.
alter table appointment_bookings add column confirm_token_hash text unique check (confirm_token_hash ~ '^[0-9a-f]{64}$');
grant update (confirm_token_hash) on appointment_bookings to rathaus_app;
-- Expired holds are found by time, by whoever needs their span and by housekeeping.
create index appointment_bookings_open_holds on appointment_bookings (tenant_id, hold_expires_at) where status = 'held';
