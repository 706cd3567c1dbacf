-- Mails may carry small text attachments (an appointment's ICS file, docs/adr/0024-appointments.md);
-- the developer outbox keeps them beside the body: [{ "filename", "contentType", "content" }].
alter table mail_outbox add column attachments jsonb not null default '[]' check (jsonb_typeof(attachments) = 'array');
