//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package vault

import bolt "go.etcd.io/bbolt"

// dropMapped does nothing where the memory map cannot be advised.
func (v *Vault) dropMapped() {}

func (v *Vault) dropMappedIn(*bolt.Tx) {}
