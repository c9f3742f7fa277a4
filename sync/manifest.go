package sync

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/fieldvault/fieldvault/vault"
)

// Format identifiers, checked on import.
const (
	bundleFormat  = "fieldvault-bundle-v1"
	receiptFormat = "fieldvault-receipt-v1"
)

// Entry names one version of one record, with the SHA-256 of its JSON as
// carried in the bundle (zero in a receipt). A bundle may list 100,000, so
// entries are kept compact: 56 bytes, not three strings.
type Entry struct {
	ID      uuid.UUID
	Version int
	SHA256  [32]byte
}

// SchemaEntry names a questionnaire carried in a bundle.
type SchemaEntry struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
}

// Manifest describes a bundle. Its exact bytes are signed.
type Manifest struct {
	Format    string    `json:"format"`
	Bundle    string    `json:"bundle"`
	Sender    string    `json:"sender"`    // the sending vault's contact card
	Recipient string    `json:"recipient"` // the age recipient it is encrypted to
	Seq       int64     `json:"seq"`       // per sender and recipient, from 1
	Created   time.Time `json:"created"`
	// Audit is the sender's audit anchor when it exported: the partner
	// keeps it and sends it back in its receipt.
	Audit       *vault.AuditAnchor `json:"audit,omitempty"`
	Schemas     []SchemaEntry      `json:"schemas"`
	Records     []Entry            `json:"records"`
	Withdrawals []string           `json:"withdrawals,omitempty"`
	// Referrals is the SHA-256 of referrals.json, the referral threads the
	// bundle carries, if it carries any: signed with the rest.
	Referrals string `json:"referrals,omitempty"`
	// Directory is the SHA-256 of directory.json, the sender's service
	// directory, when the bundle carries it.
	Directory string `json:"directory,omitempty"`
	// Cases is the SHA-256 of cases.json, the sender's case statuses.
	Cases string `json:"cases,omitempty"`
}

// Receipt confirms what a partner received from a bundle.
type Receipt struct {
	Format    string    `json:"format"`
	Receipt   string    `json:"receipt"`
	Bundle    string    `json:"bundle"`    // the bundle it answers
	Sender    string    `json:"sender"`    // the partner's contact card
	Recipient string    `json:"recipient"` // the field vault's age recipient
	Created   time.Time `json:"created"`
	// Audit is the anchor the bundle carried, sent back to its sender.
	Audit   *vault.AuditAnchor `json:"audit,omitempty"`
	Records []Entry            `json:"records"` // every record version the bundle carried
	Deleted []string           `json:"deleted,omitempty"`
}

// maxManifest bounds what is read into memory for a manifest or receipt:
// about 400,000 records.
const maxManifest = 64 << 20

// Manifests and receipts have one canonical form, the one fieldvault
// writes: fields in a fixed order, no spaces, records sorted by ID. A file
// is accepted only if it is exactly that form, so there is one way to read
// its signed bytes, and the long record list is parsed without building a
// string per record.

// Encode returns the manifest in canonical form, in a buffer of exactly its
// size. Records must be sorted by ID.
func (m *Manifest) Encode() []byte {
	return build(m.encode)
}

// Encode returns the receipt in canonical form.
func (r *Receipt) Encode() []byte {
	return build(r.encode)
}

// build runs an encoder twice: once to count, once to fill a buffer of
// that size, so a large manifest is never copied while it grows.
func build(encode func(emit func([]byte))) []byte {
	n := 0
	encode(func(p []byte) { n += len(p) })
	out := make([]byte, 0, n)
	encode(func(p []byte) { out = append(out, p...) })
	return out
}

func (m *Manifest) encode(emit func([]byte)) {
	emit([]byte(`{"format":`))
	emit(jsonValue(m.Format))
	emit([]byte(`,"bundle":`))
	emit(jsonValue(m.Bundle))
	emit([]byte(`,"sender":`))
	emit(jsonValue(m.Sender))
	emit([]byte(`,"recipient":`))
	emit(jsonValue(m.Recipient))
	emit([]byte(`,"seq":`))
	emit(strconv.AppendInt(nil, m.Seq, 10))
	emit([]byte(`,"created":`))
	emit(jsonValue(m.Created))
	if m.Audit != nil {
		emit([]byte(`,"audit":`))
		emit(jsonValue(m.Audit))
	}
	emit([]byte(`,"schemas":`))
	emit(jsonValue(orEmpty(m.Schemas)))
	emit([]byte(`,"records":`))
	encodeEntries(m.Records, true, emit)
	if len(m.Withdrawals) > 0 {
		emit([]byte(`,"withdrawals":`))
		emit(jsonValue(m.Withdrawals))
	}
	if m.Referrals != "" {
		emit([]byte(`,"referrals":`))
		emit(jsonValue(m.Referrals))
	}
	if m.Directory != "" {
		emit([]byte(`,"directory":`))
		emit(jsonValue(m.Directory))
	}
	if m.Cases != "" {
		emit([]byte(`,"cases":`))
		emit(jsonValue(m.Cases))
	}
	emit([]byte(`}`))
}

