package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fieldvault/fieldvault/intake"
	"github.com/fieldvault/fieldvault/schema"
	"github.com/fieldvault/fieldvault/vault"
)

func newFollowupCmd(a *app) *cobra.Command {
	opts := intakeOptions{schema: schema.FollowUpID}
	cmd := &cobra.Command{
		Use:  "followup ID",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.follows = func(v *vault.Vault) (string, error) { return a.firstRecord(v, args[0]) }
			return a.runIntake(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.lang, "lang", "", "")
	cmd.Flags().StringVar(&opts.answers, "answers", "", "")
	return cmd
}

// first is the record a follow-up links to, checked; "" for an intake.
func (o intakeOptions) first(v *vault.Vault) (string, error) {
	if o.follows == nil {
		return "", nil
	}
	return o.follows(v)
}

// firstRecord finds the person's first record from the ID of any of their
// records, checks that they agreed to be followed up, and says what the
// first interview found, so that the follow-up can ask about each need.
func (a *app) firstRecord(v *vault.Vault, idArg string) (string, error) {
	id, err := v.ResolveID(idArg)
	if err != nil {
		return "", err
	}
	r, err := v.GetRecord(id)
	if err != nil {
		return "", err
	}
	if r.Follows != "" {
		if r, err = v.GetRecord(r.Follows); err != nil {
			return "", err
		}
	}
	short := r.ID[:8]
	switch r.Status {
	case vault.StatusDraft:
		return "", errorf("followup.draft", short)
	case vault.StatusDeclined:
		return "", errorf("followup.declined_interview", short)
	}
	answers, _, err := intake.BodyAnswers(r.Body)
	if err != nil {
		return "", err
	}
	if answers[intake.QFollowup] != true {
		return "", errorf("followup.no_consent", short)
	}
	// What the first interview found, in the worker's language where its
	// questionnaire has it.
	lang := r.Lang
	if src, err := v.Schema(r.Schema.Hash); err == nil {
		if s, err := schema.Parse(src); err == nil {
			if s.HasLanguage(a.lang()) {
				lang = a.lang()
			}
			needs := intake.Needs(s, answers, lang)
			fmt.Fprintln(a.err, a.tr("followup.first", short, r.Created.Local().Format("2006-01-02")))
			if len(needs) == 0 {
				fmt.Fprintln(a.err, a.tr("followup.no_needs"))
			} else {
				fmt.Fprintln(a.err, a.tr("followup.needs", strings.Join(needs, "; ")))
			}
		}
	}
	return r.ID, nil
}
