package session

import (
	"slices"
	"strings"
	"testing"
)

func TestParseMounts(t *testing.T) {
	mounts := `sysfs /sys sysfs rw,nosuid 0 0
/dev/nvme0n1p2 / ext4 rw,relatime 0 0
/dev/nvme0n1p1 /boot/efi vfat rw 0 0
tmpfs /run/user/1000 tmpfs rw 0 0
/dev/sdb1 /media/worker/KINGSTON vfat rw,nosuid,nodev 0 0
/dev/sdc1 /run/media/worker/USB\040DISK exfat rw 0 0
/dev/sdd1 /srv/stick vfat rw 0 0
/dev/sde1 /mnt/backup ext4 rw 0 0
`
	got := parseMounts(strings.NewReader(mounts))
	want := []string{"/media/worker/KINGSTON", "/run/media/worker/USB DISK", "/srv/stick", "/mnt/backup"}
	if !slices.Equal(got, want) {
		t.Errorf("parseMounts = %q, want %q", got, want)
	}
}

func TestWrap(t *testing.T) {
	got := wrap("Wrote bundle 1 for Partner NGO, in /a/very/long/path/that/does/not/fit\nsecond", 24)
	want := "Wrote bundle 1 for\nPartner NGO, in\n/a/very/long/path/that/d\noes/not/fit\nsecond"
	if got != want {
		t.Errorf("wrap =\n%s\nwant\n%s", got, want)
	}
}

// Windows: the drive letters in the mask, kept where the drive is removable.
func TestRemovableRoots(t *testing.T) {
	mask := uint32(1<<2 | 1<<4 | 1<<5 | 1<<25) // C:, E:, F:, Z:
	removable := map[string]bool{`E:\`: true, `Z:\`: true}
	got := removableRoots(mask, func(root string) bool { return removable[root] })
	if !slices.Equal(got, []string{`E:\`, `Z:\`}) {
		t.Fatalf("removableRoots = %q", got)
	}
}
