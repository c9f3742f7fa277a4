package intake

// msgKey names a message the runners and validation show. Survivors may read
// the screen, so messages come in every language the default questionnaire
// offers.
type msgKey int

const (
	msgUnknownQuestion msgKey = iota
	msgNotOnPage
	msgNotAsked
	msgRequired
	msgWantYesNo
	msgWantNumber
	msgNumberRange
	msgWantOption
	msgUnknownOption
	msgWantList
	msgWantDate
	msgWantText
	msgOneLine
	msgEmpty
	msgLength
	msgPattern
	msgNotAnswerable
	msgUnknownContact
	msgNoContacts
	msgWantWhole
	msgCheck

	msgPage
	msgPreferNot
	msgPreferNotAlone
	msgYes
	msgNo
	msgNone
	msgRequiredMark
	msgHowYesNo
	msgHowChoice
	msgHowMulti
	msgHowText
	msgHowNumber
	msgHowDate
	msgCommands
	msgStopped
	msgDeclined
	msgAlert
	msgSummaryTitle
	msgSummaryTriage
	msgSummaryNeeds
	msgSummaryNoNeeds
	msgSummaryReferrals
	msgSummaryShare
	msgSummaryShareNone
	msgSummaryFollowup
	msgSummaryEndedEarly
	msgConsentScript
	msgTryAgain
	msgFirstPage
	msgKeepEarlier
	msgConfirmStop
	msgNext
	msgEnd
	msgSkipEmpty
	msgConfirmStopTitle
	msgKeepGoing
	msgFormKeys
	msgHowMultiForm
	msgTheAnswer
	msgSensitiveHidden
	msgTemplateRef
	msgTemplateYesNo
	msgTemplateMulti
	msgTemplatePartners
)

