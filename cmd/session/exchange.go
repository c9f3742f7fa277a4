package session

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/fieldvault/fieldvault/sync"
)

// outboxes reads the outbox of every partner, or returns the screen to show
// instead: the error, or that there are no partners yet.
func (s *session) outboxes(title string) ([]sync.Outbox, screen) {
	a := s.a
	boxes, err := sync.Outboxes(s.v)
	if err != nil {
		return nil, s.text(title, a.explainShort(err), s.goHome)
	}
	if len(boxes) == 0 {
		return nil, s.text(title, a.tr("session.no_partners_yet_add"), s.goHome)
	}
	return boxes, nil
}

// outboxScreen shows, per partner, what waits and what came back.
func (s *session) outboxScreen() screen {
	a := s.a
	boxes, stop := s.outboxes(a.tr("session.outbox"))
	if stop != nil {
		return stop
	}
	var b strings.Builder
	for _, o := range boxes {
		fmt.Fprintf(&b, "%s  (%s)\n", o.Contact, o.Fingerprint)
		fmt.Fprintf(&b, "  %s\n", a.trf("session.records_waiting_sent", o.Waiting))
		fmt.Fprintf(&b, "  %s\n", a.trf("session.withdrawals_not_yet_confirmed", o.Withdrawals))
		if o.Referrals > 0 {
			fmt.Fprintf(&b, "  %s\n", a.trf("session.referrals_waiting", o.Referrals))
		}
		if o.LastSeq > 0 {
			fmt.Fprintf(&b, "  %s\n", a.trf("session.last_bundle", o.LastSeq, Day(o.LastSent)))
		} else {
			fmt.Fprintf(&b, "  %s\n", a.tr("session.last_bundle_none_yet"))
		}
		fmt.Fprintf(&b, "  %s\n", a.trf("session.last_receipt", Day(o.LastReceipt)))
		if o.NotShared > 0 {
			fmt.Fprintf(&b, "  %s\n", a.trf("session.not_shared_them_no", o.NotShared))
		}
		b.WriteString("\n")
	}
	return s.text(a.tr("session.outbox"), b.String(), s.goHome)
}

// exportScreen chooses the partner, then the folder, then writes the bundle.
func (s *session) exportScreen() screen {
	a := s.a
	boxes, stop := s.outboxes(a.tr("session.export_usb"))
	if stop != nil {
		return stop
	}
	var opts []huh.Option[string]
	for _, o := range boxes {
		opts = append(opts, huh.NewOption(a.trf("session.waiting_withdrawals", o.Contact, o.Waiting, o.Withdrawals), o.Contact))
	}
	opts = append(opts, huh.NewOption(a.tr("session.back"), backValue))
	var to string
	sel := huh.NewSelect[string]().Title(a.tr("session.for_which_partner")).Options(opts...).Value(&to)
	return s.form(a.tr("session.only_records_person_agreed"), func() tea.Cmd {
		if to == backValue {
			return s.goHome()
		}
		return s.show(s.folderScreen(a.trf("session.write_bundle_into_which", to), func(dir string) screen {
			return s.exporting(to, dir)
		}))
	}, huh.NewGroup(sel))
}

func (s *session) exporting(to, dir string) screen {
	a := s.a
	return &startScreen{s.job(a.tr("session.writing_bundle"), func() func() tea.Cmd {
		res, err := sync.Export(s.v, to, dir, sync.ExportOptions{})
		return func() tea.Cmd {
			switch {
			case errors.Is(err, sync.ErrNothingToExport):
				return s.home(a.trf("session.nothing_new_send", to))
			case err != nil:
				return s.home(a.trf("session.no_bundle_was_written", a.explainShort(err)))
			}
			m := res.Manifest
			return s.home(a.trf("session.wrote_bundle_records_withdrawal", m.Seq, res.Contact,
				a.trn("plural.records", len(m.Records), len(m.Records)), a.trn("plural.withdrawal_notices", len(m.Withdrawals), len(m.Withdrawals)), res.Path))
		}
	})}
}

// startScreen is a screen that only starts background work.
type startScreen struct{ cmd tea.Cmd }

func (j *startScreen) init() tea.Cmd          { return j.cmd }
func (j *startScreen) update(tea.Msg) tea.Cmd { return nil }
func (j *startScreen) view() string           { return "" }

// folderScreen chooses a folder: a removable drive the OS shows, or one
// typed in.
func (s *session) folderScreen(title string, then func(dir string) screen) screen {
	a := s.a
	var opts []huh.Option[string]
	for _, d := range RemovableDrives() {
		opts = append(opts, huh.NewOption(d, d))
	}
	opts = append(opts, huh.NewOption(a.tr("session.type_folder"), "\x00type"), huh.NewOption(a.tr("session.back"), backValue))
	var dir string
	desc := a.tr("session.no_removable_drive_was")
	if len(opts) > 2 {
		desc = a.tr("session.removable_drives_found_this")
	}
	sel := huh.NewSelect[string]().Title(title).Options(opts...).Value(&dir)
	return s.form(desc, func() tea.Cmd {
		switch dir {
		case backValue:
			return s.goHome()
		case "\x00type":
			return s.show(s.typeFolderScreen(title, then))
		}
		return s.show(then(dir))
	}, huh.NewGroup(sel))
}

