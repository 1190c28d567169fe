package analysis

import "strings"

// Facts are what the Python files of a project declare for each other,
// gathered in a first pass so that a rule can follow a value across
// modules: the type a function returns, and what a class's instances hold.
// Keys are fully qualified dotted names.
type Facts struct {
	// Returns maps a function or method ("pkg.mod.make_conf",
	// "pkg.mod.Service.create") to the resolved constructor of what it
	// returns ("oslo_config.cfg.ConfigOpts", "pkg.mod.Service").
	Returns map[string]string
	// Classes describes the classes of the project.
	Classes map[string]*ClassFact
	// Aliases maps a module-level name bound by an import ("pkg.API" for
	// "from pkg.api import API" in pkg/__init__.py) to what it names.
	Aliases map[string]string
	// Sends maps a function to the parameters it sends to another process
	// (a launch site passes the parameter on unchanged).
	Sends map[string][]SendFact
}

// SendFact is a parameter a function hands to a process launch site.
type SendFact struct {
	Param int    // position among the parameters
	Name  string // the parameter's name, for keyword arguments
	Site  string // the launch site, as its message names it
	Path  string
	Line  int
}

// ClassFact is what an instance of a class holds once constructed.
type ClassFact struct {
	Path  string
	Line  int
	Bases []string // resolved dotted names
	// Custom is set when the class customises pickling (__getstate__,
	// __reduce__, __reduce_ex__, __getnewargs_ex__).
	Custom bool
	// Attrs maps "self.x" to the resolved constructor of the value
	// __init__ (or a method it calls on self) stores there.
	Attrs map[string]string
	// AttrLines are the lines of those assignments.
	AttrLines map[string]int
}

// NewFacts returns empty facts.
func NewFacts() *Facts {
	return &Facts{Returns: map[string]string{}, Classes: map[string]*ClassFact{}, Aliases: map[string]string{}, Sends: map[string][]SendFact{}}
}

// Merge adds o's facts; names already known keep their first fact.
func (f *Facts) Merge(o *Facts) {
	if o == nil {
		return
	}
	addNew(f.Returns, o.Returns)
	addNew(f.Classes, o.Classes)
	addNew(f.Aliases, o.Aliases)
	addNew(f.Sends, o.Sends)
}

// addNew copies the entries of src whose keys dst lacks.
func addNew[V any](dst, src map[string]V) {
	for k, v := range src {
		if _, ok := dst[k]; !ok {
			dst[k] = v
		}
	}
}

// Empty reports whether there are no facts.
func (f *Facts) Empty() bool {
	return f == nil || len(f.Returns) == 0 && len(f.Classes) == 0 && len(f.Aliases) == 0 && len(f.Sends) == 0
}

// Alias is what a re-exported name names, "" when it is not one.
func (f *Facts) Alias(name string) string {
	if f == nil {
		return ""
	}
	return f.Aliases[name]
}

// SendsOf lists the parameters the named function sends to another
// process.
func (f *Facts) SendsOf(name string) []SendFact {
	if f == nil {
		return nil
	}
	return f.Sends[name]
}

// Return is what the named function returns, "" when unknown.
func (f *Facts) Return(name string) string {
	if f == nil {
		return ""
	}
	return f.Returns[name]
}

// Class is the named class's fact, nil when unknown.
func (f *Facts) Class(name string) *ClassFact {
	if f == nil {
		return nil
	}
	return f.Classes[name]
}

// Clone returns a deep copy whose strings share nothing with f's: facts
// outlive the file they came from, and a substring would keep its whole
// source alive.
func (f *Facts) Clone() *Facts {
	c := strings.Clone
	out := NewFacts()
	if f == nil {
		return out
	}
	for k, v := range f.Returns {
		out.Returns[c(k)] = c(v)
	}
	for k, v := range f.Aliases {
		out.Aliases[c(k)] = c(v)
	}
	for k, cl := range f.Classes {
		n := &ClassFact{Path: c(cl.Path), Line: cl.Line, Custom: cl.Custom}
		for _, b := range cl.Bases {
			n.Bases = append(n.Bases, c(b))
		}
		if cl.Attrs != nil {
			n.Attrs = make(map[string]string, len(cl.Attrs))
			for a, v := range cl.Attrs {
				n.Attrs[c(a)] = c(v)
			}
		}
		if cl.AttrLines != nil {
			n.AttrLines = make(map[string]int, len(cl.AttrLines))
			for a, l := range cl.AttrLines {
				n.AttrLines[c(a)] = l
			}
		}
		out.Classes[c(k)] = n
	}
	for k, ss := range f.Sends {
		var cp []SendFact
		for _, s := range ss {
			cp = append(cp, SendFact{Param: s.Param, Name: c(s.Name), Site: c(s.Site), Path: c(s.Path), Line: s.Line})
		}
		out.Sends[c(k)] = cp
	}
	return out
}
