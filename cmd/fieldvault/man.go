package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
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
				if err := a.localizeManPages(dir, date); err != nil {
					return errorf("errors.cannot_write", dir, err)
				}
			}
			a.langFlag = ""
			fmt.Fprintln(a.err, a.tr("man.wrote", args[0]))
			return nil
		},
	}
}

// localizeManPages says the section headings and the month of every page
// in dir in the interface language: cobra/doc writes them in English.
func (a *app) localizeManPages(dir string, date time.Time) error {
	var pairs []string
	for _, s := range []struct{ en, id string }{
		{"NAME", "man.section_name"}, {"SYNOPSIS", "man.section_synopsis"},
		{"DESCRIPTION", "man.section_description"}, {"OPTIONS", "man.section_options"},
		{"OPTIONS INHERITED FROM PARENT COMMANDS", "man.section_inherited"},
		{"EXAMPLE", "man.section_example"}, {"SEE ALSO", "man.section_see_also"},
	} {
		pairs = append(pairs, "\n.SH "+s.en+"\n", "\n.SH "+a.tr(s.id)+"\n")
	}
	months := strings.Fields(a.tr("man.months"))
	if len(months) == 12 {
		pairs = append(pairs, `"`+date.Format("Jan 2006")+`"`, fmt.Sprintf(`"%s %d"`, months[date.Month()-1], date.Year()))
	}
	r := strings.NewReplacer(pairs...)
	pages, err := filepath.Glob(filepath.Join(dir, "*.1"))
	if err != nil {
		return err
	}
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(r.Replace(string(b))), 0o644); err != nil {
			return err
		}
	}
	return nil
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
