package main

import (
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/fieldvault/fieldvault/cmd/catalog"
)

// The interface speaks every language cmd/catalog has a file for. Code names
// a text by its catalog ID; a test checks that every ID the code uses is in
// every catalog.

// lang is the interface language: --lang, then the vault's setting (known
// once it is unlocked), then the OS locale, then English.
func (a *app) lang() string {
	for _, l := range []string{a.langFlag, a.vaultLang, localeLang(a.getenv)} {
		if l != "" {
			return l
		}
	}
	return catalog.Default
}

// localeLang reads the language from the POSIX locale variables, in the
// order the C library reads them: "id_ID.UTF-8" means Indonesian.
func localeLang(getenv func(string) string) string {
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := getenv(name)
		if v == "" {
			continue
		}
		l, _, _ := strings.Cut(strings.ToLower(v), "_")
		l, _, _ = strings.Cut(l, ".")
		if catalog.Supported(l) {
			return l
		}
		return ""
	}
	return ""
}

// tr is the text id in the interface language, with args filled in.
func (a *app) tr(id string, args ...any) string { return catalog.Text(a.lang(), id, args...) }

// trf is tr, named for the texts that take arguments so they read as such.
func (a *app) trf(id string, args ...any) string { return catalog.Text(a.lang(), id, args...) }

// trn is the form of text id for the count n (CLDR plural rules).
func (a *app) trn(id string, n any, args ...any) string {
	return catalog.Plural(a.lang(), id, n, args...)
}

// status is a record's status in the interface language.
func (a *app) status(s string) string { return a.tr("status." + s) }

// triage is a triage level's name, or "" for none.
func (a *app) triage(level string) string {
	if level == "" {
		return ""
	}
	return a.tr("triage." + level)
}

// localizeHelp makes cobra's help speak the interface language: each
// command's description, each flag's, and the headings of the usage text.
func (a *app) localizeHelp(root *cobra.Command) {
	english := root.UsageTemplate()
	show := root.HelpFunc()
	root.SetHelpFunc(func(c *cobra.Command, args []string) {
		a.localizeTree(root)
		root.SetUsageTemplate(a.usageTemplate(english))
		show(c, args)
	})
	root.SetUsageTemplate(a.usageTemplate(english))
	a.localizeTree(root)
}

// usageTemplate is cobra's usage template with its headings and the exit
// codes in the interface language.
func (a *app) usageTemplate(english string) string {
	var pairs []string
	for _, h := range [][2]string{
		{"Usage:", "help.usage"},
		{"Aliases:", "help.aliases"},
		{"Examples:", "help.examples"},
		{"Available Commands:", "help.commands"},
		{"Additional Commands:", "help.additional_commands"},
		{"Global Flags:", "help.global_flags"},
		{"Flags:", "help.flags"},
		{"Additional help topics:", "help.topics"},
		{`Use "{{.CommandPath}} [command] --help" for more information about a command.`, "help.more"},
		{"[flags]", "help.flags_word"},
		{"[command]", "help.command_word"},
	} {
		pairs = append(pairs, h[0], a.tr(h[1]))
	}
	return strings.NewReplacer(pairs...).Replace(english) + "\n" + a.tr("help.exit_codes")
}

// localizeTree gives every command its description and every flag its help
// from the catalog: the text of command "cases export" is
// cmd.cases.export.short, .long and .flags.NAME.
var placeholder = regexp.MustCompile(`\b[A-Z]{2,}\b`)

func (a *app) localizeTree(c *cobra.Command) {
	key := strings.Join(append([]string{"cmd"}, strings.Fields(c.CommandPath())[1:]...), ".")
	if !catalog.Has(catalog.Default, key+".short") {
		// cobra's hidden completion helpers: nobody reads their help.
		return
	}
	// cobra writes "[flags]" into the usage line itself, in English, for
	// help and man pages alike; the command's Use says it instead.
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	use, ok := c.Annotations["fieldvault.use"]
	if !ok {
		use = c.Use
		c.Annotations["fieldvault.use"] = use
	}
	// Placeholders (FILE, NAME) are said as the flags' help says them.
	use = placeholder.ReplaceAllStringFunc(use, func(w string) string {
		if id := "usageword." + strings.ToLower(w); catalog.Has(catalog.Default, id) {
			return a.tr(id)
		}
		return w
	})
	c.Use, c.DisableFlagsInUseLine = use, true
	if c.HasAvailableFlags() {
		c.Use += " " + a.tr("help.flags_word")
	}
	c.Short = a.tr(key + ".short")
	if catalog.Has(catalog.Default, key+".long") {
		c.Long = a.tr(key + ".long")
	}
	flag := func(f *pflag.Flag) {
		if f.Name == "help" {
			f.Usage = a.tr("help.help_flag", c.Name())
			return
		}
		f.Usage = a.tr(key + ".flags." + f.Name)
	}
	c.LocalNonPersistentFlags().VisitAll(flag)
	c.PersistentFlags().VisitAll(flag)
	for _, sub := range c.Commands() {
		a.localizeTree(sub)
	}
}
