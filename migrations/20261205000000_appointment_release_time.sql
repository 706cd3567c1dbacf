-- Batch release of appointment times (docs/adr/0024-appointments.md): a location may open the day
-- that enters its booking horizon at a fixed time of day (e.g. 07:30) instead of at midnight, so
-- everyone knows when new times appear and they go first come, first served. Null: at midnight.
alter table appointment_locations add column release_time time check (release_time is null or (extract(second from release_time) = 0));
