"""Recommendations: `explain_fit`'s ranking over every open posting at once (pure).

`index.OpportunityIndex` is the entry point. It keeps open postings in a
column store (`store`, over growable numpy `table`s, inverted lists of skills
and title words in `inverted_lists`, small codes for repeated values in `codes`)
and scores them all with numpy (`scoring`). Nothing is imported here.
"""