func (r *Receipt) encode(emit func([]byte)) {
	emit([]byte(`{"format":`))
	emit(jsonValue(r.Format))
	emit([]byte(`,"receipt":`))
	emit(jsonValue(r.Receipt))
	emit([]byte(`,"bundle":`))
	emit(jsonValue(r.Bundle))
	emit([]byte(`,"sender":`))
	emit(jsonValue(r.Sender))
	emit([]byte(`,"recipient":`))
	emit(jsonValue(r.Recipient))
	emit([]byte(`,"created":`))
	emit(jsonValue(r.Created))
	if r.Audit != nil {
		emit([]byte(`,"audit":`))
		emit(jsonValue(r.Audit))
	}
	emit([]byte(`,"records":`))
	encodeEntries(r.Records, false, emit)
	if len(r.Deleted) > 0 {
		emit([]byte(`,"deleted":`))
		emit(jsonValue(r.Deleted))
	}
	emit([]byte(`}`))
}

// encodeEntries writes [{"id":"…","version":n,"sha256":"…"},…], one emit
// per record, into a reused buffer.
func encodeEntries(es []Entry, withHash bool, emit func([]byte)) {
	emit([]byte(`[`))
	var b []byte
	for i := range es {
		e := &es[i]
		b = b[:0]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":"`...)
		b = append(b, e.ID.String()...)
		b = append(b, `","version":`...)
		b = strconv.AppendInt(b, int64(e.Version), 10)
		if withHash {
			b = append(b, `,"sha256":"`...)
			b = hex.AppendEncode(b, e.SHA256[:])
			b = append(b, '"')
		}
		b = append(b, '}')
		emit(b)
	}
	emit([]byte(`]`))
}

// jsonValue is encoding/json's form of a small value: the canonical form
// of strings (with its escapes), times and lists.
func jsonValue(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // strings, times and slices of them always encode
	}
	return b
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ParseManifest decodes a manifest in canonical form: anything else —
// unknown fields, another order, spaces, trailing data, records out of
// order or listed twice, an unknown format — is an error.
func ParseManifest(data []byte) (*Manifest, error) {
	var m Manifest
	records, err := parseCanonical(data, &m, true)
	if err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	m.Records = records
	if m.Format != bundleFormat {
		return nil, fmt.Errorf("manifest: unknown format %q", m.Format)
	}
	if m.Bundle == "" || m.Sender == "" || m.Recipient == "" || m.Seq < 1 {
		return nil, errors.New("manifest: bundle ID, sender, recipient or sequence number missing")
	}
	if !sameBytes(data, m.encode) {
		return nil, errors.New("manifest: not in the form fieldvault writes")
	}
	return &m, nil
}

// ParseReceipt decodes a receipt in canonical form.
func ParseReceipt(data []byte) (*Receipt, error) {
	var r Receipt
	records, err := parseCanonical(data, &r, false)
	if err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	r.Records = records
	if r.Format != receiptFormat || r.Receipt == "" || r.Bundle == "" || r.Sender == "" || r.Recipient == "" {
		return nil, errors.New("receipt: format, IDs, sender or recipient missing")
	}
	if !sameBytes(data, r.encode) {
		return nil, errors.New("receipt: not in the form fieldvault writes")
	}
	return &r, nil
}

var recordsKey = []byte(`,"records":[`)

