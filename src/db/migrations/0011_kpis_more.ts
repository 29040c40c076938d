import { sql, type Kysely } from 'kysely'

// Frozen. KPIs and outcomes, second part (issue 8):
// - revenue_monthly / revenue_totals: revenue per account, currency and calendar month (with
//   running sums) and all time, kept by statement-level triggers on revenue_entries in the same
//   transaction as every insert, update and delete (API, CSV import, demo seed, cascades, plain
//   SQL alike), so the outcome and ROI screens read one row per account and period edge instead
//   of every entry (src/domain/outcomes/revenue.ts). Entry counts are kept next to the sums, so
//   "nothing booked" and "booked, summing to 0" stay apart as when summing the entries.
// - two partial indexes on opportunities, for the outcomes screen's period and open pipeline;
// - account_history: the tier and owner each account had, from when (valid_from / valid_to),
//   kept by a trigger on accounts like reporting_lines, so a past week's KPIs per tier and per
//   owner use the tier and owner of that week.
const STATEMENTS = [
  // One row per account, currency and calendar month from the first month with revenue to the
  // last (months in between with none have a row of zeros), with the month's own sums and the
  // running sums through it: revenue before any date is one row per account.
  `CREATE TABLE revenue_monthly (
    org_id uuid NOT NULL,
    account_id uuid NOT NULL,
    currency char(3) NOT NULL,
    month_start date NOT NULL CHECK (extract(day FROM month_start) = 1),
    amount numeric(20, 2) NOT NULL,
    entries integer NOT NULL CHECK (entries >= 0),
    cum_amount numeric(20, 2) NOT NULL,
    cum_entries integer NOT NULL CHECK (cum_entries >= 0),
    PRIMARY KEY (org_id, account_id, currency, month_start),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
  )`,
  // "Every account's running sums at the end of month M": the outcome and ROI screens.
  `CREATE INDEX revenue_monthly_month_idx ON revenue_monthly (org_id, month_start) INCLUDE (account_id, currency, cum_amount, cum_entries)`,
  // All time per account and currency, and the months revenue_monthly covers.
  `CREATE TABLE revenue_totals (
    org_id uuid NOT NULL,
    account_id uuid NOT NULL,
    currency char(3) NOT NULL,
    amount numeric(20, 2) NOT NULL DEFAULT 0,
    entries integer NOT NULL DEFAULT 0 CHECK (entries >= 0),
    first_month date,
    last_month date,
    PRIMARY KEY (org_id, account_id, currency),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE,
    CHECK (entries = 0 OR (first_month IS NOT NULL AND last_month >= first_month))
  )`,
  `INSERT INTO revenue_totals (org_id, account_id, currency, amount, entries, first_month, last_month)
     SELECT org_id, account_id, currency, sum(amount), count(*), min(date_trunc('month', booked_on::timestamp)::date), max(date_trunc('month', booked_on::timestamp)::date)
     FROM revenue_entries GROUP BY 1, 2, 3`,
  `INSERT INTO revenue_monthly (org_id, account_id, currency, month_start, amount, entries, cum_amount, cum_entries)
     SELECT t.org_id, t.account_id, t.currency, g.m::date, coalesce(s.amount, 0), coalesce(s.n, 0),
            sum(coalesce(s.amount, 0)) OVER w, sum(coalesce(s.n, 0)) OVER w
     FROM revenue_totals t
     CROSS JOIN LATERAL generate_series(t.first_month::timestamp, t.last_month::timestamp, interval '1 month') g(m)
     LEFT JOIN (SELECT org_id, account_id, currency, date_trunc('month', booked_on::timestamp)::date AS m, sum(amount) AS amount, count(*)::int AS n
                FROM revenue_entries GROUP BY 1, 2, 3, 4) s
       ON s.org_id = t.org_id AND s.account_id = t.account_id AND s.currency = t.currency AND s.m = g.m::date
     WINDOW w AS (PARTITION BY t.org_id, t.account_id, t.currency ORDER BY g.m)`,
  // Apply changes (per account, currency and month: amount and entry count, negative for
  // removed entries) to the rollup. The totals rows of the accounts involved are locked first,
  // in a fixed order, so concurrent writers to one account take turns and every step below
  // reads the months covered as they are.
  `CREATE FUNCTION tend_revenue_apply(p_org uuid[], p_account uuid[], p_currency text[], p_month date[], p_amount numeric[], p_n integer[])
   RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO revenue_totals (org_id, account_id, currency)
       SELECT DISTINCT o, a, c::char(3) FROM unnest(p_org, p_account, p_currency, p_n) d(o, a, c, n) WHERE n > 0 ORDER BY 1, 2, 3
       ON CONFLICT DO NOTHING;
     PERFORM 1 FROM revenue_totals t
       WHERE (t.org_id, t.account_id, t.currency) IN (SELECT o, a, c::char(3) FROM unnest(p_org, p_account, p_currency) d(o, a, c))
       ORDER BY t.org_id, t.account_id, t.currency FOR UPDATE;
     -- Months not covered yet: all of them for a new account and currency, else those before the
     -- first or after the last, starting with the running sums as they stand there.
     INSERT INTO revenue_monthly (org_id, account_id, currency, month_start, amount, entries, cum_amount, cum_entries)
       SELECT t.org_id, t.account_id, t.currency, g.m::date, 0, 0,
              CASE WHEN t.first_month IS NULL OR g.m < t.first_month THEN 0 ELSE t.amount END,
              CASE WHEN t.first_month IS NULL OR g.m < t.first_month THEN 0 ELSE t.entries END
       FROM (SELECT o, a, c::char(3) AS c, min(m) AS lo, max(m) AS hi FROM unnest(p_org, p_account, p_currency, p_month) d(o, a, c, m) GROUP BY 1, 2, 3) k
       JOIN revenue_totals t ON t.org_id = k.o AND t.account_id = k.a AND t.currency = k.c
       CROSS JOIN LATERAL (
         SELECT generate_series(k.lo::timestamp, k.hi::timestamp, interval '1 month') WHERE t.first_month IS NULL
         UNION ALL SELECT generate_series(k.lo::timestamp, t.first_month::timestamp - interval '1 month', interval '1 month') WHERE k.lo < t.first_month
         UNION ALL SELECT generate_series(t.last_month::timestamp + interval '1 month', k.hi::timestamp, interval '1 month') WHERE k.hi > t.last_month
       ) g(m);
     -- Each month's own sums; the running sums of that month and every later one.
     UPDATE revenue_monthly r
       SET amount = r.amount + x.a, entries = r.entries + x.n, cum_amount = r.cum_amount + x.ca, cum_entries = r.cum_entries + x.cn
       FROM (SELECT r2.org_id, r2.account_id, r2.currency, r2.month_start,
                    coalesce(sum(d.a) FILTER (WHERE d.m = r2.month_start), 0) AS a, coalesce(sum(d.n) FILTER (WHERE d.m = r2.month_start), 0) AS n,
                    sum(d.a) AS ca, sum(d.n) AS cn
             FROM unnest(p_org, p_account, p_currency, p_month, p_amount, p_n) d(o, acc, c, m, a, n)
             JOIN revenue_monthly r2 ON r2.org_id = d.o AND r2.account_id = d.acc AND r2.currency = d.c::char(3) AND r2.month_start >= d.m
             GROUP BY 1, 2, 3, 4) x
       WHERE r.org_id = x.org_id AND r.account_id = x.account_id AND r.currency = x.currency AND r.month_start = x.month_start;
     UPDATE revenue_totals t
       SET amount = t.amount + k.a, entries = t.entries + k.n, first_month = least(t.first_month, k.lo), last_month = greatest(t.last_month, k.hi)
       FROM (SELECT o, acc, c::char(3) AS c, sum(a) AS a, sum(n) AS n, min(m) AS lo, max(m) AS hi
             FROM unnest(p_org, p_account, p_currency, p_month, p_amount, p_n) d(o, acc, c, m, a, n) GROUP BY 1, 2, 3) k
       WHERE t.org_id = k.o AND t.account_id = k.acc AND t.currency = k.c;
     -- An account and currency with no entry left has no rollup rows.
     DELETE FROM revenue_monthly r USING revenue_totals t
       WHERE t.entries = 0 AND r.org_id = t.org_id AND r.account_id = t.account_id AND r.currency = t.currency
         AND (t.org_id, t.account_id, t.currency) IN (SELECT o, a, c::char(3) FROM unnest(p_org, p_account, p_currency) d(o, a, c));
     DELETE FROM revenue_totals t
       WHERE t.entries = 0 AND (t.org_id, t.account_id, t.currency) IN (SELECT o, a, c::char(3) FROM unnest(p_org, p_account, p_currency) d(o, a, c));
   END $$`,
  // The statement triggers sum each statement's old and new rows per account, currency and month.
  `CREATE FUNCTION tend_revenue_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE
     orgs uuid[]; accounts uuid[]; currencies text[]; months date[]; amounts numeric[]; ns integer[];
   BEGIN
     IF TG_OP = 'INSERT' THEN
       SELECT array_agg(org_id), array_agg(account_id), array_agg(currency), array_agg(m), array_agg(a), array_agg(n)
         INTO orgs, accounts, currencies, months, amounts, ns
         FROM (SELECT org_id, account_id, currency::text, date_trunc('month', booked_on::timestamp)::date AS m, sum(amount) AS a, count(*)::int AS n
               FROM new_rows GROUP BY 1, 2, 3, 4) d;
     ELSIF TG_OP = 'DELETE' THEN
       SELECT array_agg(org_id), array_agg(account_id), array_agg(currency), array_agg(m), array_agg(a), array_agg(n)
         INTO orgs, accounts, currencies, months, amounts, ns
         FROM (SELECT org_id, account_id, currency::text, date_trunc('month', booked_on::timestamp)::date AS m, -sum(amount) AS a, -count(*)::int AS n
               FROM old_rows GROUP BY 1, 2, 3, 4) d;
     ELSE
       SELECT array_agg(org_id), array_agg(account_id), array_agg(currency), array_agg(m), array_agg(a), array_agg(n)
         INTO orgs, accounts, currencies, months, amounts, ns
         FROM (SELECT org_id, account_id, currency, m, sum(a) AS a, sum(n)::int AS n
               FROM (SELECT org_id, account_id, currency::text, date_trunc('month', booked_on::timestamp)::date AS m, amount AS a, 1 AS n FROM new_rows
                     UNION ALL
                     SELECT org_id, account_id, currency::text, date_trunc('month', booked_on::timestamp)::date, -amount, -1 FROM old_rows) u
               GROUP BY 1, 2, 3, 4 HAVING sum(a) <> 0 OR sum(n) <> 0) d;
     END IF;
     IF orgs IS NOT NULL THEN
       PERFORM tend_revenue_apply(orgs, accounts, currencies, months, amounts, ns);
     END IF;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER revenue_entries_rollup_insert AFTER INSERT ON revenue_entries
     REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tend_revenue_rollup()`,
  `CREATE TRIGGER revenue_entries_rollup_update AFTER UPDATE ON revenue_entries
     REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tend_revenue_rollup()`,
  `CREATE TRIGGER revenue_entries_rollup_delete AFTER DELETE ON revenue_entries
     REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tend_revenue_rollup()`,
  // TRUNCATE fires no row or transition-table trigger: empty the rollup with it.
  `CREATE FUNCTION tend_revenue_rollup_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     TRUNCATE revenue_monthly, revenue_totals;
     RETURN NULL;
   END $$`,
  `CREATE TRIGGER revenue_entries_rollup_truncate AFTER TRUNCATE ON revenue_entries
     FOR EACH STATEMENT EXECUTE FUNCTION tend_revenue_rollup_truncate()`,

  // The outcomes screen reads the opportunities opened or closed in its period and the open
  // ones, not every opportunity ever recorded.
  `CREATE INDEX opportunities_closed_idx ON opportunities (org_id, closed_on) WHERE closed_on IS NOT NULL`,
  `CREATE INDEX opportunities_open_idx ON opportunities (org_id, opened_on) WHERE status = 'open'`,

  `CREATE TABLE account_history (
    org_id uuid NOT NULL,
    account_id uuid NOT NULL,
    tier text NOT NULL,
    owner_id uuid,
    valid_from timestamptz(3) NOT NULL,
    valid_to timestamptz(3),
    PRIMARY KEY (org_id, account_id, valid_from),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, owner_id) REFERENCES users (org_id, id),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
  )`,
  // Every account's current tier and owner, from when it was created: history starts here.
  `INSERT INTO account_history (org_id, account_id, tier, owner_id, valid_from)
     SELECT org_id, id, tier, owner_id, created_at FROM accounts`,
  `CREATE FUNCTION tend_record_account_history() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'INSERT' THEN
       INSERT INTO account_history (org_id, account_id, tier, owner_id, valid_from) VALUES (NEW.org_id, NEW.id, NEW.tier, NEW.owner_id, NEW.created_at);
     ELSIF NEW.tier IS DISTINCT FROM OLD.tier OR NEW.owner_id IS DISTINCT FROM OLD.owner_id THEN
       UPDATE account_history SET valid_to = clock_timestamp()
         WHERE org_id = NEW.org_id AND account_id = NEW.id AND valid_to IS NULL;
       INSERT INTO account_history (org_id, account_id, tier, owner_id, valid_from) VALUES (NEW.org_id, NEW.id, NEW.tier, NEW.owner_id, clock_timestamp())
         ON CONFLICT (org_id, account_id, valid_from) DO UPDATE SET tier = EXCLUDED.tier, owner_id = EXCLUDED.owner_id, valid_to = NULL;
     END IF;
     RETURN NEW;
   END $$`,
  `CREATE TRIGGER accounts_history AFTER INSERT OR UPDATE OF tier, owner_id ON accounts
     FOR EACH ROW EXECUTE FUNCTION tend_record_account_history()`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db)
}
