package sync

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/google/uuid"

	"github.com/fieldvault/fieldvault/vault"
)

// ErrNothingToExport means the contact already has everything it may have.
var ErrNothingToExport = errors.New("nothing new to send")

// OwnCard returns the unlocked vault's contact card.
func OwnCard(v *vault.Vault) (Card, error) {
	info, err := v.Info()
	if err != nil {
		return Card{}, err
	}
	rcpt, err := v.Recipient()
	if err != nil {
		return Card{}, err
	}
	key, err := v.SigningKey()
	if err != nil {
		return Card{}, err
	}
	return Card{Name: info.Name, Recipient: rcpt, SigningKey: key}, nil
}

// ExportOptions tune Export.
type ExportOptions struct {
	// All sends every record the contact may have, not only what it has
	// not been sent yet.
	All bool
	// Progress, if set, is told how many records were written so far.
	Progress func(done, total int)
}

// ExportResult says what a bundle holds and where it is.
type ExportResult struct {
	Path     string
	Contact  string // the contact's name as stored
	Manifest *Manifest
	// NotShared counts records left out because their sharing consent does
	// not name the contact, and that changed since the last bundle to it:
	// each is told once (Outbox counts them all).
	NotShared int
	// Referrals counts the referral threads the bundle carries.
	Referrals int
	// Directory is set when the bundle carries the service directory.
	Directory bool
	// Cases counts the case statuses the bundle carries.
	Cases int
}

