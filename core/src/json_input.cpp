// implemented by the foundation work
