package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/letgo-dev/letgo/internal/analysis"
	"github.com/letgo-dev/letgo/internal/pysrc"
)

// greenUse is one use of a name below eventlet.green in a file.
type greenUse struct {
	node pysrc.Node
	name string // canonical name used
	desc string // "eventlet.green.socket.socket() called", ...
}

// greenBinding is one import that binds a green module (or a name in one).
type greenBinding struct {
	imp      *pysrc.Import
	as       string // the name as imported, for the finding's module
	resolved string // its canonical name
	uses     int
}

// greenModuleCheck reports green modules once per binding rather than once
// per attribute: `socket.AF_UNIX, socket.SOCK_DGRAM` through
// `from eventlet.green import socket` is one thing to change, the import.
// Each import of a green module is a finding that counts the file's uses
// it covers; uses that no import of the file covers (reached through
// `import eventlet` or a facade's attribute) are one finding per green
// module, at the first use.
func greenModuleCheck(p *analysis.Pass) {
	var uses []greenUse
	// Only the sites under the table's roots can match (the file's index
	// groups them), in source order.
	callNames := p.CallNames()
	for _, i := range p.CallsUnder(greenRoots) {
		if name := callNames[i]; isGreenName(name) {
			uses = append(uses, greenUse{p.View.Calls[i].Node, name, name + "() called"})
		}
	}
	refNames := p.RefNames()
	for _, i := range p.RefsUnder(greenRoots) {
		r, name := p.View.Refs[i], refNames[i]
		if !isGreenName(name) {
			continue
		}
		desc := name + " referenced"
		switch r.Ctx {
		case pysrc.RefExcept:
			desc = "except " + name
		case pysrc.RefBase:
			desc = "class derives from " + name
		case pysrc.RefDecorator:
			desc = "decorator " + name
		case pysrc.RefWith:
			desc = "with " + name
		}
		uses = append(uses, greenUse{r.Node, name, desc})
	}
	sort.SliceStable(uses, func(i, j int) bool { return uses[i].node.Pos() < uses[j].node.Pos() })

	var bindings []*greenBinding
	for _, imp := range p.View.Imports {
		if imp.Dynamic != "" {
			continue
		}
		for _, n := range importedNames(imp) {
			if name := p.Resolve(n); isGreenName(name) {
				bindings = append(bindings, &greenBinding{imp: imp, as: n, resolved: name})
			}
		}
	}

	// Each use goes to the most specific import that covers it; the rest
	// are grouped by green module.
	uncovered := map[string][]greenUse{}
	var modules []string
	for _, u := range uses {
		var best *greenBinding
		for _, b := range bindings {
			if (u.name == b.resolved || strings.HasPrefix(u.name, b.resolved+".")) && (best == nil || len(b.resolved) > len(best.resolved)) {
				best = b
			}
		}
		if best != nil {
			best.uses++
			continue
		}
		m := greenModule(u.name)
		if uncovered[m] == nil {
			modules = append(modules, m)
		}
		uncovered[m] = append(uncovered[m], u)
	}

	const what = "eventlet green stdlib module used"
	for _, b := range bindings {
		msg := fmt.Sprintf("%s: %s imported", what, b.as)
		if b.uses > 0 {
			msg += ", " + plural(b.uses, "use") + " in this file"
		}
		p.ReportImport(b.imp, b.as, msg)
	}
	for _, m := range modules {
		us := uncovered[m]
		msg := fmt.Sprintf("%s: %s", what, us[0].desc)
		if len(us) > 1 {
			msg += fmt.Sprintf(", first of %d uses of %s in this file", len(us), m)
		}
		p.Report(us[0].node, msg)
	}
}

// isGreenName reports whether a canonical name is eventlet.green or below it.
// greenRoots are the first components of greenNames.
var greenRoots = greenNames.roots()

func isGreenName(name string) bool {
	_, ok := greenNames.match(name)
	return ok
}

// greenModule is the green module a name is in: eventlet.green.socket for
// eventlet.green.socket.AF_INET.
func greenModule(name string) string {
	parts := strings.SplitN(name, ".", 4)
	if len(parts) > 3 {
		parts = parts[:3]
	}
	return strings.Join(parts, ".")
}

// plural renders a count with its noun: "1 use", "3 uses".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