// parseCanonical reads the record list with parseEntries and everything
// else with encoding/json, into v.
func parseCanonical(data []byte, v any, withHash bool) ([]Entry, error) {
	i := bytes.Index(data, recordsKey)
	if i < 0 {
		return nil, errors.New("no record list")
	}
	start := i + len(recordsKey) - 1
	records, n, err := parseEntries(data[start:], withHash)
	if err != nil {
		return nil, err
	}
	rest := make([]byte, 0, i+len(data)-start-n)
	rest = append(append(rest, data[:i]...), data[start+n:]...)
	dec := json.NewDecoder(bytes.NewReader(rest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("extra data after the JSON")
	}
	return records, nil
}

// parseEntries reads a canonical record list from the start of b and
// returns it with the number of bytes it took.
func parseEntries(b []byte, withHash bool) ([]Entry, int, error) {
	bad := func(at int) ([]Entry, int, error) {
		return nil, 0, fmt.Errorf("record list: unexpected data at byte %d", at)
	}
	// As many entries as the list can hold, counted rather than guessed
	// (100,000 of them are 5.6 MB), and never more than its bytes allow
	// (the shortest entry is 57 bytes): the manifest is read before its
	// signature is checked, so it may be anyone's.
	out := make([]Entry, 0, min(bytes.Count(b, []byte(`{"id":"`)), len(b)/57))
	p := 0
	expect := func(lit string) bool {
		if !bytes.HasPrefix(b[p:], []byte(lit)) {
			return false
		}
		p += len(lit)
		return true
	}
	if !expect("[") {
		return bad(p)
	}
	if expect("]") {
		return out, p, nil
	}
	for {
		var e Entry
		if !expect(`{"id":"`) || len(b)-p < 36 {
			return bad(p)
		}
		id, err := uuid.ParseBytes(b[p : p+36])
		if err != nil {
			return bad(p)
		}
		e.ID, p = id, p+36
		if !expect(`","version":`) {
			return bad(p)
		}
		digits := p
		for p < len(b) && p-digits < 10 && b[p] >= '0' && b[p] <= '9' {
			e.Version = e.Version*10 + int(b[p]-'0')
			p++
		}
		if p == digits || b[digits] == '0' {
			return bad(digits)
		}
		if withHash {
			if !expect(`,"sha256":"`) || len(b)-p < 64 {
				return bad(p)
			}
			if _, err := hex.Decode(e.SHA256[:], b[p:p+64]); err != nil {
				return bad(p)
			}
			p += 64
			if !expect(`"`) {
				return bad(p)
			}
		}
		if !expect("}") {
			return bad(p)
		}
		if n := len(out); n > 0 && bytes.Compare(out[n-1].ID[:], e.ID[:]) >= 0 {
			return nil, 0, fmt.Errorf("record list: %s is out of order or listed twice", e.ID)
		}
		out = append(out, e)
		if expect("]") {
			return out, p, nil
		}
		if !expect(",") {
			return bad(p)
		}
	}
}

// sameBytes reports whether encode writes exactly data, without building
// a second copy of it.
func sameBytes(data []byte, encode func(emit func([]byte))) bool {
	off, same := 0, true
	encode(func(p []byte) {
		if same && bytes.HasPrefix(data[off:], p) {
			off += len(p)
		} else {
			same = false
		}
	})
	return same && off == len(data)
}

// findEntry returns the entry for id in a list sorted by ID.
func findEntry(es []Entry, id uuid.UUID) (Entry, bool) {
	i, ok := entryIndex(es, id)
	if !ok {
		return Entry{}, false
	}
	return es[i], true
}

// entryIndex finds id in entries sorted by ID.
func entryIndex(es []Entry, id uuid.UUID) (int, bool) {
	return slices.BinarySearchFunc(es, id, func(e Entry, id uuid.UUID) int { return bytes.Compare(e.ID[:], id[:]) })
}

// fileName returns a FAT-safe name that says nothing about the content
// but its kind: fv-….age for a bundle, fv-r-….age for a receipt, so a
// worker can tell them apart on a stick.
func fileName(kind string) string {
	b := make([]byte, 10)
	rand.Read(b)
	prefix := "fv-"
	if kind == KindReceipt {
		prefix = "fv-r-"
	}
	return prefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)) + ".age"
}

// KindOfName says whether a file name is a receipt's or a bundle's, as
// fieldvault names them; "" for neither.
func KindOfName(name string) string {
	switch {
	case !strings.HasPrefix(name, "fv-") || !strings.HasSuffix(name, ".age"):
		return ""
	case strings.HasPrefix(name, "fv-r-"):
		return KindReceipt
	}
	return KindBundle
}
