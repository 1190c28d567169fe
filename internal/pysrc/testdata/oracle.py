"""Differential-test oracle: CPython's own ast, dumped in letgo's terms.

Usage: python3 oracle.py FILE...   (or: python3 oracle.py --stdin, paths on stdin)

Prints one JSON object per file with the imports (and their guard kind),
calls (line, col, dotted callee, keyword names) and function definitions
(parameters with literal defaults) that letgo's front end must also find.
The guard rules here mirror internal/pysrc/view_build.go and must be kept in
step with it.
"""
import ast
import json
import sys
import warnings

IMPORT_CATCHERS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def dotted(e):
    if isinstance(e, ast.Name):
        return e.id
    if isinstance(e, ast.Attribute):
        return dotted(e.value) + "." + e.attr
    return "?"


def literal(e):
    if isinstance(e, ast.Constant):
        v = e.value
        if v is None:
            return ["none", None]
        if isinstance(v, bool):
            return ["bool", v]
        if isinstance(v, int):
            return ["int", str(v)]
        if isinstance(v, float):
            return ["float", repr(v)]
        if isinstance(v, str):
            return ["str", v]
        if isinstance(v, bytes):
            return ["bytes", v.decode("latin-1")]
        return ["unknown", None]
    if isinstance(e, ast.UnaryOp) and isinstance(e.op, (ast.USub, ast.UAdd)):
        if isinstance(e.operand, ast.Constant) and type(e.operand.value) in (int, float):
            v = e.operand.value
            if isinstance(e.op, ast.USub):
                v = -v
            return ["int", str(v)] if isinstance(v, int) else ["float", repr(v)]
        return ["unknown", None]
    if isinstance(e, (ast.Tuple, ast.List)):
        elts = [literal(x) for x in e.elts]
        if any(k == "unknown" for k, _ in elts):
            return ["unknown", None]
        return ["tuple" if isinstance(e, ast.Tuple) else "list", elts]
    return ["unknown", None]


def catches_import(handlers):
    for h in handlers:
        if h.type is None:
            return True
        types = h.type.elts if isinstance(h.type, ast.Tuple) else [h.type]
        for t in types:
            name = t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) else ""
            if name in IMPORT_CATCHERS:
                return True
    return False


def is_type_checking(e):
    return (isinstance(e, ast.Name) and e.id == "TYPE_CHECKING") or (
        isinstance(e, ast.Attribute) and e.attr == "TYPE_CHECKING")


