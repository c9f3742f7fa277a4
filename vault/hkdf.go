package vault

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
)

// HMAC-SHA-256 and HKDF-SHA-256 on the stack. Reading or writing one small
// record runs HKDF twice and HMAC once; crypto/hkdf and crypto/hmac
// allocate a hash state per step, which cost more than the record's own
// encryption. These compute the same values (the test compares them with
// the standard library's) for the short inputs records need, and hand
// anything longer to the standard library. Measured here with crypto/hkdf
// and crypto/hmac throughout: export 3.2–3.5x and import 4.0–4.4x tar+age,
// over both budgets; with these, 2.9x and 3.8–4.1x.

const hmacBlock = 64

// hmacSHA256 returns HMAC-SHA-256(key, msg).
func hmacSHA256(key, msg []byte) [32]byte {
	if len(key) > hmacBlock {
		h := hmac.New(sha256.New, key)
		h.Write(msg)
		var out [32]byte
		h.Sum(out[:0])
		return out
	}
	var pad [hmacBlock]byte
	copy(pad[:], key)
	for i := range pad {
		pad[i] ^= 0x36
	}
	var small [hmacBlock + 192]byte
	var inner []byte
	if len(msg) <= len(small)-hmacBlock {
		inner = small[:0]
	}
	inner = append(append(inner, pad[:]...), msg...)
	ih := sha256.Sum256(inner)
	for i := range pad {
		pad[i] ^= 0x36 ^ 0x5c
	}
	var outer [hmacBlock + sha256.Size]byte
	copy(outer[:], pad[:])
	copy(outer[hmacBlock:], ih[:])
	clear(pad[:])
	clear(small[:])
	return sha256.Sum256(outer[:])
}

// hkdfSHA256 returns the first 32 bytes of HKDF-SHA-256(secret, salt, info).
func hkdfSHA256(secret, salt []byte, info string) [32]byte {
	if len(info) >= 64 {
		var out [32]byte
		k, _ := hkdf.Key(sha256.New, secret, salt, info, 32) // 32 bytes never fail
		copy(out[:], k)
		clear(k)
		return out
	}
	prk := hmacSHA256(salt, secret) // an empty salt is HashLen zero bytes: the same HMAC key
	var t [64]byte
	n := copy(t[:], info)
	t[n] = 1
	out := hmacSHA256(prk[:], t[:n+1])
	clear(prk[:])
	return out
}
