"""Pure clearing engine of bidding rounds: inputs, validation, both modes, points, explanations."""
