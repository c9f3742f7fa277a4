package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/sync"
	"github.com/fieldvault/fieldvault/vault"
)

func newImportCmd(a *app) *cobra.Command {
	var receiptOut string
	cmd := &cobra.Command{
		Use:  "import FILE",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.withVault(vault.Options{}, func(v *vault.Vault) error {
				dir := receiptOut
				if dir == "" {
					dir = sync.ReceiptDir(args[0])
				}
				res, err := sync.Import(v, args[0], dir)
				if err != nil {
					return err
				}
				if res.Seen {
					fmt.Fprintln(a.err, a.tr("session.this_from_was_imported", a.tr("kind."+res.Kind), res.Sender.Name))
					return nil
				}
				if res.Kind == sync.KindReceipt {
					fmt.Fprintln(a.err, a.tr("import.receipt_from", res.Sender.Name,
						a.trn("import.records_delivered", res.Delivered, res.Delivered), a.trn("import.deletions_confirmed", res.Confirmed, res.Confirmed)))
					if res.AnchorErr != nil {
						a.warn(a.tr("import.this_vaults_audit_log", res.Sender.Name, res.AnchorErr))
					}
					return nil
				}
				m := res.Manifest
				if res.Gap > 0 {
					a.warn(a.trn("session.earlier_bundles_from_never", int(res.Gap), res.Gap, res.Sender.Name))
				}
				fmt.Fprintln(a.err, a.tr("import.imported_bundle", m.Seq, res.Sender.Name, m.Created.Local().Format(time.DateTime),
					a.trn("import.records_new", res.Added, res.Added), a.trn("import.deleted_by_withdrawal", res.Deleted, res.Deleted)))
				if d := res.Checked.Directory; d != nil {
					fmt.Fprintln(a.err, a.trn("services.received", len(d.Services), res.Sender.Name, len(d.Services)))
				}
				if n := res.ReferralsChanged; n > 0 {
					fmt.Fprintln(a.err, a.trn("referrals.imported", n, n))
				}
				fmt.Fprintln(a.err, a.tr("import.receipt_for", res.Sender.Name, res.ReceiptPath))
				fmt.Fprintln(a.out, res.ReceiptPath)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&receiptOut, "receipt-out", "", "")
	return cmd
}

func newVerifyCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:  "verify FILE",
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			return a.withVault(vault.Options{ReadOnly: true}, func(v *vault.Vault) error {
				ck, err := sync.Verify(v, args[0])
				if err != nil {
					return err
				}
				type out struct {
					Kind        string    `json:"kind"`
					Sender      string    `json:"sender"`
					Fingerprint string    `json:"fingerprint"`
					ID          string    `json:"id"`
					Seq         int64     `json:"seq,omitempty"`
					Created     time.Time `json:"created"`
					Records     int       `json:"records"`
					Withdrawals int       `json:"withdrawals"`
					Imported    bool      `json:"imported"`
				}
				o := out{Kind: ck.Kind, Sender: ck.Sender.Name, Fingerprint: ck.Card.Fingerprint(), Imported: ck.Seen}
				if m := ck.Manifest; m != nil {
					o.ID, o.Seq, o.Created, o.Records, o.Withdrawals = m.Bundle, m.Seq, m.Created, len(m.Records), len(m.Withdrawals)
				} else {
					r := ck.Receipt
					o.ID, o.Created, o.Records, o.Withdrawals = r.Receipt, r.Created, len(r.Records), len(r.Deleted)
				}
				if asJSON {
					return a.printJSON(o)
				}
				fmt.Fprintln(a.out, a.tr("verify.valid", a.tr("kind."+o.Kind), o.Sender, o.Fingerprint))
				if o.Seq > 0 {
					fmt.Fprintln(a.out, a.tr("verify.bundle_made", o.Seq, o.Created.Local().Format(time.DateTime)))
				} else {
					fmt.Fprintln(a.out, a.tr("verify.made", o.Created.Local().Format(time.DateTime)))
				}
				fmt.Fprintf(a.out, "%s, %s\n", a.trn("plural.records", o.Records, o.Records), a.trn("plural.withdrawal_notices", o.Withdrawals, o.Withdrawals))
				if o.Imported {
					fmt.Fprintln(a.out, a.tr("verify.already_imported"))
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "")
	return cmd
}