var messages = map[string]map[msgKey]string{
	"en": {
		msgUnknownQuestion: "this questionnaire has no such question",
		msgNotOnPage:       "answered at the wrong point of the interview",
		msgNotAsked:        "is answered, but not asked: an earlier answer skips it, or consent was not given",
		msgRequired:        "needs an answer; it cannot be skipped",
		msgWantYesNo:       "answer yes or no (true or false)",
		msgWantNumber:      "answer with a number",
		msgNumberRange:     "answer with a number from %s to %s",
		msgWantOption:      "answer with one of: %s",
		msgUnknownOption:   "%s is not one of: %s",
		msgWantList:        "answer with a list",
		msgWantDate:        "answer with a date like 2026-01-31",
		msgWantText:        "answer with text",
		msgOneLine:         "answer on one line",
		msgEmpty:           "the answer is empty; skip the question instead",
		msgLength:          "the answer must be %d to %d characters long",
		msgPattern:         "the answer is not in the expected form",
		msgNotAnswerable:   "this is a note, not a question",
		msgUnknownContact:  "%q is not a partner in this vault's contacts (known: %s)",
		msgNoContacts:      "none yet; add one with 'fieldvault contact add'",
		msgWantWhole:       "answer with a whole number",
		msgCheck:           "this answer is not accepted for this question",

		msgPage:              "Page %d of %d: %s",
		msgPreferNot:         "Prefer not to answer",
		msgPreferNotAlone:    "“Prefer not to answer” cannot be ticked together with answers: untick one",
		msgYes:               "Yes",
		msgNo:                "No",
		msgNone:              "None of these",
		msgRequiredMark:      "(required)",
		msgHowYesNo:          "Type y for yes or n for no.",
		msgHowChoice:         "Type the number of one choice.",
		msgHowMulti:          "Type the numbers of all that apply, separated by spaces, or 0 for none.",
		msgHowText:           "Type the answer and press Enter.",
		msgHowNumber:         "Type a number.",
		msgHowDate:           "Type a date like 2026-01-31.",
		msgCommands:          "Press Enter alone to skip (prefer not to answer). Type /back for the previous page, /stop to end the interview.",
		msgStopped:           "The interview was ended at the person's wish.",
		msgDeclined:          "Consent was not given. Only that decision is recorded. Help the person all the same.",
		msgAlert:             "ACT NOW",
		msgSummaryTitle:      "Summary to read back",
		msgSummaryTriage:     "Urgency: %s",
		msgSummaryNeeds:      "Needs now:",
		msgSummaryNoNeeds:    "No immediate needs were named.",
		msgSummaryReferrals:  "Agreed referrals: %s",
		msgSummaryShare:      "May be shared with: %s",
		msgSummaryShareNone:  "May be shared with: no one; it stays on this laptop",
		msgSummaryFollowup:   "Follow-up contact: %s",
		msgSummaryEndedEarly: "The interview ended early, at the person's wish.",
		msgConsentScript:     "Read this aloud before any question:",
		msgTryAgain:          "%s Try again.",
		msgFirstPage:         "This is the first page, there is no earlier one.",
		msgKeepEarlier:       "Earlier answer: %s. Press Enter to keep it, or type another; /skip to skip.",
		msgConfirmStop:       "End the interview now? What was answered on earlier pages is kept. (y/n)",
		msgNext:              "Continue",
		msgTemplateRef:       "Paper form number (optional; tells apart two forms with the same answers)",
		msgTemplateYesNo:     "yes or no (also true, false, 1, 0)",
		msgTemplateMulti:     "several values: separate them with ; (- for none)",
		msgTemplatePartners:  "names of partners in the vault's contacts, separated with ; (- for none)",
		msgEnd:               "End the interview here",
		msgSkipEmpty:         "Leave it empty to skip.",
		msgConfirmStopTitle:  "End the interview now? What was answered on earlier pages is kept.",
		msgKeepGoing:         "No, go on",
		msgFormKeys:          "ctrl+b previous page • ctrl+x end the interview • ctrl+c save and quit",
		msgHowMultiForm:      "Press x on each that applies, then Enter; Enter alone for none.",
		msgTheAnswer:         "the answer",
		msgSensitiveHidden:   "•••••• (sensitive; press s to show)",
	},
	"id": {
		msgUnknownQuestion: "kuesioner ini tidak memiliki pertanyaan tersebut",
		msgNotOnPage:       "dijawab pada bagian wawancara yang salah",
		msgNotAsked:        "dijawab, tetapi tidak ditanyakan: jawaban sebelumnya melewatinya, atau persetujuan tidak diberikan",
		msgRequired:        "harus dijawab; tidak boleh dilewati",
		msgWantYesNo:       "jawab ya atau tidak (true atau false)",
		msgWantNumber:      "jawab dengan angka",
		msgNumberRange:     "jawab dengan angka dari %s sampai %s",
		msgWantOption:      "jawab dengan salah satu dari: %s",
		msgUnknownOption:   "%s bukan salah satu dari: %s",
		msgWantList:        "jawab dengan daftar",
		msgWantDate:        "jawab dengan tanggal seperti 2026-01-31",
		msgWantText:        "jawab dengan teks",
		msgOneLine:         "jawab dalam satu baris",
		msgEmpty:           "jawabannya kosong; lewati saja pertanyaannya",
		msgLength:          "jawaban harus terdiri dari %d sampai %d karakter",
		msgPattern:         "jawaban tidak dalam bentuk yang diharapkan",
		msgNotAnswerable:   "ini catatan, bukan pertanyaan",
		msgUnknownContact:  "%q bukan mitra dalam kontak brankas ini (yang ada: %s)",
		msgNoContacts:      "belum ada; tambahkan dengan 'fieldvault contact add'",
		msgWantWhole:       "jawab dengan bilangan bulat",
		msgCheck:           "jawaban ini tidak diterima untuk pertanyaan ini",

		msgPage:              "Halaman %d dari %d: %s",
		msgPreferNot:         "Memilih tidak menjawab",
		msgPreferNotAlone:    "“Memilih tidak menjawab” tidak dapat dicentang bersama jawaban lain: hapus salah satu",
		msgYes:               "Ya",
		msgNo:                "Tidak",
		msgNone:              "Tidak ada",
		msgRequiredMark:      "(wajib)",
		msgHowYesNo:          "Ketik y untuk ya atau t untuk tidak.",
		msgHowChoice:         "Ketik nomor satu pilihan.",
		msgHowMulti:          "Ketik nomor semua yang sesuai, dipisahkan spasi, atau 0 jika tidak ada.",
		msgHowText:           "Ketik jawaban lalu tekan Enter.",
		msgHowNumber:         "Ketik sebuah angka.",
		msgHowDate:           "Ketik tanggal seperti 2026-01-31.",
		msgCommands:          "Tekan Enter saja untuk melewati (memilih tidak menjawab). Ketik /kembali untuk halaman sebelumnya, /berhenti untuk mengakhiri wawancara.",
		msgStopped:           "Wawancara diakhiri atas keinginan orang tersebut.",
		msgDeclined:          "Persetujuan tidak diberikan. Hanya keputusan itu yang dicatat. Tetap bantu orang tersebut.",
		msgAlert:             "SEGERA BERTINDAK",
		msgSummaryTitle:      "Ringkasan untuk dibacakan kembali",
		msgSummaryTriage:     "Tingkat kedaruratan: %s",
		msgSummaryNeeds:      "Kebutuhan saat ini:",
		msgSummaryNoNeeds:    "Tidak ada kebutuhan mendesak yang disebutkan.",
		msgSummaryReferrals:  "Rujukan yang disetujui: %s",
		msgSummaryShare:      "Boleh dibagikan kepada: %s",
		msgSummaryShareNone:  "Boleh dibagikan kepada: tidak seorang pun; tetap di laptop ini",
		msgSummaryFollowup:   "Dihubungi kembali: %s",
		msgSummaryEndedEarly: "Wawancara berakhir lebih awal atas keinginan orang tersebut.",
		msgConsentScript:     "Bacakan ini sebelum pertanyaan apa pun:",
		msgTryAgain:          "%s Coba lagi.",
		msgFirstPage:         "Ini halaman pertama, tidak ada halaman sebelumnya.",
		msgKeepEarlier:       "Jawaban sebelumnya: %s. Tekan Enter untuk mempertahankannya, atau ketik jawaban lain; /lewati untuk melewati.",
		msgConfirmStop:       "Akhiri wawancara sekarang? Jawaban di halaman sebelumnya tetap disimpan. (y/t)",
		msgNext:              "Lanjutkan",
		msgTemplateRef:       "Nomor formulir kertas (boleh kosong; membedakan dua formulir dengan jawaban yang sama)",
		msgTemplateYesNo:     "ya atau tidak (juga yes, no, true, false, 1, 0)",
		msgTemplateMulti:     "beberapa nilai: pisahkan dengan ; (- untuk tidak ada)",
		msgTemplatePartners:  "nama mitra dalam kontak brankas, dipisahkan dengan ; (- untuk tidak ada)",
		msgEnd:               "Akhiri wawancara di sini",
		msgSkipEmpty:         "Biarkan kosong untuk melewati.",
		msgConfirmStopTitle:  "Akhiri wawancara sekarang? Jawaban di halaman sebelumnya tetap disimpan.",
		msgKeepGoing:         "Tidak, lanjutkan",
		msgFormKeys:          "ctrl+b halaman sebelumnya • ctrl+x akhiri wawancara • ctrl+c simpan dan keluar",
		msgHowMultiForm:      "Tekan x pada setiap yang sesuai, lalu Enter; Enter saja jika tidak ada.",
		msgTheAnswer:         "jawaban itu",
		msgSensitiveHidden:   "•••••• (sensitif; tekan s untuk menampilkan)",
	},
}

// text returns a message in lang, or in English if lang has none.
func text(lang string, k msgKey) string {
	if s, ok := messages[lang][k]; ok {
		return s
	}
	return messages["en"][k]
}

// levelNames translates triage levels for the summary.
var levelNames = map[string]map[string]string{
	"en": {"immediate": "IMMEDIATE", "today": "today", "soon": "soon"},
	"id": {"immediate": "SEGERA", "today": "hari ini", "soon": "dalam waktu dekat"},
}

func levelName(lang, level string) string {
	if n, ok := levelNames[lang][level]; ok {
		return n
	}
	return level
}

// YesNo returns how the runners say yes and no in lang.
func YesNo(lang string) (yes, no string) { return text(lang, msgYes), text(lang, msgNo) }
