package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/fieldvault/fieldvault/cmd/catalog"
)

// newGenManCmd writes the man pages (`make man`). The date in them comes
// from SOURCE_DATE_EPOCH, else the commit the binary was built from, else
// 1970, never the clock: the same source gives the same pages.
func newGenManCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:    "gen-man DIR",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			date, err := manDate(a.getenv("SOURCE_DATE_EPOCH"))
			if err != nil {
				return err
			}
			root := cmd.Root()
			root.InitDefaultCompletionCmd()
			root.DisableAutoGenTag = true
			defer func(l string) { a.langFlag = l; a.localizeTree(root) }(a.langFlag)
			for _, lang := range catalog.Languages() {
				dir := filepath.Join(args[0], "man1")
				if lang != "en" {
					dir = filepath.Join(args[0], lang, "man1")
				}
				if err := os.MkdirAll(dir, 0o755); err != nil {
					return err
				}
				a.langFlag = lang
				a.localizeTree(root)
				header := &doc.GenManHeader{Date: &date, Source: "fieldvault " + manVersion(), Manual: "fieldvault"}
				if err := doc.GenManTree(root, header, dir); err != nil {
					return errorf("errors.cannot_write", dir, err)
				}
			}
			a.langFlag = ""
			fmt.Fprintln(a.err, a.tr("man.wrote", args[0]))
			return nil
		},
	}
}

func manDate(epoch string) (time.Time, error) {
	if epoch != "" {
		n, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return time.Time{}, usageErr("man.bad_epoch", epoch)
		}
		return time.Unix(n, 0).UTC(), nil
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == "vcs.time" {
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					return t.UTC(), nil
				}
			}
		}
	}
	return time.Unix(0, 0).UTC(), nil
}

func manVersion() string {
	if version == "" {
		return "devel"
	}
	return version
}