class Dumper:
    def __init__(self):
        self.imports, self.calls, self.defs = [], [], []
        self.guard = "unconditional"
        self.in_fstring = 0

    def nested(self, g):
        if self.guard == "type-checking":
            return self.guard
        if g == "type-checking":
            return g
        if self.guard == "function":
            return self.guard
        return g

    def block(self, body, g):
        save = self.guard
        self.guard = self.nested(g)
        for s in body:
            self.stmt(s)
        self.guard = save

    def stmt(self, s):
        if isinstance(s, ast.Import):
            for a in s.names:
                name = a.name + (" as " + a.asname if a.asname else "")
                self.imports.append([s.lineno, s.col_offset, a.name, 0, [name], self.guard])
            return
        if isinstance(s, ast.ImportFrom):
            names = [a.name + (" as " + a.asname if a.asname else "") for a in s.names]
            self.imports.append([s.lineno, s.col_offset, s.module or "", s.level, names, self.guard])
            return
        if isinstance(s, ast.If):
            self.expr(s.test)
            self.block(s.body, "type-checking" if is_type_checking(s.test) else "if")
            self.block(s.orelse, "if")
            return
        if isinstance(s, (ast.While,)):
            self.expr(s.test)
            self.block(s.body, "if")
            self.block(s.orelse, "if")
            return
        if isinstance(s, (ast.For, ast.AsyncFor)):
            self.expr(s.target)
            self.expr(s.iter)
            self.block(s.body, "if")
            self.block(s.orelse, "if")
            return
        if isinstance(s, (ast.With, ast.AsyncWith)):
            for it in s.items:
                self.expr(it.context_expr)
                if it.optional_vars is not None:
                    self.expr(it.optional_vars)
            self.block(s.body, self.guard)
            return
        if isinstance(s, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            if catches_import(s.handlers):
                self.block(s.body, "try")
                for h in s.handlers:
                    if h.type is not None:
                        self.expr(h.type)
                    self.block(h.body, "try")
            else:
                self.block(s.body, self.guard)
                for h in s.handlers:
                    if h.type is not None:
                        self.expr(h.type)
                    self.block(h.body, "if")
            self.block(s.orelse, self.guard)
            self.block(s.finalbody, self.guard)
            return
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for d in s.decorator_list:
                self.expr(d)
            for tp in getattr(s, "type_params", []):
                self.expr(tp)
            self.args(s.args)
            params = []
            a = s.args
            pos = a.posonlyargs + a.args
            defaults = [None] * (len(pos) - len(a.defaults)) + list(a.defaults)
            for arg, d in zip(pos, defaults):
                params.append([arg.arg, literal(d) if d is not None else None])
            if a.vararg:
                params.append([a.vararg.arg, None])
            for arg, d in zip(a.kwonlyargs, a.kw_defaults):
                params.append([arg.arg, literal(d) if d is not None else None])
            if a.kwarg:
                params.append([a.kwarg.arg, None])
            self.defs.append([s.lineno, s.col_offset, s.name, params])
            if s.returns is not None:
                self.expr(s.returns)
            save = self.guard
            if self.guard != "type-checking":
                self.guard = "function"
            for b in s.body:
                self.stmt(b)
            self.guard = save
            return
        if isinstance(s, ast.ClassDef):
            for d in s.decorator_list:
                self.expr(d)
            for tp in getattr(s, "type_params", []):
                self.expr(tp)
            for b in s.bases:
                self.expr(b)
            for k in s.keywords:
                self.expr(k.value)
            for b in s.body:
                self.stmt(b)
            return
        if isinstance(s, ast.Match):
            self.expr(s.subject)
            for c in s.cases:
                self.expr(c.pattern)
                if c.guard is not None:
                    self.expr(c.guard)
                self.block(c.body, "if")
            return
        for child in ast.iter_child_nodes(s):
            self.expr(child)

    def args(self, a):
        for arg in a.posonlyargs + a.args + ([a.vararg] if a.vararg else []) + a.kwonlyargs + (
                [a.kwarg] if a.kwarg else []):
            if arg.annotation is not None:
                self.expr(arg.annotation)
        for d in a.defaults + [d for d in a.kw_defaults if d is not None]:
            self.expr(d)

    def expr(self, e):
        if isinstance(e, ast.Call):
            kws = [k.arg for k in e.keywords]
            self.calls.append([e.lineno, e.col_offset, dotted(e.func), kws, self.in_fstring > 0])
        if isinstance(e, ast.Lambda):
            self.args(e.args)
            save = self.guard
            if self.guard != "type-checking":
                self.guard = "function"
            self.expr(e.body)
            self.guard = save
            return
        if isinstance(e, ast.JoinedStr) or type(e).__name__ == "TemplateStr":
            self.in_fstring += 1
            for child in ast.iter_child_nodes(e):
                self.expr(child)
            self.in_fstring -= 1
            return
        for child in ast.iter_child_nodes(e):
            self.expr(child)


def dump(path):
    out = {"path": path}
    try:
        with open(path, "rb") as f:
            src = f.read()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(src, path)
    except (SyntaxError, ValueError) as ex:
        out["error"] = "%s: %s" % (type(ex).__name__, ex)
        return out
    d = Dumper()
    for s in tree.body:
        d.stmt(s)
    out["imports"], out["calls"], out["defs"] = d.imports, d.calls, d.defs
    return out


def main():
    paths = sys.argv[1:]
    if paths == ["--stdin"]:
        paths = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    out = sys.stdout
    out.write(json.dumps({"python": list(sys.version_info[:3])}) + "\n")
    for p in paths:
        out.write(json.dumps(dump(p)) + "\n")


if __name__ == "__main__":
    sys.setrecursionlimit(10000)
    main()
