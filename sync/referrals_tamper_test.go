package sync

import (
	"archive/tar"
	"bytes"
	"io"
	"os"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/fieldvault/fieldvault/sync/referral"
)

// rewrap decrypts a bundle for its recipient, lets edit change its tar
// entries, and encrypts the result to the same recipient again: what
// anyone who knows a partner's public card can do.
func rewrap(t *testing.T, p pair, path string, edit func(name string, body []byte) ([]byte, bool)) []byte {
	t.Helper()
	id, _ := p.partner.Identity()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := age.Decrypt(f, id)
	if err != nil {
		t.Fatal(err)
	}
	rcpt, _ := p.partner.Recipient()
	to, err := age.ParseHybridRecipient(rcpt)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w, _ := age.Encrypt(&out, to)
	tw := tar.NewWriter(w)
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		body, keep := edit(h.Name, body)
		if !keep {
			continue
		}
		tw.WriteHeader(&tar.Header{Name: h.Name, Mode: 0o600, Size: int64(len(body)), Typeflag: tar.TypeReg})
		tw.Write(body)
	}
	tw.Close()
	w.Close()
	return out.Bytes()
}

// The referrals and the service directory a bundle carries are signed
// through its manifest: changed, dropped or one put in their place, the
// bundle is refused and the partner's vault is left as it was.
func TestReferralsAndDirectoryTamper(t *testing.T) {
	p := newPair(t)
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if err := p.field.SetDirectory([]byte(`{"services":[{"id":"pelangi-shelter","name":"Rumah Aman","type":"shelter","organisation":"Partner NGO"}]}`), "service directory imported: 1 services"); err != nil {
		t.Fatal(err)
	}
	ids := intakes(t, p.field, 1, "Partner NGO")
	if _, err := Refer(p.field, ReferOptions{Record: ids[0], Service: shelter, Priority: referral.Urgent, Now: now}); err != nil {
		t.Fatal(err)
	}
	res, err := Export(p.field, "Partner NGO", t.TempDir(), ExportOptions{})
	if err != nil || res.Referrals != 1 || !res.Directory {
		t.Fatalf("export: %+v %v", res, err)
	}
	for name, edit := range map[string]func(string, []byte) ([]byte, bool){
		"referrals changed": func(n string, b []byte) ([]byte, bool) {
			if n == "referrals.json" {
				// The threads' bodies are base64: change one of their bytes.
				i := bytes.Index(b, []byte(`"body":"`)) + 20
				b = bytes.Clone(b)
				b[i] ^= 1
			}
			return b, true
		},
		"referrals dropped": func(n string, b []byte) ([]byte, bool) { return b, n != "referrals.json" },
		"directory changed": func(n string, b []byte) ([]byte, bool) {
			if n == "directory.json" {
				b = bytes.Replace(b, []byte("Rumah Aman"), []byte("Fake Shelter"), 1)
			}
			return b, true
		},
		"directory dropped": func(n string, b []byte) ([]byte, bool) { return b, n != "directory.json" },
	} {
		expectRejected(t, p.partner, name, rewrap(t, p, res.Path, edit))
	}
	// Unchanged, it imports.
	if _, err := Import(p.partner, res.Path, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	dirs, _ := p.partner.PartnerDirectories()
	if len(dirs) != 1 {
		t.Errorf("the partner keeps %d directories", len(dirs))
	}
}
