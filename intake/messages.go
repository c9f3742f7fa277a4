package intake

import "github.com/fieldvault/fieldvault/cmd/catalog"

// msgKey names a message the runners and validation show, as its ID in the
// message catalogs (cmd/catalog). Survivors may read the screen, so the
// interview's texts are said in the interview's language, not the
// interface's; a language with no catalog falls back to English.
type msgKey string

const (
	msgUnknownQuestion   msgKey = "interview.unknown_question"
	msgNotOnPage         msgKey = "interview.not_on_page"
	msgNotAsked          msgKey = "interview.not_asked"
	msgRequired          msgKey = "interview.required"
	msgWantYesNo         msgKey = "interview.want_yes_no"
	msgWantNumber        msgKey = "interview.want_number"
	msgNumberRange       msgKey = "interview.number_range"
	msgWantOption        msgKey = "interview.want_option"
	msgUnknownOption     msgKey = "interview.unknown_option"
	msgWantList          msgKey = "interview.want_list"
	msgWantDate          msgKey = "interview.want_date"
	msgWantText          msgKey = "interview.want_text"
	msgOneLine           msgKey = "interview.one_line"
	msgEmpty             msgKey = "interview.empty"
	msgLength            msgKey = "interview.length"
	msgPattern           msgKey = "interview.pattern"
	msgNotAnswerable     msgKey = "interview.not_answerable"
	msgUnknownContact    msgKey = "interview.unknown_contact"
	msgNoContacts        msgKey = "interview.no_contacts"
	msgWantWhole         msgKey = "interview.want_whole"
	msgCheck             msgKey = "interview.check"
	msgPage              msgKey = "interview.page"
	msgPreferNot         msgKey = "interview.prefer_not"
	msgPreferNotAlone    msgKey = "interview.prefer_not_alone"
	msgYes               msgKey = "interview.yes"
	msgNo                msgKey = "interview.no"
	msgNone              msgKey = "interview.none"
	msgRequiredMark      msgKey = "interview.required_mark"
	msgHowYesNo          msgKey = "interview.how_yes_no"
	msgHowChoice         msgKey = "interview.how_choice"
	msgHowMulti          msgKey = "interview.how_multi"
	msgHowText           msgKey = "interview.how_text"
	msgHowNumber         msgKey = "interview.how_number"
	msgHowDate           msgKey = "interview.how_date"
	msgCommands          msgKey = "interview.commands"
	msgStopped           msgKey = "interview.stopped"
	msgDeclined          msgKey = "interview.declined"
	msgAlert             msgKey = "interview.alert"
	msgSummaryTitle      msgKey = "interview.summary_title"
	msgSummaryTriage     msgKey = "interview.summary_triage"
	msgSummaryNeeds      msgKey = "interview.summary_needs"
	msgSummaryNoNeeds    msgKey = "interview.summary_no_needs"
	msgSummaryReferrals  msgKey = "interview.summary_referrals"
	msgSummaryShare      msgKey = "interview.summary_share"
	msgSummaryShareNone  msgKey = "interview.summary_share_none"
	msgSummaryFollowup   msgKey = "interview.summary_followup"
	msgSummaryEndedEarly msgKey = "interview.summary_ended_early"
	msgConsentScript     msgKey = "interview.consent_script"
	msgTryAgain          msgKey = "interview.try_again"
	msgFirstPage         msgKey = "interview.first_page"
	msgKeepEarlier       msgKey = "interview.keep_earlier"
	msgConfirmStop       msgKey = "interview.confirm_stop"
	msgNext              msgKey = "interview.next"
	msgEnd               msgKey = "interview.end"
	msgSkipEmpty         msgKey = "interview.skip_empty"
	msgConfirmStopTitle  msgKey = "interview.confirm_stop_title"
	msgKeepGoing         msgKey = "interview.keep_going"
	msgFormKeys          msgKey = "interview.form_keys"
	msgHowMultiForm      msgKey = "interview.how_multi_form"
	msgTheAnswer         msgKey = "interview.the_answer"
	msgSensitiveHidden   msgKey = "interview.sensitive_hidden"
	msgTemplateRef       msgKey = "interview.template_ref"
	msgTemplateYesNo     msgKey = "interview.template_yes_no"
	msgTemplateMulti     msgKey = "interview.template_multi"
	msgTemplatePartners  msgKey = "interview.template_partners"
)

// text returns a message in lang, or in English if lang has none.
func text(lang string, k msgKey) string { return catalog.Text(lang, string(k)) }

// levelName says a triage level in lang for the summary.
func levelName(lang, level string) string {
	if id := "interview.level_" + level; catalog.Has(catalog.Default, id) {
		return catalog.Text(lang, id)
	}
	return level
}

// YesNo returns how the runners say yes and no in lang.
func YesNo(lang string) (yes, no string) { return text(lang, msgYes), text(lang, msgNo) }
