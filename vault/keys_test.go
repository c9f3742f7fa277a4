package vault

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"io"
	"testing"

	"filippo.io/age"
)

// The fast record writer writes standard age files: age's own reader opens
// them, at every size up to one chunk, empty included.
func TestEncryptSmallIsAge(t *testing.T) {
	aead, _ := deriveAEAD(bytes.Repeat([]byte{7}, 32), labelRecordWrap)
	ad := adFor(bucketRecords, []byte("0123456789abcdef"))
	for _, n := range []int{0, 1, 47, 48, 1500, maxChunk - 1, maxChunk} {
		pt := make([]byte, n)
		rand.Read(pt)
		blob, err := encryptSmall(aead, ad, pt)
		if err != nil {
			t.Fatal(err)
		}
		r, err := age.Decrypt(bytes.NewReader(blob), recordRecipient{aead, ad})
		if err != nil {
			t.Fatalf("%d bytes: age cannot open it: %v", n, err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, pt) {
			t.Fatalf("%d bytes: age reads something else (%v)", n, err)
		}
		again, _ := encryptSmall(aead, ad, pt)
		if bytes.Equal(again, blob) {
			t.Fatalf("%d bytes: two encryptions are the same file", n)
		}
	}
}

// The fast record reader must agree with age's own reader on every file
// fieldvault writes, and refuse every altered one.
func TestDecryptSmallMatchesAge(t *testing.T) {
	aead, _ := deriveAEAD(bytes.Repeat([]byte{7}, 32), labelRecordWrap)
	ad := adFor(bucketRecords, []byte("0123456789abcdef"))
	for _, n := range []int{1, 47, 48, 1500, maxChunk - 1, maxChunk, maxChunk + 1, 3 * maxChunk} {
		pt := make([]byte, n)
		rand.Read(pt)
		blob, err := encryptBlob(aead, ad, pt)
		if err != nil {
			t.Fatal(err)
		}
		r, err := age.Decrypt(bytes.NewReader(blob), recordRecipient{aead, ad})
		if err != nil {
			t.Fatal(err)
		}
		want, _ := io.ReadAll(r)
		got, err := decryptBlob(aead, ad, blob)
		if err != nil || !bytes.Equal(got, want) || !bytes.Equal(got, pt) {
			t.Fatalf("%d bytes: fast reader disagrees with age (%v)", n, err)
		}
		_, handled, _ := decryptSmall(aead, ad, blob)
		if handled != (n <= maxChunk) {
			t.Errorf("%d bytes: handled by the fast reader = %v", n, handled)
		}
		if n > 2000 {
			continue
		}
		// Every flipped byte, truncation and extension is refused.
		for i := range blob {
			bad := bytes.Clone(blob)
			bad[i] ^= 0x20
			if _, err := decryptBlob(aead, ad, bad); err == nil {
				t.Fatalf("%d bytes: flipping byte %d went unnoticed", n, i)
			}
		}
		for _, bad := range [][]byte{blob[:len(blob)-1], append(bytes.Clone(blob), 0)} {
			if _, err := decryptBlob(aead, ad, bad); err == nil {
				t.Fatalf("%d bytes: a truncated or extended file was accepted", n)
			}
		}
		if _, err := decryptBlob(aead, adFor(bucketRecords, []byte("other key.......")), blob); err == nil {
			t.Fatalf("%d bytes: a record was accepted under another key", n)
		}
	}
}

// ageSealScrypt writes a format 1 key slot, as fieldvault did before slots
// could take a new master key.
func ageSealScrypt(passphrase []byte, wf int, p slotPayload) ([]byte, error) {
	r, err := age.NewScryptRecipient(string(passphrase))
	if err != nil {
		return nil, err
	}
	r.SetWorkFactor(wf)
	pt, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return ageSeal(r, pt)
}

// FuzzDecryptSmall: for any input the fast record reader takes on, age's
// own reader must accept and reject the same files and read the same
// plaintext.
func FuzzDecryptSmall(f *testing.F) {
	aead, _ := deriveAEAD(bytes.Repeat([]byte{7}, 32), labelRecordWrap)
	ad := adFor(bucketRecords, []byte("0123456789abcdef"))
	for _, n := range []int{0, 1, 48, 300} {
		blob, _ := encryptSmall(aead, ad, bytes.Repeat([]byte{'x'}, n))
		f.Add(blob)
	}
	f.Fuzz(func(t *testing.T, blob []byte) {
		pt, handled, err := decryptSmall(aead, ad, blob)
		if !handled {
			return
		}
		r, ageErr := age.Decrypt(bytes.NewReader(blob), recordRecipient{aead, ad})
		var agePT []byte
		if ageErr == nil {
			agePT, ageErr = io.ReadAll(r)
		}
		if (err == nil) != (ageErr == nil) {
			t.Fatalf("fast reader: %v; age: %v", err, ageErr)
		}
		if err == nil && !bytes.Equal(pt, agePT) {
			t.Fatal("fast reader and age read different plaintexts")
		}
	})
}
