"""Weekly leagues: groups of learners of one tier ranked by the XP they earn in a UTC week."""
