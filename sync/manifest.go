package sync

import (
	"bytes"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Format identifiers, checked on import.
const (
	bundleFormat  = "fieldvault-bundle-v1"
	receiptFormat = "fieldvault-receipt-v1"
)

// Entry names one version of one record, with the SHA-256 of its JSON as
// carried in the bundle.
type Entry struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	SHA256  string `json:"sha256,omitempty"`
}

// SchemaEntry names a questionnaire carried in a bundle.
type SchemaEntry struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	SHA256  string `json:"sha256"`
}

// Manifest describes a bundle. Its exact bytes are signed.
type Manifest struct {
	Format      string        `json:"format"`
	Bundle      string        `json:"bundle"`
	Sender      string        `json:"sender"`    // the sending vault's contact card
	Recipient   string        `json:"recipient"` // the age recipient it is encrypted to
	Seq         int64         `json:"seq"`       // per sender and recipient, from 1
	Created     time.Time     `json:"created"`
	Schemas     []SchemaEntry `json:"schemas"`
	Records     []Entry       `json:"records"`
	Withdrawals []string      `json:"withdrawals,omitempty"`
}

// Receipt confirms what a partner received from a bundle.
type Receipt struct {
	Format    string    `json:"format"`
	Receipt   string    `json:"receipt"`
	Bundle    string    `json:"bundle"`    // the bundle it answers
	Sender    string    `json:"sender"`    // the partner's contact card
	Recipient string    `json:"recipient"` // the field vault's age recipient
	Created   time.Time `json:"created"`
	Records   []Entry   `json:"records"` // every record version the bundle carried
	Deleted   []string  `json:"deleted,omitempty"`
}

// maxManifest bounds what is read into memory for a manifest or receipt:
// about 400,000 records.
const maxManifest = 64 << 20

// ParseManifest decodes a manifest strictly: unknown fields, trailing data
// and an unknown format are errors.
func ParseManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if err := decodeStrict(data, &m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	if m.Format != bundleFormat {
		return nil, fmt.Errorf("manifest: unknown format %q", m.Format)
	}
	if m.Bundle == "" || m.Sender == "" || m.Recipient == "" || m.Seq < 1 {
		return nil, errors.New("manifest: bundle ID, sender, recipient or sequence number missing")
	}
	seen := make(map[string]bool, len(m.Records))
	for _, e := range m.Records {
		if seen[e.ID] || e.Version < 1 || len(e.SHA256) != 64 {
			return nil, fmt.Errorf("manifest: record %q listed twice or without version and hash", e.ID)
		}
		seen[e.ID] = true
	}
	return &m, nil
}

// ParseReceipt decodes a receipt strictly.
func ParseReceipt(data []byte) (*Receipt, error) {
	var r Receipt
	if err := decodeStrict(data, &r); err != nil {
		return nil, fmt.Errorf("receipt: %w", err)
	}
	if r.Format != receiptFormat || r.Receipt == "" || r.Bundle == "" || r.Sender == "" || r.Recipient == "" {
		return nil, errors.New("receipt: format, IDs, sender or recipient missing")
	}
	return &r, nil
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("extra data after the JSON")
	}
	return nil
}

// fileName returns a FAT-safe name that says nothing about the content.
func fileName() string {
	b := make([]byte, 10)
	rand.Read(b)
	return "fv-" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)) + ".age"
}
