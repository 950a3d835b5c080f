"""The match score between a person and an opportunity, and its explanation (pure).

`score.explain_fit` is the entry point; the other modules are its parts: the
facts it looks at (`facts`), whole-tenth arithmetic (`points`), titles and places
as people read them (`text`), the non-skill parts (`parts`) and what an
explanation holds (`explanation`). Nothing is imported here, so a module of the
family can be imported alone.
"""
