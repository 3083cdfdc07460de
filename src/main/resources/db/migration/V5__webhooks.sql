-- Webhook subscriptions (admin API, /v1/admin/webhooks). The secret signs deliveries (Standard Webhooks); after a
-- rotation the previous one keeps signing too, next to the new one, until previous_secret_until.
CREATE TABLE webhooks (
  id                     uuid PRIMARY KEY,
  url                    text NOT NULL,
  events                 text[] NOT NULL,
  description            text,
  secret                 text NOT NULL,
  previous_secret        text,
  previous_secret_until  timestamptz,
  created_at             timestamptz NOT NULL DEFAULT now(),
  rotated_at             timestamptz
);

-- The outbox: one row per (webhook, event), written in the transaction that stored or removed the favorite. Its id is
-- the webhook-id header of every attempt. seq orders a customer's events; only the oldest pending delivery of each
-- (webhook, customer) may be attempted, so each receiver gets a customer's events in order.
CREATE TABLE webhook_deliveries (
  id               uuid PRIMARY KEY,
  webhook_id       uuid NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  seq              bigserial NOT NULL,
  event_id         uuid NOT NULL,
  event_type       varchar(32) NOT NULL,
  customer_id      uuid NOT NULL,
  product_id       uuid NOT NULL,
  event_at         timestamptz NOT NULL,
  status           varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  -- set while an attempt is in progress (a dispatcher claimed it); an expired lease makes the delivery claimable again
  lease_until      timestamptz,
  last_status      integer,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz,
  failed_at        timestamptz,
  UNIQUE (webhook_id, event_id)
);

-- The dispatcher's scan: the head (lowest seq) of each (webhook, customer) among pending deliveries.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (webhook_id, customer_id, seq) WHERE status = 'pending';
-- The admin listing, newest first, optionally by status.
CREATE INDEX webhook_deliveries_listing ON webhook_deliveries (webhook_id, seq);
-- Retention: finished deliveries by age.
CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE status <> 'pending';
