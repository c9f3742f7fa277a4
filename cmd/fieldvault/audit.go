package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/cmd/session"
	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

func newAuditCmd(a *app) *cobra.Command {
	var verify, asJSON bool
	cmd := &cobra.Command{
		Use:  "audit",
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			return a.runAudit(verify, asJSON)
		},
	}
	cmd.Flags().BoolVar(&verify, "verify", false, "")
	cmd.Flags().BoolVar(&asJSON, "json", false, "")
	return cmd
}

func (a *app) runAudit(verify, asJSON bool) error {
	return a.withVault(vault.Options{ReadOnly: true}, func(v *vault.Vault) error {
		if verify {
			n, err := v.VerifyAudit()
			if err != nil {
				return err
			}
			// The chain shows entries altered, removed or added in its
			// middle; a cut tail shows only against an anchor a partner
			// confirmed, the newest of which is checked here.
			confirmed, from, err := newestAnchor(v)
			if err != nil {
				return err
			}
			if confirmed != nil {
				if err := v.CheckAnchor(*confirmed); err != nil {
					return err
				}
			}
			if asJSON {
				out := map[string]any{"intact": true, "entries": n}
				if confirmed != nil {
					out["confirmed_entry"], out["confirmed_by"] = confirmed.Seq, from
				}
				return json.NewEncoder(a.out).Encode(out)
			}
			fmt.Fprintln(a.out, a.trn("audit.intact", n, n))
			if confirmed != nil {
				fmt.Fprintln(a.out, a.trf("audit.entry_matches_what_confirmed", confirmed.Seq, from))
			} else {
				fmt.Fprintln(a.out, a.tr("audit.no_partner_has_confirmed"))
			}
			return nil
		}
		log, err := v.AuditLog()
		if err != nil {
			return err
		}
		if asJSON {
			enc := json.NewEncoder(a.out)
			enc.SetIndent("", "  ")
			return enc.Encode(log)
		}
		tw := tabwriter.NewWriter(a.out, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, a.tr("audit.header"))
		for _, e := range log {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", e.Seq, e.Time.Local().Format(time.DateTime), e.Worker, a.auditText(e.Action), session.Dash(e.Subject))
		}
		return tw.Flush()
	})
}

// newestAnchor is the newest audit anchor a partner sent back in a receipt,
// and the partner's name.
func newestAnchor(v *vault.Vault) (*vault.AuditAnchor, string, error) {
	imports, err := v.Imports()
	if err != nil {
		return nil, "", err
	}
	var best *vault.AuditAnchor
	var contact string
	for _, im := range imports {
		if im.Kind == sync.KindReceipt && im.Anchor != nil && (best == nil || im.Anchor.Seq > best.Seq) {
			best, contact = im.Anchor, im.Contact
		}
	}
	if best == nil {
		return nil, "", nil
	}
	name := contact
	if cs, err := v.Contacts(); err == nil {
		for _, c := range cs {
			if c.ID == contact {
				name = c.Name
			}
		}
	}
	return best, name, nil
}
