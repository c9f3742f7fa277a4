package vault

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"testing"
)

func TestHKDFMatchesStandardLibrary(t *testing.T) {
	for i := range 500 {
		secret, salt, msg := make([]byte, 16+i%17), make([]byte, i%33), make([]byte, i)
		rand.Read(secret)
		rand.Read(salt)
		rand.Read(msg)
		long := string(msg[:min(len(msg), 100)])
		for _, info := range []string{"header", "payload", "", long} {
			want, _ := hkdf.Key(sha256.New, secret, salt, info, 32)
			if got := hkdfSHA256(secret, salt, info); string(got[:]) != string(want) {
				t.Fatalf("hkdf(%d-byte secret, %d-byte salt, %q) differs", len(secret), len(salt), info)
			}
		}
		key := salt
		if i%5 == 0 {
			key = msg // up to 499 bytes: longer than a block
		}
		h := hmac.New(sha256.New, key)
		h.Write(msg)
		if got := hmacSHA256(key, msg); !hmac.Equal(got[:], h.Sum(nil)) {
			t.Fatalf("hmac(%d-byte key, %d-byte message) differs", len(key), len(msg))
		}
	}
}
