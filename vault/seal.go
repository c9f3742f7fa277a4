package vault

import (
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"errors"

	"golang.org/x/crypto/chacha20poly1305"
)

// Subkey labels. Each purpose gets its own key so that a value sealed for one
// purpose can never be opened as another.
const (
	labelRecordWrap = "fieldvault v1 record wrap"
	labelSummary    = "fieldvault v1 summary"
	labelMeta       = "fieldvault v1 meta"
)

// errCorrupt means a sealed value failed authentication: the file was altered
// or damaged.
var errCorrupt = errors.New("vault data failed authentication")

// deriveAEAD returns XChaCha20-Poly1305 keyed with HKDF-SHA256(master, label).
func deriveAEAD(master []byte, label string) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, master, nil, label, chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	return chacha20poly1305.NewX(key)
}

// seal encrypts plaintext with a fresh random nonce, binding it to ad. The
// result is nonce || ciphertext.
func seal(aead cipher.AEAD, plaintext, ad []byte) []byte {
	out := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	if _, err := rand.Read(out); err != nil {
		// crypto/rand never fails on supported platforms (Go 1.24+ crashes
		// the program instead of returning an error).
		panic(err)
	}
	return aead.Seal(out, out, plaintext, ad)
}

// open reverses seal. It returns errCorrupt for any authentication failure.
func open(aead cipher.AEAD, sealed, ad []byte) ([]byte, error) {
	n := aead.NonceSize()
	if len(sealed) < n+aead.Overhead() {
		return nil, errCorrupt
	}
	pt, err := aead.Open(nil, sealed[:n], sealed[n:], ad)
	if err != nil {
		return nil, errCorrupt
	}
	return pt, nil
}
