-- How many favorites each customer has, kept by statement-level triggers on favorites (every path: the add jobs, a
-- removal, the cascade of a customer's deletion, a bulk insert). The cap check of an add and of a job's store reads
-- this one column instead of counting the customer's favorites (a scan of as many heap pages as favorites).
ALTER TABLE customers ADD COLUMN favorites_count integer NOT NULL DEFAULT 0;

UPDATE customers c SET favorites_count = x.n
  FROM (SELECT customer_id, count(*) AS n FROM favorites GROUP BY customer_id) x
 WHERE x.customer_id = c.id;

-- Rows are locked in id order first, so that two transactions counting overlapping customers cannot deadlock.
CREATE FUNCTION favorites_count_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM customers WHERE id IN (SELECT customer_id FROM added) ORDER BY id FOR NO KEY UPDATE;
  UPDATE customers c SET favorites_count = c.favorites_count + d.n
    FROM (SELECT customer_id, count(*) AS n FROM added GROUP BY customer_id) d
   WHERE c.id = d.customer_id;
  RETURN NULL;
END $$;

CREATE FUNCTION favorites_count_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM customers WHERE id IN (SELECT customer_id FROM removed) ORDER BY id FOR NO KEY UPDATE;
  UPDATE customers c SET favorites_count = c.favorites_count - d.n
    FROM (SELECT customer_id, count(*) AS n FROM removed GROUP BY customer_id) d
   WHERE c.id = d.customer_id;
  RETURN NULL;
END $$;

CREATE TRIGGER favorites_count_added AFTER INSERT ON favorites
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION favorites_count_added();
CREATE TRIGGER favorites_count_removed AFTER DELETE ON favorites
  REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION favorites_count_removed();

-- Job rows are updated once without touching an indexed column (published_at, when RabbitMQ confirmed them): room
-- on each page lets PostgreSQL do that as a HOT update, without new index entries.
ALTER TABLE favorite_jobs SET (fillfactor = 80);
