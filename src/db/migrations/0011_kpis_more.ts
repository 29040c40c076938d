import { sql, type Kysely } from 'kysely'

// Frozen. KPIs and outcomes, second part (issue 8):
// - revenue_monthly / revenue_totals: revenue per account, currency and calendar month, and all
//   time, kept by statement-level triggers on revenue_entries in the same transaction as every
//   insert, update and delete (API, CSV import, demo seed, cascades, plain SQL alike), so the
//   outcome and ROI screens sum a few rows per account instead of every entry
//   (src/domain/outcomes/revenue.ts). `entries` counts the entries behind a row; a row exists
//   exactly when at least one entry does, so a currency whose entries sum to 0 still shows, as
//   it does when summing the entries directly.
// - two partial indexes on opportunities, for the outcomes screen's period and open pipeline;
// - account_history: the tier and owner each account had, from when (valid_from / valid_to),
//   kept by a trigger on accounts like reporting_lines, so a past week's KPIs per tier and per
//   owner use the tier and owner of that week.
const STATEMENTS = [
  `CREATE TABLE revenue_monthly (
    org_id uuid NOT NULL,
    account_id uuid NOT NULL,
    month_start date NOT NULL CHECK (extract(day FROM month_start) = 1),
    currency char(3) NOT NULL,
    amount numeric(20, 2) NOT NULL,
    entries integer NOT NULL CHECK (entries >= 0),
    PRIMARY KEY (org_id, account_id, month_start, currency),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
  )`,
  // "Every account's revenue in months M1..M2": the outcome and ROI screens.
  `CREATE INDEX revenue_monthly_month_idx ON revenue_monthly (org_id, month_start) INCLUDE (account_id, currency, amount, entries)`,
  // All-time totals per account and currency: lifetime value to date is the total less what was
  // booked after the date, a few rows instead of every month since the first.
  `CREATE TABLE revenue_totals (
    org_id uuid NOT NULL,
    account_id uuid NOT NULL,
    currency char(3) NOT NULL,
    amount numeric(20, 2) NOT NULL,
    entries integer NOT NULL CHECK (entries >= 0),
    PRIMARY KEY (org_id, account_id, currency),
    FOREIGN KEY (org_id, account_id) REFERENCES accounts (org_id, id) ON DELETE CASCADE
  )`,
  `INSERT INTO revenue_monthly (org_id, account_id, month_start, currency, amount, entries)
     SELECT org_id, account_id, date_trunc('month', booked_on::timestamp)::date, currency, sum(amount), count(*)
     FROM revenue_entries GROUP BY 1, 2, 3, 4`,
  `INSERT INTO revenue_totals (org_id, account_id, currency, amount, entries)
     SELECT org_id, account_id, currency, sum(amount), count(*) FROM revenue_entries GROUP BY 1, 2, 3`,
  // One function for the three statement triggers: it takes away the old rows' sums, adds the
  // new rows' sums, then drops the rows left with no entry. Keys are added in a fixed order so
  // that concurrent imports lock rows in the same order.
  `CREATE FUNCTION tend_revenue_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP IN ('DELETE', 'UPDATE') THEN
       UPDATE revenue_monthly r SET amount = r.amount - d.amount, entries = r.entries - d.n
         FROM (SELECT org_id, account_id, date_trunc('month', booked_on::timestamp)::date AS month_start, currency, sum(amount) AS amount, count(*)::int AS n
               FROM old_rows GROUP BY 1, 2, 3, 4) d
         WHERE r.org_id = d.org_id AND r.account_id = d.account_id AND r.month_start = d.month_start AND r.currency = d.currency;
       UPDATE revenue_totals r SET amount = r.amount - d.amount, entries = r.entries - d.n
         FROM (SELECT org_id, account_id, currency, sum(amount) AS amount, count(*)::int AS n FROM old_rows GROUP BY 1, 2, 3) d
         WHERE r.org_id = d.org_id AND r.account_id = d.account_id AND r.currency = d.currency;
     END IF;
     IF TG_OP IN ('INSERT', 'UPDATE') THEN
       INSERT INTO revenue_monthly AS r (org_id, account_id, month_start, currency, amount, entries)
         SELECT org_id, account_id, date_trunc('month', booked_on::timestamp)::date, currency, sum(amount), count(*)
         FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
         ON CONFLICT (org_id, account_id, month_start, currency) DO UPDATE SET amount = r.amount + EXCLUDED.amount, entries = r.entries + EXCLUDED.entries;
       INSERT INTO revenue_totals AS r (org_id, account_id, currency, amount, entries)
         SELECT org_id, account_id, currency, sum(amount), count(*)
         FROM new_rows GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
         ON CONFLICT (org_id, account_id, currency) DO UPDATE SET amount = r.amount + EXCLUDED.amount, entries = r.entries + EXCLUDED.entries;
     END IF;
     IF TG_OP IN ('DELETE', 'UPDATE') THEN
       DELETE FROM revenue_monthly r
         USING (SELECT DISTINCT org_id, account_id, date_trunc('month', booked_on::timestamp)::date AS month_start, currency FROM old_rows) d
         WHERE r.org_id = d.org_id AND r.account_id = d.account_id AND r.month_start = d.month_start AND r.currency = d.currency AND r.entries = 0;
       DELETE FROM revenue_totals r
         USING (SELECT DISTINCT org_id, account_id, currency FROM old_rows) d
         WHERE r.org_id = d.org_id AND r.account_id = d.account_id AND r.currency = d.currency AND r.entries = 0;
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