// Export writes one bundle for the named contact into dir. Only finished
// records whose sharing consent names the contact go in — never drafts,
// consent-declined records, or records received from elsewhere — and,
// unless opts.All, only versions the contact was not sent yet. Withdrawal
// notices the contact has not confirmed go in too. The file is written
// atomically and checked by reading it back; only then is it logged as sent.
func Export(v *vault.Vault, contactName, dir string, opts ExportOptions) (*ExportResult, error) {
	defer collectLess()()
	if fi, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("cannot use %s: %w", dir, err)
	} else if !fi.IsDir() {
		return nil, fmt.Errorf("%s is not a folder", dir)
	}
	c, err := v.Contact(contactName)
	if err != nil {
		return nil, err
	}
	recipient, err := age.ParseHybridRecipient(c.Recipient)
	if err != nil {
		return nil, fmt.Errorf("contact %s has an unusable recipient: %w", c.Name, err)
	}
	own, err := OwnCard(v)
	if err != nil {
		return nil, err
	}
	sel, err := selectFor(v, c, opts.All)
	if err != nil {
		return nil, err
	}
	ids, withdrawals := sel.ids, sel.withdrawals
	threads, refs, err := unsentThreads(v, c)
	if err != nil {
		return nil, err
	}
	services, err := directoryFor(v, c)
	if err != nil {
		return nil, err
	}
	cases, caseSigs, err := casesFor(v, c, ids)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 && len(withdrawals) == 0 && refs == nil && services == nil && cases == nil {
		return nil, fmt.Errorf("%w for %s", ErrNothingToExport, c.Name)
	}

	anchor, err := v.Anchor()
	if err != nil {
		return nil, err
	}
	m := &Manifest{
		Audit:       &anchor,
		Format:      bundleFormat,
		Bundle:      uuid.NewString(),
		Sender:      own.String(),
		Recipient:   c.Recipient,
		Seq:         sel.seq + 1,
		Created:     time.Now().UTC(),
		Records:     make([]Entry, 0, len(ids)),
		Schemas:     []SchemaEntry{},
		Withdrawals: withdrawals,
	}
	if refs != nil {
		m.Referrals = sum(refs)
	}
	if services != nil {
		m.Directory = sum(services)
	}
	if cases != nil {
		m.Cases = sum(cases)
	}
	res := &ExportResult{Manifest: m, Contact: c.Name, NotShared: sel.notSharedNew, Referrals: len(threads)}
	path, err := writeAtomic(dir, KindBundle, func(w io.Writer) error {
		aw, err := age.Encrypt(w, recipient)
		if err != nil {
			return err
		}
		tw := tar.NewWriter(aw)
		usedForms := make([]bool, len(sel.forms))
		key := c.Key()
		prep := func(id string, raw []byte) (*prepared, error) {
			i, _ := slices.BinarySearch(sel.ids, id)
			return prepare(id, raw, sel.picks[i], key)
		}
		err = vault.ReadParsed(v, ids, prep, func(id string, raw []byte, r *prepared) error {
			if r.raw != nil {
				raw = r.raw
			}
			if err := writeTar(tw, "records/"+id+".json", raw); err != nil {
				return err
			}
			s := sel.picks[len(m.Records)]
			m.Records = append(m.Records, Entry{ID: r.id, Version: int(s.version), SHA256: r.sum})
			if s.form >= 0 {
				usedForms[s.form] = true
			}
			if opts.Progress != nil {
				opts.Progress(len(m.Records), len(ids))
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(m.Records) == 0 && len(withdrawals) == 0 && refs == nil && services == nil && cases == nil {
			return fmt.Errorf("%w for %s", ErrNothingToExport, c.Name)
		}
		var hashes []string
		for i, used := range usedForms {
			if used {
				hashes = append(hashes, sel.forms[i])
			}
		}
		slices.Sort(hashes)
		for _, hash := range hashes {
			src, err := v.Schema(hash)
			if err != nil {
				return err
			}
			if err := writeTar(tw, "schemas/"+hash+".json", src); err != nil {
				return err
			}
			var ref struct{ ID, Version string }
			if err := json.Unmarshal(src, &ref); err != nil {
				return fmt.Errorf("questionnaire %s: %w", hash, vault.ErrCorrupt)
			}
			m.Schemas = append(m.Schemas, SchemaEntry{ID: ref.ID, Version: ref.Version, SHA256: hash})
		}
		// The chosen list is not needed any more; with 100,000 records
		// it is worth letting go before the manifest is built.
		ids, sel.ids, sel.picks = nil, nil, nil
		if refs != nil {
			if err := writeTar(tw, "referrals.json", refs); err != nil {
				return err
			}
		}
		if services != nil {
			if err := writeTar(tw, "directory.json", services); err != nil {
				return err
			}
		}
		if cases != nil {
			if err := writeTar(tw, "cases.json", cases); err != nil {
				return err
			}
		}
		mb := m.Encode()
		sig, err := v.Sign(mb)
		if err != nil {
			return err
		}
		return closeSigned(tw, aw, "manifest", mb, sig)
	})
	if err != nil {
		return nil, err
	}
	res.Path = path
	log := &vault.Export{Contact: c.ID, Bundle: m.Bundle, Seq: m.Seq, Withdrawals: withdrawals}
	log.Records = make([]vault.RecordVersion, len(m.Records))
	for i, e := range m.Records {
		log.Records[i] = vault.RecordVersion{ID: e.ID.String(), Version: e.Version}
	}
	if err := v.LogExport(log); err != nil {
		// Not marked as sent: the next export sends the same again.
		os.Remove(path)
		return nil, err
	}
	// Marked after the export is logged: should this fail, the next bundle
	// carries the threads again, and merging them twice changes nothing.
	if err := markSent(v, threads); err != nil {
		return nil, err
	}
	if err := markCasesSent(v, c, caseSigs); err != nil {
		return nil, err
	}
	res.Cases = len(caseSigs)
	if services != nil {
		if err := v.MarkDirectorySent(c.ID, m.Directory); err != nil {
			return nil, err
		}
		res.Directory = true
	}
	return res, nil
}

// pick is what the bundle writer needs to know of a chosen record, kept
// small: an export may choose 100,000.
type pick struct {
	version   int32
	form      int16 // index into selection.forms; -1 for none
	delivered bool
}

// selection is what the next bundle for a contact holds.
type selection struct {
	ids          []string // sorted
	picks        []pick   // ids[i]'s
	forms        []string // questionnaire hashes the records use
	withdrawals  []string
	notShared    int   // finished records whose sharing consent does not name the contact
	notSharedNew int   // of those, the ones changed since the last bundle to it
	seq          int64 // the last sequence number used for the contact
}

// selectFor chooses from the sealed summaries, without decrypting any
// record: finished records of this vault whose sharing consent names the
// contact (by key, not by name) and, unless all, whose version it was not sent yet; and the
// withdrawal notices it has not confirmed.
func selectFor(v *vault.Vault, c *vault.Contact, all bool) (*selection, error) {
	sent, seq, lastSent, err := sentTo(v, c.ID, !all)
	if err != nil {
		return nil, err
	}
	sel := &selection{seq: seq}
	type chosen struct {
		id string
		p  pick
	}
	var picked []chosen
	formIndex := map[string]int16{}
	key := c.Key()
	err = v.EachSummary(func(s vault.Summary) error {
		if s.Status != vault.StatusComplete && s.Status != vault.StatusDelivered || s.Source != "" ||
			!all && sent[s.ID] >= s.Version {
			return nil
		}
		if !slices.Contains(s.Share, key) {
			sel.notShared++
			// Told once: at the first bundle after the record last
			// changed. (Summaries keep whole seconds: a record changed in
			// the same second as the last bundle is not told again; the
			// outbox counts it all the same.)
			if s.Updated > lastSent.Unix() || lastSent.IsZero() {
				sel.notSharedNew++
			}
			return nil
		}
		p := pick{version: int32(s.Version), form: -1, delivered: s.Status == vault.StatusDelivered}
		if s.Form != "" {
			i, ok := formIndex[s.Form]
			if !ok {
				i = int16(len(sel.forms))
				formIndex[s.Form] = i
				sel.forms = append(sel.forms, s.Form)
			}
			p.form = i
		}
		picked = append(picked, chosen{s.ID, p})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(picked, func(a, b chosen) int { return strings.Compare(a.id, b.id) })
	sel.ids, sel.picks = make([]string, len(picked)), make([]pick, len(picked))
	for i, c := range picked {
		sel.ids[i], sel.picks[i] = c.id, c.p
	}
	tombs, err := v.Tombstones()
	if err != nil {
		return nil, err
	}
	for _, t := range tombs {
		if slices.Contains(t.Pending, c.ID) {
			sel.withdrawals = append(sel.withdrawals, t.ID)
		}
	}
	return sel, nil
}

// sentTo returns the highest version of each record sent to a contact (if
// versions), the last sequence number used for it, and when that bundle
// was written.
func sentTo(v *vault.Vault, contactID string, versions bool) (map[string]int, int64, time.Time, error) {
	read := v.ExportHeads
	if versions {
		read = v.Exports
	}
	log, err := read()
	if err != nil {
		return nil, 0, time.Time{}, err
	}
	sent := map[string]int{}
	var seq int64
	var last time.Time
	for _, e := range log {
		if e.Contact != contactID {
			continue
		}
		if e.Seq > seq {
			seq, last = e.Seq, e.Time
		}
		if !versions {
			continue
		}
		for _, r := range e.Records {
			sent[r.ID] = max(sent[r.ID], r.Version)
		}
	}
	return sent, seq, last, nil
}

// prepared is a record made ready for a bundle on the decrypting core: its
// ID, hash, and new JSON if it had to change.
type prepared struct {
	id  uuid.UUID
	raw []byte
	sum [32]byte
}

// prepare checks a record against the summary it was chosen by and hashes
// it for the manifest. The summary is a separate sealed value, which a copy
// of an older vault file could put back; the record itself must state the
// version chosen, and its own sharing consent must name the contact, so a
// stale summary can never send a record where consent no longer allows.
func prepare(id string, raw []byte, p pick, contactKey string) (*prepared, error) {
	var r prepared
	var err error
	if r.id, err = uuid.Parse(id); err != nil {
		return nil, fmt.Errorf("record %q: %w", id, vault.ErrCorrupt)
	}
	if !vault.MayLeave(raw, id, int(p.version), contactKey) {
		return nil, fmt.Errorf("record %s does not match its summary (an older copy of the vault file was put back in part); nothing was exported: %w", id, vault.ErrCorrupt)
	}
	// Delivered is this laptop's bookkeeping, not the partner's.
	if p.delivered {
		var full vault.Record
		if err := json.Unmarshal(raw, &full); err != nil {
			return nil, fmt.Errorf("record %s: %w", id, vault.ErrCorrupt)
		}
		full.Status = vault.StatusComplete
		if r.raw, err = json.Marshal(full); err != nil {
			return nil, err
		}
		raw = r.raw
	}
	r.sum = sha256.Sum256(raw)
	return &r, nil
}

// closeSigned ends a bundle or receipt: NAME.json, its signature NAME.sig,
// then the tar stream and the age file.
func closeSigned(tw *tar.Writer, aw io.WriteCloser, name string, doc, sig []byte) error {
	if err := writeTar(tw, name+".json", doc); err != nil {
		return err
	}
	if err := writeTar(tw, name+".sig", sig); err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return aw.Close()
}

func writeTar(tw *tar.Writer, name string, data []byte) error {
	hdr := &tar.Header{Name: name, Mode: 0o600, Size: int64(len(data))}
	if err := tw.WriteHeader(hdr); err != nil {
		return err
	}
	_, err := tw.Write(data)
	return err
}
