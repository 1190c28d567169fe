package pyproj

import (
	"path"
	"strings"
)

// ScriptGroup is the group of an entry point declared as a script file
// (setup.cfg [files] scripts, setup.py scripts=[...]): the file is
// installed as is and runs as __main__.
const ScriptGroup = "scripts"

// WSGIFileGroup is the group of a .wsgi file: a Python file a WSGI
// container (mod_wsgi, uWSGI) loads by path, running its module-level
// code to find its application.
const WSGIFileGroup = "wsgi_file"

// scriptDecl is one script file named by the metadata.
type scriptDecl struct {
	path   string
	source string
	line   int
}

// scriptsFromSetupPy finds the string literals of a scripts=[...] (or
// (...)) keyword in setup.py, with their lines. Only literals count: a
// list built at run time (glob.glob('bin/*')) names no file letgo can
// know.
func scriptsFromSetupPy(rel, text string) []scriptDecl {
	var out []scriptDecl
	for i := 0; i < len(text); {
		j := strings.Index(text[i:], "scripts")
		if j < 0 {
			break
		}
		at := i + j
		i = at + len("scripts")
		if at > 0 && (isIdentByte(text[at-1]) || text[at-1] == '.') || i < len(text) && isIdentByte(text[i]) {
			continue // console_scripts, self.scripts, scripts_dir
		}
		k := skipSpace(text, i)
		if k >= len(text) || text[k] != '=' || k+1 < len(text) && text[k+1] == '=' {
			continue
		}
		k = skipSpace(text, k+1)
		if k >= len(text) || text[k] != '[' && text[k] != '(' {
			continue
		}
		closer := byte(']')
		if text[k] == '(' {
			closer = ')'
		}
		for k++; k < len(text) && text[k] != closer; {
			switch c := text[k]; {
			case c == '#':
				for k < len(text) && text[k] != '\n' {
					k++
				}
			case c == '\'' || c == '"':
				end := strings.IndexByte(text[k+1:], c)
				nl := strings.IndexByte(text[k+1:], '\n')
				if end < 0 || nl >= 0 && nl < end {
					k = len(text) // not a simple literal: stop reading this list
					break
				}
				if s := strings.TrimSpace(text[k+1 : k+1+end]); s != "" {
					out = append(out, scriptDecl{s, rel, 1 + strings.Count(text[:k], "\n")})
				}
				k += end + 2
			case c == '[' || c == '(' || c == '{':
				k = len(text) // a nested or computed value: not a list of names
			default:
				k++
			}
		}
		i = k
	}
	return out
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// addScripts makes each declared Python script file an entry point: the
// file becomes a Python file of the project (whatever its name), with its
// module name when it has one and otherwise a name no import can reach
// (its path), and its module-level code is what runs. A script that is
// not Python (a shell script) runs no Python runtime and is left out; a
// script that is not in the tree is an entry point whose code is missing.
func (p *Project) addScripts(decls []scriptDecl) {
	seen := map[string]bool{}
	for _, d := range decls {
		rel := path.Clean(strings.TrimPrefix(d.path, "./"))
		if seen[rel] {
			continue
		}
		seen[rel] = true
		name := path.Base(rel)
		f := p.Lookup(rel)
		if f == nil {
			p.EntryPoints = append(p.EntryPoints, EntryPoint{Name: name, Group: ScriptGroup, Target: rel,
				Module: scriptModule(rel), Source: d.source, Line: d.line})
			continue
		}
		if !f.Python {
			if !p.pythonScript(f) {
				continue
			}
			f.Python = true
			if n, ok := f.size(); ok {
				f.Size = n
			}
		}
		if f.Module == "" {
			f.Module = scriptModule(rel)
		}
		p.EntryPoints = append(p.EntryPoints, EntryPoint{Name: name, Group: ScriptGroup, Target: rel,
			Module: f.Module, Path: f.Path, Source: d.source, Line: d.line})
	}
}

// addWSGIFiles makes each runtime .wsgi file of the tree an entry point
// (WSGIFileGroup): it is Python, loaded by path, so its module-level code
// runs as __main__ does for a script.
func (p *Project) addWSGIFiles() {
	for _, f := range p.Files {
		if !strings.HasSuffix(f.Path, ".wsgi") || f.Kind != KindRuntime {
			continue
		}
		if !f.Python {
			f.Python = true
			if n, ok := f.size(); ok {
				f.Size = n
			}
		}
		if f.Module == "" {
			f.Module = scriptModule(f.Path)
		}
		p.EntryPoints = append(p.EntryPoints, EntryPoint{Name: f.Path, Group: WSGIFileGroup, Target: f.Path,
			Module: f.Module, Path: f.Path, Source: f.Path, Line: 1})
	}
}

// scriptModule names a script file that no import reaches: its path,
// which holds a "/" or a "-" no dotted module name has (dots become "_",
// so that the name has no parent package).
func scriptModule(rel string) string {
	m := strings.ReplaceAll(rel, ".", "_")
	if !strings.ContainsAny(m, "/-") {
		m = "__main__/" + m
	}
	return m
}

// pythonScript reports whether a file without the .py suffix is a Python
// script: its first line is a shebang naming python.
func (p *Project) pythonScript(f *File) bool {
	text, ok := p.read(f.Path)
	if !ok {
		return false
	}
	first, _, _ := strings.Cut(text, "\n")
	return strings.HasPrefix(first, "#!") && strings.Contains(first, "python")
}
