package session

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
)

// RemovableDrives lists the folders where the OS mounts USB sticks and
// other removable drives, where it is possible to tell: on Linux, what is
// mounted under /media, /run/media or /mnt, or with a file system USB
// sticks use; on macOS, the volumes besides the system disk; on Windows,
// the drive letters of removable drives. Elsewhere the worker types the
// folder.
func RemovableDrives() []string {
	switch runtime.GOOS {
	case "windows":
		return windowsDrives()
	case "linux":
		f, err := os.Open("/proc/self/mounts")
		if err != nil {
			return nil
		}
		defer f.Close()
		return parseMounts(f)
	case "darwin":
		entries, _ := os.ReadDir("/Volumes")
		var out []string
		for _, e := range entries {
			p := filepath.Join("/Volumes", e.Name())
			if target, err := os.Readlink(p); err == nil && target == "/" {
				continue // the system disk
			}
			out = append(out, p)
		}
		return out
	}
	return nil
}

// parseMounts reads /proc/self/mounts: "device mountpoint fstype options 0 0",
// with spaces in paths written as \040.
func parseMounts(r io.Reader) []string {
	usbFS := []string{"vfat", "exfat", "msdos", "ntfs", "ntfs3", "fuseblk", "hfsplus", "udf", "iso9660"}
	var out []string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 3 || !strings.HasPrefix(f[0], "/dev/") {
			continue
		}
		dir := unescapeMount(f[1])
		under := false
		for _, root := range []string{"/media/", "/run/media/", "/mnt/"} {
			under = under || strings.HasPrefix(dir, root)
		}
		if (under || slices.Contains(usbFS, f[2])) && !slices.Contains(out, dir) && dir != "/boot/efi" && !strings.HasPrefix(dir, "/boot") {
			out = append(out, dir)
		}
	}
	return out
}

func unescapeMount(s string) string {
	r := strings.NewReplacer(`\040`, " ", `\011`, "\t", `\012`, "\n", `\134`, `\`)
	return r.Replace(s)
}

// removableRoots turns Windows' bit mask of drive letters (bit 0 is A:)
// into the root folders of the removable ones.
func removableRoots(mask uint32, removable func(root string) bool) []string {
	var out []string
	for i := range 26 {
		if mask&(1<<i) == 0 {
			continue
		}
		if root := string(rune('A'+i)) + `:\`; removable(root) {
			out = append(out, root)
		}
	}
	return out
}
