package main

import (
	"fmt"
	"os"

	"golang.org/x/term"
)

// progressBar draws "Exporting 1234/10000" on standard error, only when it
// is a terminal, and only for long work.
type progressBar struct {
	a     *app
	label string
	on    bool
	last  int
}

func (a *app) progress(label string) *progressBar {
	f, ok := a.err.(*os.File)
	return &progressBar{a: a, label: label, on: ok && term.IsTerminal(int(f.Fd()))}
}

func (p *progressBar) update(done, total int) {
	if !p.on || total < 500 || done-p.last < total/100 && done != total {
		return
	}
	p.last = done
	fmt.Fprintf(p.a.err, "\r%s %d/%d (%d%%)", p.label, done, total, done*100/total)
}

func (p *progressBar) done() {
	if p.on && p.last > 0 {
		fmt.Fprint(p.a.err, "\r\033[K")
		p.last = 0
	}
}

// count draws "Checking 12000" for work whose total is not known yet.
func (p *progressBar) count(n int) {
	if !p.on || n-p.last < 1000 {
		return
	}
	p.last = n
	fmt.Fprintf(p.a.err, "\r%s %d", p.label, n)
}
