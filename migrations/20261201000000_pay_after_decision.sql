-- Fees paid after the decision (docs/adr/0027-e-payment.md, "Pay after the decision"): the payment
-- request is written with the decision letter.

-- When a case's fee is due: before the clerk sees the application, or with the decision. Null for
-- a payment of no application (the CLI's). Fixed at creation like the amount: the receipt, the
-- status page and the postbox word the fee by it.
alter table payments add column fee_mode text check (fee_mode in ('before', 'after'));
update payments set fee_mode = 'before' where case_id is not null;
