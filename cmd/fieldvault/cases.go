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
		Use:  "cases",
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
	cmd.Flags().BoolVar(&f.identified, "identified", false, "")
	cmd.Flags().StringVar(&f.multi, "multi", cases.MultiHTCDS, "")
	if !filters {
		return
	}
	cmd.Flags().StringVar(&f.from, "from", "", "")
	cmd.Flags().StringVar(&f.since, "since", "", "")
	cmd.Flags().StringVar(&f.triage, "triage", "", "")
	cmd.Flags().StringVar(&f.status, "status", "", "")
}

// selection checks the flags and turns them into a record selection.
func (f *caseFlags) selection(v *vault.Vault) (cases.Select, error) {
	var sel cases.Select
	if !slices.Contains([]string{cases.MultiHTCDS, cases.MultiODK, cases.MultiColumns}, f.multi) {
		return sel, usageErr("cases.bad_multi", f.multi)
	}
	if f.since != "" {
		if _, err := time.Parse(time.DateOnly, f.since); err != nil {
			return sel, usageErr("usage.bad_since", f.since)
		}
		sel.Since = f.since
	}
	if f.triage != "" && !slices.Contains(schema.Levels, f.triage) {
		return sel, usageErr("usage.bad_triage", f.triage)
	}
	sel.Triage = f.triage
	if f.status != "" {
		if !vault.Status(f.status).Valid() {
			return sel, usageErr("usage.bad_status", f.status)
		}
		sel.Statuses = []vault.Status{vault.Status(f.status)}
	}
	if f.from != "" && v != nil {
		c, err := v.Contact(f.from)
		if err != nil {
			return sel, withHint(err, "hint.contact_list")
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
		Use:  "export --out FILE",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			if out == "" {
				return usageErr("cases.needs_out")
			}
			if format == "" {
				format = cases.FormatOf(out)
			}
			if !slices.Contains(cases.Formats, format) {
				return usageErr("cases.unknown_format", out)
			}
			if _, err := f.selection(nil); err != nil {
				return err
			}
			if _, err := os.Lstat(out); err == nil {
				return usageErr("usage.file_exists", out)
			}
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				return a.runCasesExport(v, &f, out, format, encryptTo)
			})
		},
	}
	f.register(cmd, true)
	cmd.Flags().StringVar(&out, "out", "", "")
	cmd.Flags().StringVar(&format, "format", "", "")
	cmd.Flags().StringVar(&encryptTo, "encrypt-to", "", "")
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
		fmt.Fprintln(a.err, a.trn("cases.wrote_records_encrypted", n, n, out, encryptTo))
		return nil
	}
	fmt.Fprintln(a.err, a.trn("cases.wrote_records", n, n, out))
	fmt.Fprintln(a.err, a.tr("cases.this_file_plaintext_anyone"))
	return nil
}

// recipientOf reads an age recipient, or the recipient of a contact.
func recipientOf(v *vault.Vault, s string) (age.Recipient, error) {
	if strings.HasPrefix(s, "age1") {
		rs, err := age.ParseRecipients(strings.NewReader(s))
		if err != nil || len(rs) != 1 {
			return nil, usageErr("cases.bad_recipient")
		}
		return rs[0], nil
	}
	c, err := v.Contact(s)
	if err != nil {
		return nil, withHint(usageErr("cases.unknown_recipient", s),
			"hint.contact_list")
	}
	return age.ParseHybridRecipient(c.Recipient)
}

// writeNewFile creates path, which must not exist, readable by its owner
// only, through fill; on any failure nothing is left under that name.
func writeNewFile(path string, fill func(io.Writer) error) error {
	fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return errorf("errors.cannot_write", path, err)
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
