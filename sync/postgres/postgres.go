// Package postgres loads a vault's case rows into PostgreSQL, the database
// a coalition's data team already runs, so that many partner offices can
// keep one shared case table: schema fieldvault, table cases, one row per
// record. A push is one transaction: it happens entirely or not at all.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Row is one record as the cases table holds it.
type Row struct {
	ID            string
	Version       int
	Status        string
	Source        string // the vault the record came from; empty for the pushing vault's own
	Delivery      string
	Questionnaire string
	Created       time.Time
	Triage        string
	CaseStatus    string
	// Data is the whole row as a JSON object keyed by column name, as
	// 'cases export' writes JSON Lines.
	Data []byte
}

// Key is what decides whether a row already in the table is current: if
// the record's version, status, delivery, source and the kind of push
// (identified or not) are unchanged, its answers are too.
type Key struct {
	Version    int
	Status     string
	Delivery   string
	Source     string
	Identified bool
}

// Push is one push from one vault.
type Push struct {
	conn *pgx.Conn
	tx   pgx.Tx
	// Office is the pushing vault's fingerprint; rows it pushed and no
	// longer holds are deleted.
	office     string
	identified bool
}

// Error is a failure said in one sentence, with what to do about it. Key
// names the sentence and the advice (Hints) so that a user interface can
// say them in its own language, with Args; Msg and Hint are English.
type Error struct {
	Key  string
	Args []any
	Msg  string
	Hint string
	Err  error
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// Messages and Hints are every sentence and piece of advice a push says,
// in English, by key. PostgreSQL's own words (its message) are an argument
// and stay as the server said them.
var (
	Messages = map[string]string{
		"auth":        "PostgreSQL refused the user name or password",
		"no_database": "the database does not exist: %s",
		"no_create":   "PostgreSQL refused: %s",
		"not_owner":   "PostgreSQL refused: %s",
		"failed":      "PostgreSQL could not %s: %s",
		"unreachable": "cannot reach the PostgreSQL server",
		"settings":    "the PostgreSQL settings cannot be read: %s",
	}
	Hints = map[string]string{
		"auth":        "check PGUSER and PGPASSWORD, or ~/.pgpass",
		"no_database": "check PGDATABASE, or ask the database's owner to create it",
		"no_create":   "this role may not create the schema fieldvault; ask the database's owner to create it for this role, or to grant CREATE on the database",
		"not_owner":   "the schema fieldvault or its table belongs to another role; ask its owner to grant this role use of it, or push as that role",
		"unreachable": "is it running? The server is found with PGHOST and PGPORT",
		"settings":    "check the PG environment variables",
	}
	// Steps are what a push was doing when it failed, for "failed".
	Steps = map[string]string{
		"connect":      "connect",
		"begin":        "begin",
		"create_table": "create the table fieldvault.cases",
		"read_table":   "read the table",
		"create_stage": "create the staging table",
		"copy":         "copy the rows",
		"merge":        "merge the rows",
		"delete":       "delete withdrawn records",
		"commit":       "commit",
	}
)

// fail is the error key says, about err. For "failed", the first of args
// is a key of Steps.
func fail(key string, err error, args ...any) *Error {
	english := args
	if key == "failed" {
		english = append([]any{Steps[args[0].(string)]}, args[1:]...)
	}
	return &Error{Key: key, Args: args, Msg: fmt.Sprintf(Messages[key], english...), Hint: Hints[key], Err: err}
}

// explain turns what PostgreSQL or the network reports into one sentence;
// step is a key of Steps.
func explain(err error, step string) error {
	var pe *pgconn.PgError
	var ne net.Error
	var ce *pgconn.ConnectError
	switch {
	case errors.As(err, &pe) && (pe.Code == "28P01" || pe.Code == "28000"):
		return fail("auth", err)
	case errors.As(err, &pe) && pe.Code == "3D000":
		return fail("no_database", err, pe.Message)
	case errors.As(err, &pe) && pe.Code == "42501" && strings.Contains(pe.Message, "database"):
		return fail("no_create", err, pe.Message)
	case errors.As(err, &pe) && pe.Code == "42501":
		return fail("not_owner", err, pe.Message)
	case errors.As(err, &pe):
		return fail("failed", err, step, pe.Message)
	case errors.As(err, &ce), errors.As(err, &ne):
		return fail("unreachable", err)
	}
	return fail("failed", err, step, err.Error())
}

// The schema and table are made only when missing: CREATE SCHEMA IF NOT
// EXISTS asks for the right to create schemas even when it exists, and only
// a table's owner may comment on it.
const createTable = `DO $$ BEGIN
IF NOT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'fieldvault') THEN
	CREATE SCHEMA fieldvault;
END IF;
IF to_regclass('fieldvault.cases') IS NULL THEN
	CREATE TABLE fieldvault.cases (
		record_id     uuid PRIMARY KEY,
		version       integer NOT NULL,
		status        text NOT NULL,
		source        text NOT NULL DEFAULT '',
		delivery      text NOT NULL DEFAULT '',
		questionnaire text NOT NULL,
		created       date NOT NULL,
		triage        text,
		case_status   text,
		identified    boolean NOT NULL,
		office        text NOT NULL,
		data          jsonb NOT NULL,
		pushed_at     timestamptz NOT NULL DEFAULT now()
	);
	COMMENT ON TABLE fieldvault.cases IS 'Case rows pushed by fieldvault: one per record; data holds its columns, named by HTCDS 2.0 where mapped.';
END IF;
END $$`

// Begin connects with the usual libpq settings (PGHOST, PGPORT, PGUSER,
// PGDATABASE, PGPASSWORD or ~/.pgpass, PGSSLMODE...), opens the
// transaction and makes the table if it is missing.
func Begin(ctx context.Context, office string, identified bool) (*Push, error) {
	cfg, err := pgx.ParseConfig("")
	if err != nil {
		return nil, fail("settings", err, err.Error())
	}
	cfg.ConnectTimeout = 10 * time.Second
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, explain(err, "connect")
	}
	p := &Push{conn: conn, office: office, identified: identified}
	if p.tx, err = conn.Begin(ctx); err != nil {
		conn.Close(ctx)
		return nil, explain(err, "begin")
	}
	if _, err := p.tx.Exec(ctx, createTable); err != nil {
		p.Abort(ctx)
		return nil, explain(err, "create_table")
	}
	return p, nil
}

