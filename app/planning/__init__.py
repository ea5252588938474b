"""Day planning (R2.5): VROOM proposals a dispatcher accepts or edits."""
