# -*- coding: utf-8 -*-
"""Lexical corner cases, written for letgo's differential test."""
import os; import sys  # two statements on one line

numbers = [0, 00, 1_000_000, 0x_FF, 0o17, 0b1010, 1., .5, 1e-3, 1E+3, 3.14j, 10J, 1_0.0_1e1_0]
strings = ('single', "double", '''triple
quoted''', """triple "double" """, r'raw \d', R"RAW \n", b'bytes', rb'\x00', Br"x",
           u'unicode', 'implicit' "concat" '''enation''', 'esc\'aped', "\N{EM DASH}")
fstrings = (f'{numbers[0]!r:>{width(3)}}', F"{'nested'}", rf'{os.sep}\d', fR"""{
    sys.path
}""", f"{{literal}} {value}", f'{x=}', f"{a!s}{b!a:{c}}")
données = naïve(ñ=1)
total = (1 +
         2) + \
    3
tab_indented = 1
if tab_indented:
	call_with_tab(1)
	if nested:
		deeper(2)
lambda_default = lambda x=frob(): x
dict_ = {key(): value() for key, value in items()}
set_ = {make(x) for x in range(3) if check(x)}
gen = (yield_(x) for x in range(3))
slices = a[1:2, ::3, call():]
starred = [*first(), *second()]
chained = a.b(c).d[e](f=g).h()
ellipsis = ...
call(*args, **kwargs)
call(a, *b, c=d, **e)
print(f"{'a' if x else 'b'}")
