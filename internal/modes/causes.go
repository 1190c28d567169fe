package modes

import "strings"

// BlockerCauses names the cause each blocking library module belongs to,
// so that the modules of one package an entry point loads together
// (oslo_service.backend._eventlet and the modules under it) are reported
// as one. A module joins its nearest ancestor package that is itself a
// blocker; the modules left whose parent package is the same are named by
// that package; a module alone is named by itself. The modules are those
// of one library root.
func BlockerCauses(mods []string) map[string]string {
	set := make(map[string]bool, len(mods))
	for _, m := range mods {
		set[m] = true
	}
	head := func(m string) string {
		top := m
		for p := parentModule(m); p != ""; p = parentModule(p) {
			if set[p] {
				top = p
			}
		}
		return top
	}
	heads := map[string][]string{} // parent package → heads under it
	for m := range set {
		if h := head(m); h == m {
			heads[parentModule(m)] = append(heads[parentModule(m)], m)
		}
	}
	name := map[string]string{} // head → cause
	for p, hs := range heads {
		for _, h := range hs {
			name[h] = h
			if p != "" && len(hs) > 1 {
				name[h] = p
			}
		}
	}
	cause := make(map[string]string, len(set))
	for m := range set {
		cause[m] = name[head(m)]
	}
	return cause
}

func parentModule(module string) string {
	i := strings.LastIndexByte(module, '.')
	if i < 0 {
		return ""
	}
	return module[:i]
}
