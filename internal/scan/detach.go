package scan

import (
	"strings"

	"github.com/letgo-dev/letgo/internal/contract"
	"github.com/letgo-dev/letgo/internal/modes"
)

// detachModes gives an entry point copies of the strings its inferred mode
// holds. The inference reads views parsed for it, whose names and texts
// are substrings of their files' sources: an evidence's text kept as it is
// would keep a whole source file alive until the result is written, for
// every entry point of every root of the scan. The slices are new (a
// cached modes.Result may share the old ones).
func detachModes(ep *contract.EntryPoint) {
	ep.ModeEvidence = detachEvidence(ep.ModeEvidence)
	ep.KindEvidence = detachEvidence(ep.KindEvidence)
	ep.LoadsEventletVia = detachEvidence(ep.LoadsEventletVia)
	ep.ModeReason = strings.Clone(ep.ModeReason)
	ep.KindReason = strings.Clone(ep.KindReason)
	sw := ep.Switch
	sw.Env, sw.Config, sw.Default = strings.Clone(sw.Env), strings.Clone(sw.Config), strings.Clone(sw.Default)
	if sw.Values != nil {
		vals := make(map[string][]string, len(sw.Values))
		for mode, vs := range sw.Values {
			vals[strings.Clone(mode)] = detachStrings(vs)
		}
		sw.Values = vals
	}
	ep.Switch = sw
	if s := ep.Selection; s != nil {
		d := &modes.Selection{Kind: s.Kind, Arg: strings.Clone(s.Arg), At: detachOne(s.At), Running: detachStrings(s.Running), Registry: strings.Clone(s.Registry)}
		if s.Before != nil {
			d.Before = make([]modes.Imported, len(s.Before))
			for i, im := range s.Before {
				d.Before[i] = modes.Imported{Module: strings.Clone(im.Module), At: detachOne(im.At), Ran: im.Ran}
			}
		}
		ep.Selection = d
	}
}

func detachEvidence(evs []modes.Evidence) []modes.Evidence {
	if evs == nil {
		return nil
	}
	out := make([]modes.Evidence, len(evs))
	for i, e := range evs {
		out[i] = detachOne(e)
	}
	return out
}

func detachOne(e modes.Evidence) modes.Evidence {
	return modes.Evidence{Path: strings.Clone(e.Path), Line: e.Line, Text: strings.Clone(e.Text)}
}

func detachStrings(ss []string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strings.Clone(s)
	}
	return out
}
