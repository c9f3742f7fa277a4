package sync

import (
	"archive/tar"
	"bytes"
	"os"
	"strings"
	"testing"

	"filippo.io/age"

	"github.com/fieldvault/fieldvault/vault"
)

// FuzzParseManifest: any bytes give a manifest or an error, never a panic.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"format":"fieldvault-bundle-v1","bundle":"b","sender":"s","recipient":"r","seq":1,"created":"2026-01-01T00:00:00Z","schemas":[],"records":[]}`))
	f.Add([]byte(`{"format":"fieldvault-receipt-v1","receipt":"r","bundle":"b","sender":"s","recipient":"r","created":"2026-01-01T00:00:00Z","records":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if m, err := ParseManifest(data); err == nil && (m.Seq < 1 || m.Bundle == "") {
			t.Fatal("accepted a manifest without sequence or ID")
		}
		ParseReceipt(data)
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
	intakes(f, p.field, 2, "Partner NGO")
	res, err := Export(p.field, "Partner NGO", f.TempDir(), ExportOptions{})
	if err != nil {
		f.Fatal(err)
	}
	id, _ := p.partner.Identity()
	own, _ := p.partner.Recipient()
	plain := decryptFile(f, res.Path, id)
	f.Add(plain)
	f.Add(plain[:len(plain)/2])
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	writeTar(tw, "manifest.json", []byte(`{}`))
	tw.Close()
	f.Add(tb.Bytes())
	contacts, _ := p.partner.Contacts()
	list := func() ([]vault.Contact, error) { return contacts, nil }
	f.Fuzz(func(t *testing.T, data []byte) {
		ck, err := checkPlain(bytes.NewReader(data), own, list)
		if err == nil && ck.Manifest != nil && !bytes.Equal(data, plain) && ck.Manifest.Bundle != res.Manifest.Bundle {
			t.Fatalf("accepted a bundle nobody signed")
		}
	})
}

func decryptFile(t testing.TB, path string, id age.Identity) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := age.Decrypt(f, id)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if _, err := b.ReadFrom(r); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