// Current returns the key of every row in the table, by record ID, so that
// unchanged records need not be read from the vault at all.
func (p *Push) Current(ctx context.Context) (map[string]Key, error) {
	rows, err := p.tx.Query(ctx, `SELECT record_id::text, version, status, delivery, source, identified FROM fieldvault.cases`)
	if err != nil {
		return nil, explain(err, "read_table")
	}
	out := map[string]Key{}
	for rows.Next() {
		var id string
		var k Key
		if err := rows.Scan(&id, &k.Version, &k.Status, &k.Delivery, &k.Source, &k.Identified); err != nil {
			rows.Close()
			return nil, explain(err, "read_table")
		}
		out[id] = k
	}
	if err := rows.Err(); err != nil {
		return nil, explain(err, "read_table")
	}
	return out, nil
}

// Load copies rows into a staging table and merges them into the cases
// table: a new record is added, a newer version (or a changed status,
// delivery or kind of push) replaces the row, an older version never
// does. next gives the rows one by one and false at the end.
func (p *Push) Load(ctx context.Context, next func() (Row, bool, error)) (int64, error) {
	if _, err := p.tx.Exec(ctx, `CREATE TEMP TABLE fieldvault_stage (LIKE fieldvault.cases INCLUDING DEFAULTS) ON COMMIT DROP`); err != nil {
		return 0, explain(err, "create_stage")
	}
	cols := []string{"record_id", "version", "status", "source", "delivery", "questionnaire", "created", "triage", "case_status", "identified", "office", "data"}
	var loadErr error
	_, err := p.tx.CopyFrom(ctx, pgx.Identifier{"fieldvault_stage"}, cols, pgx.CopyFromFunc(func() ([]any, error) {
		r, ok, err := next()
		if err != nil {
			loadErr = err
			return nil, err
		}
		if !ok {
			return nil, nil
		}
		return []any{r.ID, r.Version, r.Status, r.Source, r.Delivery, r.Questionnaire, r.Created,
			nullIfEmpty(r.Triage), nullIfEmpty(r.CaseStatus), p.identified, p.office, string(r.Data)}, nil
	}))
	if loadErr != nil {
		return 0, loadErr
	}
	if err != nil {
		return 0, explain(err, "copy")
	}
	tag, err := p.tx.Exec(ctx, `
INSERT INTO fieldvault.cases AS c (record_id, version, status, source, delivery, questionnaire, created, triage, case_status, identified, office, data)
SELECT record_id, version, status, source, delivery, questionnaire, created, triage, case_status, identified, office, data FROM fieldvault_stage
ON CONFLICT (record_id) DO UPDATE SET
	version = excluded.version, status = excluded.status, source = excluded.source, delivery = excluded.delivery,
	questionnaire = excluded.questionnaire, created = excluded.created, triage = excluded.triage,
	case_status = excluded.case_status, identified = excluded.identified, office = excluded.office,
	data = excluded.data, pushed_at = now()
WHERE c.version <= excluded.version`)
	if err != nil {
		return 0, explain(err, "merge")
	}
	return tag.RowsAffected(), nil
}

// Prune deletes the rows this vault pushed earlier for records it no longer
// holds (consent withdrawn, purged), so the shared table forgets them too.
func (p *Push) Prune(ctx context.Context, keep []string) (int64, error) {
	tag, err := p.tx.Exec(ctx, `DELETE FROM fieldvault.cases WHERE office = $1 AND NOT (record_id::text = ANY($2))`, p.office, keep)
	if err != nil {
		return 0, explain(err, "delete")
	}
	return tag.RowsAffected(), nil
}

// Commit ends the push; nothing is visible to others before it.
func (p *Push) Commit(ctx context.Context) error {
	defer p.conn.Close(ctx)
	if err := p.tx.Commit(ctx); err != nil {
		return explain(err, "commit")
	}
	return nil
}

// Abort rolls the push back.
func (p *Push) Abort(ctx context.Context) {
	p.tx.Rollback(ctx)
	p.conn.Close(ctx)
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
