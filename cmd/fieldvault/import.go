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
		Use:   "import FILE",
		Short: "Import a bundle from a field laptop, or a receipt from a partner",
		Long: `Import a bundle or a receipt. Everything is checked first — that it is
addressed to this vault, signed by a known contact, and not altered in any
byte — and the vault is left untouched if anything is wrong (exit code 13).
A bundle's records are added, and a signed receipt for the sender is written
beside the bundle (or into --receipt-out). A receipt marks the records it
confirms as delivered. Importing the same file twice changes nothing.`,
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
					fmt.Fprintf(a.err, "This %s from %s was imported before; nothing changed.\n", res.Kind, res.Sender.Name)
					return nil
				}
				if res.Kind == sync.KindReceipt {
					fmt.Fprintf(a.err, "Receipt from %s: %d %s delivered, %d %s confirmed.\n", res.Sender.Name,
						res.Delivered, plural(res.Delivered, "record", "records"), res.Confirmed, plural(res.Confirmed, "deletion", "deletions"))
					if res.AnchorErr != nil {
						a.warn(a.tr("this vault's audit log does not match what %s confirmed: %v. Someone with the vault file may have removed entries; keep the file and tell your coordinator"), res.Sender.Name, res.AnchorErr)
					}
					return nil
				}
				m := res.Manifest
				if res.Gap > 0 {
					a.warn("%d earlier %s from %s never arrived (a lost USB stick?); ask them to export again with --all",
						res.Gap, plural(int(res.Gap), "bundle", "bundles"), res.Sender.Name)
				}
				fmt.Fprintf(a.err, "Imported bundle %d from %s, made %s: %d %s new or updated, %d deleted by withdrawal.\n",
					m.Seq, res.Sender.Name, m.Created.Local().Format(time.DateTime), res.Added, plural(res.Added, "record", "records"), res.Deleted)
				fmt.Fprintf(a.err, "Receipt for %s: %s\n", res.Sender.Name, res.ReceiptPath)
				fmt.Fprintln(a.out, res.ReceiptPath)
				return nil
			})
		},
	}
	cmd.Flags().StringVar(&receiptOut, "receipt-out", "", "folder for the receipt (default: beside the bundle)")
	return cmd
}

func newVerifyCmd(a *app) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "verify FILE",
		Short: "Check a bundle or receipt without importing it",
		Args:  cobra.ExactArgs(1),
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
				fmt.Fprintf(a.out, "valid %s from %s (fingerprint %s)\n", o.Kind, o.Sender, o.Fingerprint)
				if o.Seq > 0 {
					fmt.Fprintf(a.out, "bundle %d, made %s\n", o.Seq, o.Created.Local().Format(time.DateTime))
				} else {
					fmt.Fprintf(a.out, "made %s\n", o.Created.Local().Format(time.DateTime))
				}
				fmt.Fprintf(a.out, "%d %s, %d withdrawal %s\n", o.Records, plural(o.Records, "record", "records"), o.Withdrawals, plural(o.Withdrawals, "notice", "notices"))
				if o.Imported {
					fmt.Fprintln(a.out, "already imported")
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}
