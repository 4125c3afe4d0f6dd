package app

import (
	"errors"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// ContractNotes are the user's own notes on a contract: free text, tags and
// a day to get in touch again. They stay on the laptop; no vendor sees them.
type ContractNotes struct {
	Text string
	// Tags are short labels, each at most MaxTagLen characters, kept in the
	// order typed without repeats.
	Tags []string
	// NextContact is a calendar day (midnight UTC stands for the day); zero
	// when none is set.
	NextContact time.Time
	UpdatedAt   time.Time
}

// Limits of contract notes, so one note cannot swamp a page or the cache.
const (
	MaxNoteLen = 10000
	MaxTagLen  = 40
	MaxTags    = 20
)

// Empty reports whether the notes hold nothing.
func (n ContractNotes) Empty() bool {
	return strings.TrimSpace(n.Text) == "" && len(n.Tags) == 0 && n.NextContact.IsZero()
}

// NoteField names the field a notes error is about, for the message beside it.
type NoteField string

const (
	NoteText        NoteField = "notes"
	NoteTags        NoteField = "tags"
	NoteNextContact NoteField = "next_contact"
)

// NoteError is an invalid notes value; Field says which.
type NoteError struct {
	Field NoteField
	// Msg is in English; the contract page shows it in the user's language.
	Msg Msg
}

func (e *NoteError) Error() string { return string(e.Field) + ": " + e.Msg.String() }

// ParseContractNotes reads notes as typed: tags separated by commas,
// next contact as ParseDay reads it (empty for none). Every invalid
// field is reported.
func ParseContractNotes(text, tags, nextContact string) (ContractNotes, []*NoteError) {
	var errs []*NoteError
	n := ContractNotes{Text: strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))}
	if l := utf8.RuneCountInString(n.Text); l > MaxNoteLen {
		errs = append(errs, &NoteError{NoteText, Msgf("%d characters, at most %d allowed", l, MaxNoteLen)})
	}
	for _, t := range strings.Split(tags, ",") {
		t = strings.Join(strings.Fields(t), " ")
		switch {
		case t == "" || slices.Contains(n.Tags, t):
		case utf8.RuneCountInString(t) > MaxTagLen:
			errs = append(errs, &NoteError{NoteTags, Msgf("tag %q is longer than %d characters", t, MaxTagLen)})
		default:
			n.Tags = append(n.Tags, t)
		}
	}
	if len(n.Tags) > MaxTags {
		errs = append(errs, &NoteError{NoteTags, Msgf("%d tags, at most %d allowed", len(n.Tags), MaxTags)})
	}
	if s := strings.TrimSpace(nextContact); s != "" {
		d, err := ParseDay(s)
		if de := (*DayError)(nil); errors.As(err, &de) {
			errs = append(errs, &NoteError{NoteNextContact, de.Msg()})
		}
		n.NextContact = d
	}
	return n, errs
}
