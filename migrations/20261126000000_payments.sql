-- Online payments of fees (docs/adr/0027-e-payment.md). A payment is the town's claim for one
-- amount, paid through one provider; payment_events records every notification, status query
-- and change for it, append-only. Payments hold no personal data: a purpose, an amount, the
-- provider's ids. Their ids are random and only the payer's browser (and, once payments are tied
-- to cases, the case's department) learns them.

create table payments (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  -- What the payment is for: the case it belongs to once fees are wired to applications (nullable
  -- until then, and for payments not tied to a case).
  case_id uuid,
  -- Verwendungszweck as XBezahldienste allows it (27 characters; ASCII letters, digits, spaces, dashes).
  purpose text not null check (purpose ~ '^[A-Za-z0-9 -]{1,27}$'),
  description text not null check (length(description) between 1 and 250),
  amount_cents integer not null check (amount_cents between 1 and 99999999),
  currency text not null default 'EUR' check (currency = 'EUR'),
  status text not null default 'created'
    check (status in ('created', 'pending', 'paid', 'failed', 'cancelled', 'refunded')),
  provider text not null check (provider in ('sandbox')),
  -- The idempotency key sent to the provider: stored before the provider is asked, so a lost
  -- answer is recovered by asking again with the same key.
  request_id text not null default replace(gen_random_uuid()::text, '-', '') check (request_id ~ '^[A-Za-z0-9-]{1,36}$'),
  provider_transaction_id text check (length(provider_transaction_id) <= 100),
  kassenzeichen text check (length(kassenzeichen) <= 100),
  -- Where the payer continues after paying: a path on this town's own host, never a whole URL.
  continue_path text not null check (continue_path ~ '^/[^/\\]' or continue_path = '/'),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  paid_at timestamptz,
  refunded_at timestamptz,
  refund_reason text check (length(refund_reason) between 1 and 1000),
  primary key (tenant_id, id),
  unique (tenant_id, request_id),
  foreign key (tenant_id, case_id) references cases (tenant_id, id),
  -- Paid exactly when paid_at is set, refunded only after being paid.
  check ((status in ('paid', 'refunded')) = (paid_at is not null)),
  check ((status = 'refunded') = (refunded_at is not null and refund_reason is not null))
);
-- A provider's transaction belongs to one payment only.
create unique index payments_provider_transaction on payments (provider, provider_transaction_id) where provider_transaction_id is not null;
-- The reconciliation job and the clerk's view look payments up by status and by case.
create index payments_open on payments (tenant_id, created_at) where status in ('created', 'pending');
create index payments_case on payments (tenant_id, case_id) where case_id is not null;

-- Every notification, status query and state change, kept as received (amount and currency as
-- the provider stated them), whether it changed the payment or not. A notification that does not
-- match its payment is recorded as refused.
create table payment_events (
  tenant_id uuid not null,
  id uuid not null default gen_random_uuid(),
  payment_id uuid not null,
  source text not null check (source in ('start', 'notification', 'status_query', 'refund')),
  provider_status text check (length(provider_status) <= 40),
  amount_cents integer,
  currency text check (length(currency) <= 3),
  outcome text not null check (outcome in ('applied', 'unchanged', 'refused')),
  -- The state the payment moved to when the event applied one.
  new_status text check (new_status in ('created', 'pending', 'paid', 'failed', 'cancelled', 'refunded')),
  detail text check (length(detail) <= 500),
  recorded_at timestamptz not null default now(),
  primary key (tenant_id, id),
  foreign key (tenant_id, payment_id) references payments (tenant_id, id),
  check ((outcome = 'applied') = (new_status is not null))
);
-- The second guard against a double booking: one event may move a payment to paid, ever.
create unique index payment_events_paid_once on payment_events (tenant_id, payment_id) where new_status = 'paid';
create index payment_events_payment on payment_events (tenant_id, payment_id, recorded_at);

-- The built-in sandbox provider's own books: what a real provider keeps on its side. Separate
-- from payments so the sandbox cannot take a shortcut into the portal's state; the portal learns
-- its outcome only by the signed notification or the status query, as from a real provider.
create table payment_sandbox_transactions (
  tenant_id uuid not null references tenants (id),
  id uuid not null default gen_random_uuid(),
  request_id text not null,
  purpose text not null,
  description text not null,
  amount_cents integer not null,
  currency text not null,
  return_url text not null check (length(return_url) <= 2082),
  status text not null default 'INITIAL' check (status in ('INITIAL', 'PAYED', 'FAILED', 'CANCELED', 'REFUNDED')),
  kassenzeichen text,
  created_at timestamptz not null default now(),
  decided_at timestamptz,
  primary key (tenant_id, id),
  -- XBezahldienste: the same requestId twice is PAYMENT_EXISTS; the sandbox answers with the
  -- transaction it has, which is what makes a retried start safe.
  unique (tenant_id, request_id)
);

alter table payments enable row level security;
alter table payments force row level security;
alter table payment_events enable row level security;
alter table payment_events force row level security;
alter table payment_sandbox_transactions enable row level security;
alter table payment_sandbox_transactions force row level security;
create policy tenant_rows on payments using (tenant_id = app_tenant_id());
create policy tenant_rows on payment_sandbox_transactions using (tenant_id = app_tenant_id());
create policy tenant_events_read on payment_events for select using (tenant_id = app_tenant_id());
create policy tenant_events_added on payment_events for insert with check (tenant_id = app_tenant_id());
grant select, insert on payments to rathaus_app;
-- Only the state columns change; amount, currency, purpose and return path are fixed at creation.
grant update (status, provider_transaction_id, kassenzeichen, updated_at, paid_at, refunded_at, refund_reason) on payments to rathaus_app;
-- Append-only: no update or delete for the application.
grant select, insert on payment_events to rathaus_app;
grant select, insert on payment_sandbox_transactions to rathaus_app;
grant update (status, kassenzeichen, decided_at) on payment_sandbox_transactions to rathaus_app;
