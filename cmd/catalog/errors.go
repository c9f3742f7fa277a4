package catalog

// Msg is an error whose sentence is a catalog text, put in a language only
// when it is shown: errors are made deep in a command, before anyone knows
// which language will read them.
type Msg struct {
	ID   string
	Args []any
}

// Error is the English sentence, for logs and wrapping.
func (e *Msg) Error() string { return Text(Default, e.ID, e.Args...) }

// Unwrap is the error the sentence names, if any, so errors.Is still sees
// through it.
func (e *Msg) Unwrap() error {
	for _, x := range e.Args {
		if err, ok := x.(error); ok {
			return err
		}
	}
	return nil
}

// Errorf is the error with text id; an error among args is wrapped.
func Errorf(id string, args ...any) error { return &Msg{id, args} }

// UsageError is a mistake in how fieldvault was called.
type UsageError struct{ Msg }

// Usage is the usage error with text id.
func Usage(id string, args ...any) error { return &UsageError{Msg{id, args}} }

// HintError is an error with advice on what to do next, a catalog text.
type HintError struct {
	Err  error
	Hint Msg
}

func (e *HintError) Error() string { return e.Err.Error() }
func (e *HintError) Unwrap() error { return e.Err }

// WithHint attaches the advice id to err.
func WithHint(err error, id string, args ...any) error {
	return &HintError{err, Msg{id, args}}
}
