-- Fees paid after the decision (docs/adr/0027-e-payment.md, "Pay after the decision"): the payment
-- request is written with the decision letter; a settled payment's confirmation is delivered to
-- the applicant's postbox.

-- When a case's fee is due: before the clerk sees the application, or with the decision. Null for
-- a payment of no application (the CLI's). Fixed at creation like the amount: the receipt, the
-- status page and the postbox word the fee by it.
alter table payments add column fee_mode text check (fee_mode in ('before', 'after'));
update payments set fee_mode = 'before' where case_id is not null;

-- The account whose postbox receives the payment confirmation (the case's applicant, if they
-- applied signed in), fixed at creation: the payment's transaction learns of the settlement under
-- the town's row-level security only and cannot read the application. When retention deletes the
-- case, it clears this link with the case's (the booking is kept, the person is not).
alter table payments add column notice_account_id uuid,
  add foreign key (tenant_id, notice_account_id) references accounts (tenant_id, id) on delete set null (notice_account_id);
grant update (notice_account_id) on payments to rathaus_retention;
alter policy retention_detaches on payments with check (case_id is null and notice_account_id is null);

-- A payment confirmation is a postbox message of its own: a read mark names it like a question or
-- a letter. The account marks only a settled payment of one of its own cases as read (the existing
-- insert policy already checks the case; this restrictive one adds the payment).
alter table postbox_reads add column payment_id uuid,
  drop constraint postbox_reads_check,
  add constraint postbox_reads_one_message check (num_nonnulls(request_id, document_id, payment_id) = 1),
  add foreign key (tenant_id, payment_id) references payments (tenant_id, id);
create unique index postbox_reads_payment on postbox_reads (tenant_id, account_id, payment_id) where payment_id is not null;
create policy account_marks_payment_read on postbox_reads as restrictive for insert
  with check (payment_id is null
              or exists (select 1 from payments p where p.tenant_id = postbox_reads.tenant_id and p.id = postbox_reads.payment_id
                                                    and p.case_id = postbox_reads.case_id and p.status in ('paid', 'refunded')));

-- A pay-first application never paid is withdrawn after the service's closeUnpaidAfterDays (a
-- durable job per application, acting as its applicant); its open payment is cancelled, and the
-- payment's history says why.
alter table payment_events drop constraint payment_events_source_check,
  add constraint payment_events_source_check check (source in ('start', 'notification', 'status_query', 'refund', 'expiry'));
