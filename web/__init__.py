"""The web workspace: agents work the queue and read briefs, managers read the digest."""
