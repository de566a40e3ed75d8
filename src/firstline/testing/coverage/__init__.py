"""Coverage: who a round expects, who is sampled, exempt or missing; exemptions and call-downs."""
