import { sql, type Kysely } from 'kysely'

// Frozen. Captured e-mail: the header facts of every imported message (never its body), for
// every message whoever took part, so suggestions and responsiveness see unknown people too.
// A message is stored once: the same Message-ID or the same content (date, sender, recipients,
// subject: the same message filed in several folders under other Message-IDs) is a duplicate.
// Addresses are folded (lower case, plus-addressing removed) before they are stored.
const STATEMENTS = [
  `CREATE TABLE email_messages (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    message_id text CHECK (length(message_id) <= 500),
    content_hash text NOT NULL,
    sent_at timestamptz(3) NOT NULL,
    from_address text NOT NULL,
    from_name text,
    to_addresses text[] NOT NULL DEFAULT '{}',
    cc_addresses text[] NOT NULL DEFAULT '{}',
    subject text,
    subject_key text,
    thread_key text NOT NULL,
    in_reply_to text,
    reference_ids text[] NOT NULL DEFAULT '{}',
    is_reply boolean NOT NULL DEFAULT false,
    experience_id uuid,
    imported_at timestamptz(3) NOT NULL DEFAULT now(),
    UNIQUE (org_id, id),
    UNIQUE (org_id, content_hash),
    FOREIGN KEY (org_id, experience_id) REFERENCES experiences (org_id, id) ON DELETE SET NULL (experience_id)
  )`,
  `CREATE UNIQUE INDEX email_messages_message_id_key ON email_messages (org_id, message_id) WHERE message_id IS NOT NULL`,
  `CREATE INDEX email_messages_thread_idx ON email_messages (org_id, thread_key, sent_at)`,
  `CREATE INDEX email_messages_subject_idx ON email_messages (org_id, subject_key, sent_at)`,
  `CREATE INDEX email_messages_in_reply_to_idx ON email_messages (org_id, in_reply_to) WHERE in_reply_to IS NOT NULL`,
  `CREATE INDEX email_messages_experience_idx ON email_messages (org_id, experience_id) WHERE experience_id IS NOT NULL`,
]

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of STATEMENTS) await sql.raw(statement).execute(db)
}
