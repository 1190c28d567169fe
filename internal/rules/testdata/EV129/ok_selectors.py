import selectors

sel = selectors.DefaultSelector()
