-- Favorites: one row per (customer, product), with a snapshot of the product taken when the add job stored it
-- (served, marked STALE, when the product API cannot answer). Deleting a customer deletes its favorites.
CREATE TABLE favorites (
  customer_id   uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  product_id    uuid NOT NULL,
  added_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
  title         text NOT NULL,
  brand         text,
  image         text,
  price         numeric,
  review_score  numeric,
  fetched_at    timestamptz NOT NULL,
  PRIMARY KEY (customer_id, product_id)
);

-- Keyset pagination: WHERE customer_id = $1 AND (added_at, product_id) > ($2, $3) ORDER BY added_at, product_id.
CREATE INDEX favorites_keyset ON favorites (customer_id, added_at, product_id);

-- Add requests, durable before the HTTP 202 is sent. A job is pending until the consumer stores the favorite
-- (done) or gives up (failed, with a reason). Deleting a customer deletes its jobs.
CREATE TABLE favorite_jobs (
  id            uuid PRIMARY KEY,
  customer_id   uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
  product_id    uuid NOT NULL,
  status        varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed')),
  reason        varchar(64),
  attempts      integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  -- null until RabbitMQ confirmed a publication of the job; the sweeper publishes jobs left unconfirmed
  published_at  timestamptz,
  -- when a consumer should next see the job (now, or after a retry delay); the sweeper republishes jobs long overdue
  due_at        timestamptz NOT NULL DEFAULT now(),
  -- set when the job was dead-lettered after the last attempt (status failed, reason retries_exhausted)
  dead_at       timestamptz
);

-- At most one pending add per (customer, product): a second add while one is pending returns the same job.
CREATE UNIQUE INDEX favorite_jobs_one_pending ON favorite_jobs (customer_id, product_id) WHERE status = 'pending';
CREATE INDEX favorite_jobs_customer ON favorite_jobs (customer_id);
CREATE INDEX favorite_jobs_due ON favorite_jobs (due_at) WHERE status = 'pending';
CREATE INDEX favorite_jobs_dead ON favorite_jobs (dead_at) WHERE dead_at IS NOT NULL;
CREATE INDEX favorite_jobs_finished ON favorite_jobs (updated_at) WHERE status <> 'pending';
