package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/intake/cases"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

func newCasesCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cases",
		Short: "Case tables for a partner's case team: spreadsheets and PostgreSQL",
		Long: `Case tables: one row per record, columns named by the Human Trafficking
Case Data Standard (HTCDS 2.0) where a question maps to it. Pseudonymous by
default: answers that could pick a person out (names, phone numbers, exact
places and dates, anything in their own words) are left out unless
--identified is given, which the audit log records.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCasesExportCmd(a), newCasesPushCmd(a))
	return cmd
}

// caseFlags are the choices export and push share.
type caseFlags struct {
	identified bool
	multi      string
	from       string
	since      string
	triage     string
	status     string
}

func (f *caseFlags) register(cmd *cobra.Command, filters bool) {
	cmd.Flags().BoolVar(&f.identified, "identified", false, "include answers that identify a person (written to the audit log)")
	cmd.Flags().StringVar(&f.multi, "multi", cases.MultiHTCDS, "how a multiple choice is written: `htcds` (codes joined by ;), odk (by spaces) or columns (one 0/1 column per code)")
	if !filters {
		return
	}
	cmd.Flags().StringVar(&f.from, "from", "", "only records received from this contact (`NAME`)")
	cmd.Flags().StringVar(&f.since, "since", "", "only records created on or after this `DATE` (YYYY-MM-DD)")
	cmd.Flags().StringVar(&f.triage, "triage", "", "only records of this triage `level`: immediate, today or soon")
	cmd.Flags().StringVar(&f.status, "status", "", "only records with this `status`: complete, declined, delivered or draft (default: all but drafts)")
}

// selection checks the flags and turns them into a record selection.
func (f *caseFlags) selection(v *vault.Vault) (cases.Select, error) {
	var sel cases.Select
	if !slices.Contains([]string{cases.MultiHTCDS, cases.MultiODK, cases.MultiColumns}, f.multi) {
		return sel, usageErr("--multi must be htcds, odk or columns, not %q", f.multi)
	}
	if f.since != "" {
		if _, err := time.Parse(time.DateOnly, f.since); err != nil {
			return sel, usageErr("--since must be a date like 2026-01-31, not %q", f.since)
		}
		sel.Since = f.since
	}
	if f.triage != "" && !slices.Contains(schema.Levels, f.triage) {
		return sel, usageErr("--triage must be immediate, today or soon, not %q", f.triage)
	}
	sel.Triage = f.triage
	if f.status != "" {
		if !vault.Status(f.status).Valid() {
			return sel, usageErr("--status must be draft, complete, declined or delivered, not %q", f.status)
		}
		sel.Statuses = []vault.Status{vault.Status(f.status)}
	}
	if f.from != "" && v != nil {
		c, err := v.Contact(f.from)
		if err != nil {
			return sel, withHint(err, "'fieldvault contact list' shows the contacts")
		}
		sel.Source = c.ID
	}
	return sel, nil
}

// caseMeta says, for each record, the name of the vault it came from and
// how many partners confirmed it, as list does.
func (a *app) caseMeta(v *vault.Vault) (func(vault.Summary) cases.Meta, error) {
	names := map[string]string{}
	cs, err := v.Contacts()
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		names[c.ID] = c.Name
	}
	book, err := sync.NewDeliveryBook(v)
	if err != nil {
		return nil, err
	}
	return func(s vault.Summary) cases.Meta {
		m := cases.Meta{Source: names[s.Source]}
		if s.Source != "" && m.Source == "" {
			m.Source = s.Source // a contact since removed: its ID
		}
		if s.Source == "" && (s.Status == vault.StatusComplete || s.Status == vault.StatusDelivered) {
			if ds := book.Of(s.ID, s.Version, s.Share); len(ds) > 0 {
				m.Delivery = confirmedCount(ds)
			}
		}
		return m
	}, nil
}

func newCasesExportCmd(a *app) *cobra.Command {
	var f caseFlags
	var out, format, encryptTo string
	cmd := &cobra.Command{
		Use:   "export --out FILE",
		Short: "Write the case table to a CSV, XLSX or JSON Lines file",
		Long: `Write the case table to FILE: one row per record, with its ID, version,
source vault, interview date, triage, delivery and case status, then its
answers. The format follows the file's extension (.csv, .xlsx, .jsonl) or
--format. An XLSX file has field names in row 1, labels in the interface
language in row 2, and a dictionary sheet (name, labels, type, codes).

