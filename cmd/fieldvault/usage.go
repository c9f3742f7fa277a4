package main

import (
	"regexp"
	"strings"
)

// cobraErrors are the sentences cobra and pflag make about a command line,
// matched so that they can be said in the interface language: the libraries
// write them in English, with no code to tell them apart. A sentence not
// matched here is shown as it is (and the language tests would see it).
var cobraErrors = []pattern{
	{regexp.MustCompile(`^unknown command (".*") for (".*")`), "usage.unknown_command"},
	{regexp.MustCompile(`^accepts (\d+) arg\(s\), received (\d+)$`), "usage.accepts_args"},
	{regexp.MustCompile(`^accepts at most (\d+) arg\(s\), received (\d+)$`), "usage.accepts_at_most"},
	{regexp.MustCompile(`^requires at least (\d+) arg\(s\), only received (\d+)$`), "usage.requires_at_least"},
	{regexp.MustCompile(`^unknown flag: (.+)$`), "usage.unknown_flag"},
	{regexp.MustCompile(`^unknown shorthand flag: '(.)' in (.+)$`), "usage.unknown_shorthand"},
	{regexp.MustCompile(`^flag needs an argument: '(.)' in (.+)$`), "usage.needs_value_shorthand"},
	{regexp.MustCompile(`^flag needs an argument: (.+)$`), "usage.needs_value"},
	{regexp.MustCompile(`^invalid argument (".*") for (".*") flag: (.+)$`), "usage.invalid_value"},
	{regexp.MustCompile(`^bad flag syntax: (.+)$`), "usage.bad_syntax"},
}

// suggestion is cobra's "Did you mean this?" list after an unknown command.
var suggestion = regexp.MustCompile(`\n\t(\S+)`)

// cobraUsageErr turns an error cobra or pflag made about the command line
// into a usage error with a catalog text.
func cobraUsageErr(err error) error {
	msg := err.Error()
	if id, groups, ok := match(cobraErrors, msg); ok {
		args := make([]any, len(groups))
		for i, s := range groups {
			args[i] = strings.Trim(s, `"`)
		}
		e := usageErr(id, args...)
		if s := suggestion.FindAllStringSubmatch(msg, -1); len(s) > 0 {
			names := make([]string, len(s))
			for i, x := range s {
				names[i] = x[1]
			}
			return withHint(e, "hint.did_you_mean", strings.Join(names, ", "))
		}
		return e
	}
	return usageErr("usage.as_is", msg)
}

// pattern matches an English sentence that a library says, or that an
// older entry wrote, to the catalog text that says it in any language,
// filled with the pattern's groups.
type pattern struct {
	re *regexp.Regexp
	id string
}

// match finds the first of patterns that s is, with its groups.
func match(patterns []pattern, s string) (id string, groups []string, ok bool) {
	for _, x := range patterns {
		if m := x.re.FindStringSubmatch(s); m != nil {
			return x.id, m[1:], true
		}
	}
	return "", nil, false
}
