CREATE TABLE customers (
  id          uuid PRIMARY KEY,
  seq         bigserial NOT NULL UNIQUE,
  name        varchar(200) NOT NULL,
  email       varchar(320) NOT NULL,
  version     integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT customers_email_lower CHECK (email = lower(email))
);

-- The database decides uniqueness (case-insensitive: emails are stored lower-cased and the index is on lower()).
CREATE UNIQUE INDEX customers_email_key ON customers (lower(email));