The file is plaintext: anyone who has it can read it. --encrypt-to writes it
encrypted to an age recipient (age1..., or a contact's name) instead, to be
opened with 'age -d'. Drafts are left out unless --status draft.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if out == "" {
				return usageErr("cases export needs --out FILE")
			}
			if format == "" {
				format = cases.FormatOf(out)
			}
			if !slices.Contains(cases.Formats, format) {
				return usageErr("cannot tell the format of %q: name a .csv, .xlsx or .jsonl file, or give --format csv, xlsx or jsonl", out)
			}
			if _, err := f.selection(nil); err != nil {
				return err
			}
			if _, err := os.Lstat(out); err == nil {
				return usageErr("%s already exists; choose another name or remove it first", out)
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				return a.runCasesExport(v, &f, out, format, encryptTo)
			})
		},
	}
	f.register(cmd, true)
	cmd.Flags().StringVar(&out, "out", "", "the `FILE` to write; it must not exist")
	cmd.Flags().StringVar(&format, "format", "", "csv, xlsx or jsonl (default: from the file's extension)")
	cmd.Flags().StringVar(&encryptTo, "encrypt-to", "", "encrypt the file to this age `RECIPIENT` (age1... or a contact's name)")
	return cmd
}

func (a *app) runCasesExport(v *vault.Vault, f *caseFlags, out, format, encryptTo string) error {
	sel, err := f.selection(v)
	if err != nil {
		return err
	}
	var rcpt age.Recipient
	if encryptTo != "" {
		if rcpt, err = recipientOf(v, encryptTo); err != nil {
			return err
		}
	}
	meta, err := a.caseMeta(v)
	if err != nil {
		return err
	}
	var n int
	err = writeNewFile(out, func(file io.Writer) error {
		w := file
		var sealed io.WriteCloser
		if rcpt != nil {
			if sealed, err = age.Encrypt(file, rcpt); err != nil {
				return err
			}
			w = sealed
		}
		tw, err := cases.NewWriter(format, w, a.lang())
		if err != nil {
			return err
		}
		n, err = cases.Scan(v, sel, cases.Options{Identified: f.identified, Multi: f.multi}, meta, tw.Begin, tw.Encode, tw.Write)
		if err != nil {
			return err
		}
		if err := tw.Close(); err != nil {
			return err
		}
		if sealed != nil {
			return sealed.Close()
		}
		return nil
	})
	if err != nil {
		return err
	}
	kind := "pseudonymous"
	if f.identified {
		kind = "identified"
	}
	if err := v.LogAction(fmt.Sprintf("cases exported: %d records, %s, %s", n, kind, format)); err != nil {
		return err
	}
	fmt.Fprintln(a.out, out)
	if rcpt != nil {
		fmt.Fprintln(a.err, a.trf("Wrote %d records to %s, encrypted to %s.", n, out, encryptTo))
		return nil
	}
	fmt.Fprintln(a.err, a.trf("Wrote %d records to %s.", n, out))
	fmt.Fprintln(a.err, a.tr("This file is plaintext: anyone who has it can read it. Keep it on an encrypted disk and delete it when done, or export with --encrypt-to."))
	return nil
}

// recipientOf reads an age recipient, or the recipient of a contact.
func recipientOf(v *vault.Vault, s string) (age.Recipient, error) {
	if strings.HasPrefix(s, "age1") {
		rs, err := age.ParseRecipients(strings.NewReader(s))
		if err != nil || len(rs) != 1 {
			return nil, usageErr("--encrypt-to is not an age recipient: check it was copied whole")
		}
		return rs[0], nil
	}
	c, err := v.Contact(s)
	if err != nil {
		return nil, withHint(usageErr("--encrypt-to must be an age recipient (age1...) or a contact's name, not %q", s),
			"'fieldvault contact list' shows the contacts")
	}
	return age.ParseHybridRecipient(c.Recipient)
}

// writeNewFile creates path, which must not exist, readable by its owner
// only, through fill; on any failure nothing is left under that name.
func writeNewFile(path string, fill func(io.Writer) error) error {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", path, err)
	}
	err = fill(fh)
	if err == nil {
		err = fh.Sync()
	}
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
