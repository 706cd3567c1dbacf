-- Fees paid after the decision (docs/adr/0027-e-payment.md, "Pay after the decision"): the payment
-- request is written with the decision letter, and a settled payment's confirmation is delivered
-- to the account's postbox.

-- When a case's fee is due: before the clerk sees the application, or with the decision. Null for
-- a payment of no application (the CLI's). Fixed at creation like the amount: the receipt, the
-- status page and the postbox word the fee by it.
alter table payments add column fee_mode text check (fee_mode in ('before', 'after'));
update payments set fee_mode = 'before' where case_id is not null;

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
