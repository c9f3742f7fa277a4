package session

import (
	"context"
	"errors"
	"fmt"

	"github.com/fieldvault/fieldvault/sync"
)

// The plain home's exchanges with partners, and the emergency wipe.

func (h *plainHome) outbox() error {
	boxes, err := sync.Outboxes(h.v)
	if err != nil {
		return err
	}
	if len(boxes) == 0 {
		fmt.Fprintln(h.out, h.a.tr("session.no_partners_yet_add"))
	}
	for _, o := range boxes {
		fmt.Fprintln(h.out, h.a.trf("session.waiting_sent_not_confirmed", o.Contact, o.Waiting, o.Unconfirmed, o.Withdrawals))
	}
	return nil
}

func (h *plainHome) partner(ctx context.Context) (string, error) {
	cs, err := h.v.Contacts()
	if err != nil || len(cs) == 0 {
		if err == nil {
			fmt.Fprintln(h.out, h.a.tr("session.no_partners_yet_add"))
		}
		return "", err
	}
	fmt.Fprintln(h.out, h.a.tr("session.for_which_partner"))
	for i, c := range cs {
		fmt.Fprintf(h.out, "%d) %s\n", i+1, c.Name)
	}
	n, err := h.choose(ctx, len(cs))
	if err != nil || n == 0 {
		return "", err
	}
	return cs[n-1].Name, nil
}

func (h *plainHome) export(ctx context.Context) error {
	to, err := h.partner(ctx)
	if err != nil || to == "" {
		return err
	}
	dir := ""
	if drives := RemovableDrives(); len(drives) > 0 {
		dir = drives[0]
	}
	prompt := h.a.tr("session.into_which_folder_type")
	if dir != "" {
		prompt = h.a.trf("session.into_which_folder_enter", dir)
	}
	line, err := h.ask(ctx, prompt)
	if err != nil {
		return err
	}
	if line != "" {
		dir = line
	}
	if dir == "" {
		return nil
	}
	res, err := sync.Export(h.v, to, dir, sync.ExportOptions{})
	if errors.Is(err, sync.ErrNothingToExport) {
		fmt.Fprintln(h.out, h.a.trf("session.nothing_new_send", to))
		return nil
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(h.out, h.a.trf("session.wrote_records_withdrawal_notices", res.Path, res.Contact,
		h.a.trn("plural.records", len(res.Manifest.Records), len(res.Manifest.Records)), h.a.trn("plural.withdrawal_notices", len(res.Manifest.Withdrawals), len(res.Manifest.Withdrawals))))
	return nil
}

func (h *plainHome) importFile(ctx context.Context) error {
	path, err := h.ask(ctx, h.a.tr("session.which_file_type_path"))
	if err != nil || path == "" {
		return err
	}
	res, err := sync.Import(h.v, path, sync.ReceiptDir(path))
	if err != nil {
		return err
	}
	switch {
	case res.Seen:
		fmt.Fprintln(h.out, h.a.tr("session.this_file_was_imported"))
	case res.Kind == sync.KindReceipt:
		fmt.Fprintln(h.out, h.a.trf("session.receipt_from_records_delivered", res.Sender.Name,
			h.a.trn("import.records_delivered", res.Delivered, res.Delivered), h.a.trn("import.deletions_confirmed", res.Confirmed, res.Confirmed)))
	default:
		fmt.Fprintln(h.out, h.a.trf("session.imported_from_records_new", res.Sender.Name, res.Added, res.ReceiptPath))
	}
	return nil
}

// wipe is the emergency wipe in two deliberate steps: what it does and
// loses, with going back as the default, then the vault's name typed.
func (h *plainHome) wipe(ctx context.Context) (bool, error) {
	a := h.a
	fmt.Fprintln(h.out, a.tr("session.wiping_destroys_this_vault"))
	if n, err := h.v.Unconfirmed(); err != nil {
		return false, err
	} else if n > 0 {
		fmt.Fprintln(h.out, a.trn("session.records_this_vault_have", n, n)+".")
	}
	fmt.Fprintf(h.out, "1) %s\n", a.tr("session.continue"))
	if n, err := h.choose(ctx, 1); err != nil || n == 0 {
		return false, err
	}
	info, err := h.v.Info()
	if err != nil {
		return false, err
	}
	name := WipeWord(info)
	typed, err := h.ask(ctx, a.trf("session.type_vaults_name_wipe", name)+" "+a.tr("session.leave_empty_go_back"))
	switch {
	case err != nil || typed == "":
		return false, err
	case typed != name:
		fmt.Fprintln(h.out, a.tr("session.the_name_did_not"))
		return false, nil
	}
	path := h.v.Path()
	if err := h.v.Erase(); err != nil {
		return false, err
	}
	fmt.Fprintln(h.out, a.trf("session.wiped_vault_at_no", path))
	return true, nil
}
