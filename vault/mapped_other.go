//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package vault

// dropMapped does nothing where the memory map cannot be advised.
func (v *Vault) dropMapped() {}
