package sync

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
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
	// not name the contact.
	NotShared int
}

// Export writes one bundle for the named contact into dir. Only finished
// records whose sharing consent names the contact go in — never drafts,
// consent-declined records, or records received from elsewhere — and,
// unless opts.All, only versions the contact was not sent yet. Withdrawal
// notices the contact has not confirmed go in too. The file is written
// atomically and checked by reading it back; only then is it logged as sent.
func Export(v *vault.Vault, contactName, dir string, opts ExportOptions) (*ExportResult, error) {
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
	ids, byID, withdrawals := sel.ids, sel.byID, sel.withdrawals
	if len(ids) == 0 && len(withdrawals) == 0 {
		return nil, fmt.Errorf("%w for %s", ErrNothingToExport, c.Name)
	}

	m := &Manifest{
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
	res := &ExportResult{Manifest: m, Contact: c.Name, NotShared: sel.notShared}
	path, err := writeAtomic(dir, func(w io.Writer) error {
		aw, err := age.Encrypt(w, recipient)
		if err != nil {
			return err
		}
		tw := tar.NewWriter(aw)
		schemas := map[string]bool{}
		prep := func(id string, raw []byte) (*prepared, error) { return prepare(id, raw, byID[id].status) }
		err = vault.ReadParsed(v, ids, prep, func(id string, raw []byte, r *prepared) error {
			if r.raw != nil {
				raw = r.raw
			}
			if err := writeTar(tw, "records/"+id+".json", raw); err != nil {
				return err
			}
			s := byID[id]
			m.Records = append(m.Records, Entry{ID: id, Version: s.version, SHA256: hex.EncodeToString(r.sum[:])})
			if s.form != "" {
				schemas[s.form] = true
			}
			if opts.Progress != nil {
				opts.Progress(len(m.Records), len(ids))
			}
			return nil
		})
		if err != nil {
			return err
		}
		if len(m.Records) == 0 && len(withdrawals) == 0 {
			return fmt.Errorf("%w for %s", ErrNothingToExport, c.Name)
		}
		for _, hash := range slices.Sorted(maps.Keys(schemas)) {
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
		mb, err := json.Marshal(m)
		if err != nil {
			return err
		}
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
	for _, e := range m.Records {
		log.Records = append(log.Records, vault.RecordVersion{ID: e.ID, Version: e.Version})
	}
	if err := v.LogExport(log); err != nil {
		// Not marked as sent: the next export sends the same again.
		os.Remove(path)
		return nil, err
	}
	return res, nil
}

// pick is what the bundle writer needs to know of a chosen record.
type pick struct {
	version int
	status  vault.Status
	form    string
}

// selection is what the next bundle for a contact holds.
type selection struct {
	ids         []string // sorted
	byID        map[string]pick
	withdrawals []string
	notShared   int   // finished records whose sharing consent does not name the contact
	seq         int64 // the last sequence number used for the contact
}

// selectFor chooses from the sealed summaries, without decrypting any
// record: finished records of this vault whose sharing consent names the
// contact and, unless all, whose version it was not sent yet; and the
// withdrawal notices it has not confirmed.
func selectFor(v *vault.Vault, c *vault.Contact, all bool) (*selection, error) {
	sent, seq, err := sentTo(v, c.ID)
	if err != nil {
		return nil, err
	}
	sel := &selection{byID: map[string]pick{}, seq: seq}
	err = v.EachSummary(func(s vault.Summary) error {
		if s.Status != vault.StatusComplete && s.Status != vault.StatusDelivered || s.Source != "" ||
			!all && sent[s.ID] >= s.Version {
			return nil
		}
		if !sharedWith(s.Share, c.Name) {
			sel.notShared++
			return nil
		}
		sel.ids = append(sel.ids, s.ID)
		sel.byID[s.ID] = pick{s.Version, s.Status, s.Form}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(sel.ids)
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

// sentTo returns the highest version of each record sent to a contact, and
// the last sequence number used for it.
func sentTo(v *vault.Vault, contactID string) (map[string]int, int64, error) {
	log, err := v.Exports()
	if err != nil {
		return nil, 0, err
	}
	sent := map[string]int{}
	var seq int64
	for _, e := range log {
		if e.Contact != contactID {
			continue
		}
		seq = max(seq, e.Seq)
		for _, r := range e.Records {
			sent[r.ID] = max(sent[r.ID], r.Version)
		}
	}
	return sent, seq, nil
}

// prepared is a record made ready for a bundle on the decrypting core: its
// hash, and new JSON if it had to change.
type prepared struct {
	raw []byte
	sum [32]byte
}

// prepare hashes a record for the manifest. Version and questionnaire come
// from the summaries, so the record is parsed only when it must change.
func prepare(id string, raw []byte, status vault.Status) (*prepared, error) {
	var r prepared
	// Delivered is this laptop's bookkeeping, not the partner's.
	if status == vault.StatusDelivered {
		var full vault.Record
		if err := json.Unmarshal(raw, &full); err != nil {
			return nil, fmt.Errorf("record %s: %w", id, vault.ErrCorrupt)
		}
		full.Status = vault.StatusComplete
		var err error
		if r.raw, err = json.Marshal(full); err != nil {
			return nil, err
		}
		raw = r.raw
	}
	r.sum = sha256.Sum256(raw)
	return &r, nil
}

// sharedWith reports whether the person agreed to share a record with the
// contact. With the status and origin checks in Export, this is the one
// place that decides what may leave the laptop.
func sharedWith(share []string, contact string) bool {
	for _, n := range share {
		if strings.EqualFold(strings.TrimSpace(n), contact) {
			return true
		}
	}
	return false
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
