package sync

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"

	"filippo.io/age"
	"github.com/google/uuid"

	"github.com/fieldvault/fieldvault/vault"
)

// FuzzParseManifest: any bytes give a manifest or an error, never a panic;
// what is accepted is exactly the canonical form of what was read.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"format":"fieldvault-bundle-v1","bundle":"b","sender":"s","recipient":"r","seq":1,"created":"2026-01-01T00:00:00Z","schemas":[],"records":[]}`))
	f.Add([]byte(`{"format":"fieldvault-bundle-v1","bundle":"b","sender":"s","recipient":"r","seq":1,"created":"2026-01-01T00:00:00Z","schemas":[],"records":[{"id":"0b9e4411-5c3a-4d8e-8f0e-9d5b2a7c1e20","version":1,"sha256":"0000000000000000000000000000000000000000000000000000000000000001"}],"withdrawals":["w"]}`))
	f.Add([]byte(`{"format":"fieldvault-receipt-v1","receipt":"r","bundle":"b","sender":"s","recipient":"r","created":"2026-01-01T00:00:00Z","records":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := ParseManifest(data); err == nil {
			if m.Seq < 1 || m.Bundle == "" {
				t.Fatal("accepted a manifest without sequence or ID")
			}
			if !bytes.Equal(m.Encode(), data) {
				t.Fatalf("accepted a manifest that is not in canonical form: %q", data)
			}
		}
		if r, err := ParseReceipt(data); err == nil && !bytes.Equal(r.Encode(), data) {
			t.Fatalf("accepted a receipt that is not in canonical form: %q", data)
		}
	})
}

// FuzzParseCard: any line gives a card that prints back as itself, or an
// error.
func FuzzParseCard(f *testing.F) {
	id, _ := age.GenerateHybridIdentity()
	f.Add("fieldvault-card-v1 " + id.Recipient().String() + " ed25519:" + strings.Repeat("A", 43) + " Partner NGO")
	f.Add("fieldvault-card-v1 age1 ed25519: x")
	f.Fuzz(func(t *testing.T, line string) {
		c, err := ParseCard(line)
		if err != nil {
			return
		}
		again, err := ParseCard(c.String())
		if err != nil || again.String() != c.String() {
			t.Fatalf("card does not round-trip: %q", line)
		}
	})
}

// FuzzCheck feeds arbitrary plaintext to the bundle and receipt reader, as
// if it had been sealed to this vault: every input is rejected or verified,
// never a panic, and nothing but the signed original is accepted.
func FuzzCheck(f *testing.F) {
	p := newPair(f)
	own, _ := p.partner.Recipient()
	field, _ := OwnCard(p.field)
	// A small signed bundle as the seed: the fuzzer works on the tar and
	// JSON framing, which a real bundle's large questionnaire would drown.
	rec := []byte(`{"id":"6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa","version":1,"status":"complete","body":{}}`)
	sum := sha256.Sum256(rec)
	m := Manifest{Format: bundleFormat, Bundle: "b1", Sender: field.String(), Recipient: own, Seq: 1,
		Schemas: []SchemaEntry{}, Records: []Entry{{ID: uuid.MustParse("6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa"), Version: 1, SHA256: sum}}}
	mb := m.Encode()
	sig, _ := p.field.Sign(mb)
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	writeTar(tw, "records/6f1c2a5e-8d0b-4c1e-9a43-2b7e51d0c9aa.json", rec)
	writeTar(tw, "manifest.json", mb)
	writeTar(tw, "manifest.sig", sig)
	tw.Close()
	seed := tb.Bytes()
	contacts, _ := p.partner.Contacts()
	list := func() ([]vault.Contact, error) { return contacts, nil }
	if _, err := checkPlain(bytes.NewReader(seed), own, list, nil); err != nil {
		f.Fatalf("the seed bundle does not verify: %v", err)
	}
	f.Add(seed)
	f.Add(seed[:len(seed)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		ck, err := checkPlain(bytes.NewReader(data), own, list, nil)
		if err == nil && ck.Manifest != nil && ck.Manifest.Bundle != "b1" {
			t.Fatalf("accepted a bundle nobody signed")
		}
	})
}