func (s *session) typeFolderScreen(title string, then func(dir string) screen) screen {
	a := s.a
	var dir string
	in := huh.NewInput().Title(title).Description(a.tr("session.a_folder_path_leave")).Value(&dir).
		Validate(func(v string) error {
			if strings.TrimSpace(v) == "" {
				return nil
			}
			fi, err := os.Stat(expandHome(strings.TrimSpace(v)))
			if err != nil || !fi.IsDir() {
				return errors.New(a.tr("session.there_no_folder_there"))
			}
			return nil
		})
	return s.form("", func() tea.Cmd {
		if strings.TrimSpace(dir) == "" {
			return s.goHome()
		}
		return s.show(then(expandHome(strings.TrimSpace(dir))))
	}, huh.NewGroup(in))
}

func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

// importFileScreen lists the bundles and receipts in dir, newest first.
func (s *session) importFileScreen(dir string) screen {
	a := s.a
	files := s.importable(bundleFiles(dir))
	if len(files) == 0 {
		return s.text(a.tr("session.import_bundle_receipt"), a.trf("session.there_no_bundle_receipt", dir), s.goHome)
	}
	var opts []huh.Option[string]
	for _, f := range files {
		opts = append(opts, huh.NewOption(fmt.Sprintf("%s  %s  %s", a.tr("kind."+sync.KindOfName(filepath.Base(f.path))), filepath.Base(f.path), Day(f.mod)), f.path))
	}
	opts = append(opts, huh.NewOption(a.tr("session.back"), backValue))
	var file string
	sel := huh.NewSelect[string]().Title(a.tr("session.which_file")).Options(opts...).Value(&file)
	return s.form(a.tr("session.everything_checked_before_vault"), func() tea.Cmd {
		if file == backValue {
			return s.goHome()
		}
		return s.importing(file)
	}, huh.NewGroup(sel))
}

func (s *session) importing(file string) tea.Cmd {
	a := s.a
	return s.job(a.tr("session.checking_importing"), func() func() tea.Cmd {
		res, err := sync.Import(s.v, file, sync.ReceiptDir(file))
		return func() tea.Cmd {
			switch {
			case err != nil:
				return s.home(a.trf("session.not_imported", a.explainShort(err)))
			case res.Seen:
				return s.home(a.trf("session.this_from_was_imported", a.tr("kind."+res.Kind), res.Sender.Name))
			case res.Kind == sync.KindReceipt:
				return s.home(a.trf("session.receipt_from_records_delivered", res.Sender.Name,
					a.trn("import.records_delivered", res.Delivered, res.Delivered), a.trn("import.deletions_confirmed", res.Confirmed, res.Confirmed)))
			}
			n := a.trf("session.imported_bundle_from_records", res.Manifest.Seq, res.Sender.Name, res.Added, res.Deleted, res.ReceiptPath)
			if res.Gap > 0 {
				n += "\n" + a.trn("session.earlier_bundles_from_never", res.Gap, res.Gap, res.Sender.Name)
			}
			return s.home(n)
		}
	})
}

type bundleFile struct {
	path string
	mod  time.Time
}

// importable keeps the files addressed to this vault that it has not
// imported yet. Whether a file was imported shows only once it is read
// whole, so that is checked for files up to 4 MiB (a few thousand
// records); a larger one is listed, and importing it again changes
// nothing.
func (s *session) importable(files []bundleFile) []bundleFile {
	var out []bundleFile
	for _, f := range files {
		if !sync.ForThisVault(s.v, f.path) {
			continue
		}
		if fi, err := os.Stat(f.path); err == nil && fi.Size() <= 4<<20 {
			if ck, err := sync.Verify(s.v, f.path); err == nil && ck.Seen {
				continue
			}
		}
		out = append(out, f)
	}
	return out
}

// bundleFiles finds fieldvault's files in dir, fv-<random>.age, the
// newest first.
func bundleFiles(dir string) []bundleFile {
	entries, _ := os.ReadDir(dir)
	var out []bundleFile
	for _, e := range entries {
		if e.Type().IsRegular() && strings.HasPrefix(e.Name(), "fv-") && strings.HasSuffix(e.Name(), ".age") {
			if fi, err := e.Info(); err == nil {
				out = append(out, bundleFile{filepath.Join(dir, e.Name()), fi.ModTime()})
			}
		}
	}
	slices.SortFunc(out, func(x, y bundleFile) int { return y.mod.Compare(x.mod) })
	return out
}
